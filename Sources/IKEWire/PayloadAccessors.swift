/// Typed look-ups over a payload list (a message's `payloads` or a decrypted inner chain),
/// so exchange handlers do not each write the same `switch`. Counts are the job of
/// ``MessageRules``; these return the first match (or all, for repeatable payloads).
extension Array where Element == Payload {
    /// All Notify payloads, in order.
    public var notifies: [NotifyPayload] { compactMap { if case .notify(let n) = $0 { n } else { nil } } }
    /// The first Notify of `type`.
    public func notify(_ type: NotifyType) -> NotifyPayload? { notifies.first { $0.notifyType == type } }
    /// All Vendor ID payloads, in order.
    public var vendorIDs: [VendorIDPayload] { compactMap { if case .vendorID(let v) = $0 { v } else { nil } } }
    /// All CERT payloads, in order.
    public var certificates: [CertificatePayload] { compactMap { if case .certificate(let c) = $0 { c } else { nil } } }
    /// All CERTREQ payloads, in order.
    public var certificateRequests: [CertificateRequestPayload] {
        compactMap { if case .certificateRequest(let c) = $0 { c } else { nil } }
    }
    /// All Delete payloads, in order.
    public var deletes: [DeletePayload] { compactMap { if case .delete(let d) = $0 { d } else { nil } } }

    /// The SA payload.
    public var securityAssociation: SecurityAssociationPayload? {
        lazy.compactMap { if case .securityAssociation(let p) = $0 { p } else { nil } }.first
    }
    /// The KE payload.
    public var keyExchange: KeyExchangePayload? {
        lazy.compactMap { if case .keyExchange(let p) = $0 { p } else { nil } }.first
    }
    /// The Nonce payload.
    public var nonce: NoncePayload? { lazy.compactMap { if case .nonce(let p) = $0 { p } else { nil } }.first }
    /// IDi.
    public var identificationInitiator: IdentificationPayload? {
        lazy.compactMap { if case .identificationInitiator(let p) = $0 { p } else { nil } }.first
    }
    /// IDr.
    public var identificationResponder: IdentificationPayload? {
        lazy.compactMap { if case .identificationResponder(let p) = $0 { p } else { nil } }.first
    }
    /// AUTH.
    public var authentication: AuthenticationPayload? {
        lazy.compactMap { if case .authentication(let p) = $0 { p } else { nil } }.first
    }
    /// TSi.
    public var trafficSelectorInitiator: TrafficSelectorPayload? {
        lazy.compactMap { if case .trafficSelectorInitiator(let p) = $0 { p } else { nil } }.first
    }
    /// TSr.
    public var trafficSelectorResponder: TrafficSelectorPayload? {
        lazy.compactMap { if case .trafficSelectorResponder(let p) = $0 { p } else { nil } }.first
    }
    /// CP.
    public var configuration: ConfigurationPayload? {
        lazy.compactMap { if case .configuration(let p) = $0 { p } else { nil } }.first
    }
    /// EAP.
    public var eap: EAPPayload? { lazy.compactMap { if case .eap(let p) = $0 { p } else { nil } }.first }
}

extension IKEMessage: CustomStringConvertible {
    /// A one-line summary in the style of strongSwan's log ("IKE_SA_INIT request 0
    /// [ SA KE Nonce N(NAT_DETECTION_SOURCE_IP) V ]"); SK shows its first inner type.
    public var description: String {
        let names = payloads.map { payload -> String in
            switch payload {
            case .notify(let notify): "N(\(notify.notifyType))"
            case .encrypted(let sk): "SK{\(sk.innerFirstPayload)…}"
            case .encryptedFragment(let skf): "SKF(\(skf.fragmentNumber)/\(skf.totalFragments))"
            default: payload.type.abbreviation
            }
        }
        return "\(header.exchangeType) \(header.isResponse ? "response" : "request") \(header.messageID) [ \(names.joined(separator: " ")) ]"
    }
}
