/// One payload of an IKE message or of the decrypted SK contents, decoded by type.
///
/// Types this implementation does not decode are ``UnknownPayload`` (kept byte-exact);
/// an unknown type with the critical bit set is rejected while parsing (RFC 7296 §2.5).
public enum Payload: Hashable, Sendable {
    /// SA (33).
    case securityAssociation(SecurityAssociationPayload)
    /// KE (34).
    case keyExchange(KeyExchangePayload)
    /// IDi (35).
    case identificationInitiator(IdentificationPayload)
    /// IDr (36).
    case identificationResponder(IdentificationPayload)
    /// CERT (37).
    case certificate(CertificatePayload)
    /// CERTREQ (38).
    case certificateRequest(CertificateRequestPayload)
    /// AUTH (39).
    case authentication(AuthenticationPayload)
    /// Ni / Nr (40).
    case nonce(NoncePayload)
    /// N (41).
    case notify(NotifyPayload)
    /// D (42).
    case delete(DeletePayload)
    /// V (43).
    case vendorID(VendorIDPayload)
    /// TSi (44).
    case trafficSelectorInitiator(TrafficSelectorPayload)
    /// TSr (45).
    case trafficSelectorResponder(TrafficSelectorPayload)
    /// SK (46): always the last payload.
    case encrypted(EncryptedPayload)
    /// CP (47).
    case configuration(ConfigurationPayload)
    /// EAP (48).
    case eap(EAPPayload)
    /// SKF (53, RFC 7383): always the last payload.
    case encryptedFragment(EncryptedFragmentPayload)
    /// Any other type, not critical: kept raw.
    case unknown(UnknownPayload)

    /// The payload type octet this payload is announced with.
    public var type: PayloadType {
        switch self {
        case .securityAssociation: .securityAssociation
        case .keyExchange: .keyExchange
        case .identificationInitiator: .identificationInitiator
        case .identificationResponder: .identificationResponder
        case .certificate: .certificate
        case .certificateRequest: .certificateRequest
        case .authentication: .authentication
        case .nonce: .nonce
        case .notify: .notify
        case .delete: .delete
        case .vendorID: .vendorID
        case .trafficSelectorInitiator: .trafficSelectorInitiator
        case .trafficSelectorResponder: .trafficSelectorResponder
        case .encrypted: .encrypted
        case .configuration: .configuration
        case .eap: .eap
        case .encryptedFragment: .encryptedFragment
        case .unknown(let payload): payload.type
        }
    }

    /// The generic header's critical/reserved octet.
    public var flags: GenericPayloadFlags {
        switch self {
        case .securityAssociation(let p): p.flags
        case .keyExchange(let p): p.flags
        case .identificationInitiator(let p), .identificationResponder(let p): p.flags
        case .certificate(let p): p.flags
        case .certificateRequest(let p): p.flags
        case .authentication(let p): p.flags
        case .nonce(let p): p.flags
        case .notify(let p): p.flags
        case .delete(let p): p.flags
        case .vendorID(let p): p.flags
        case .trafficSelectorInitiator(let p), .trafficSelectorResponder(let p): p.flags
        case .encrypted(let p): p.flags
        case .configuration(let p): p.flags
        case .eap(let p): p.flags
        case .encryptedFragment(let p): p.flags
        case .unknown(let p): p.flags
        }
    }

    /// The Next Payload value this payload carries when it is last in its chain: SK and
    /// SKF name their first inner payload (RFC 7296 §3.14, RFC 7383 §2.5), others 0.
    var nextPayloadWhenLast: PayloadType {
        switch self {
        case .encrypted(let p): p.innerFirstPayload
        case .encryptedFragment(let p): p.innerFirstPayload
        default: .none
        }
    }

    /// True for SK and SKF, which must end the chain.
    var endsChain: Bool {
        switch self {
        case .encrypted, .encryptedFragment: true
        default: false
        }
    }

    // MARK: - Body

    /// Writes the payload body (everything after the generic header).
    public func serializeBody(into writer: inout ByteWriter) {
        switch self {
        case .securityAssociation(let p): p.serializeBody(into: &writer)
        case .keyExchange(let p): p.serializeBody(into: &writer)
        case .identificationInitiator(let p), .identificationResponder(let p): p.serializeBody(into: &writer)
        case .certificate(let p): p.serializeBody(into: &writer)
        case .certificateRequest(let p): p.serializeBody(into: &writer)
        case .authentication(let p): p.serializeBody(into: &writer)
        case .nonce(let p): p.serializeBody(into: &writer)
        case .notify(let p): p.serializeBody(into: &writer)
        case .delete(let p): p.serializeBody(into: &writer)
        case .vendorID(let p): p.serializeBody(into: &writer)
        case .trafficSelectorInitiator(let p), .trafficSelectorResponder(let p): p.serializeBody(into: &writer)
        case .encrypted(let p): p.serializeBody(into: &writer)
        case .configuration(let p): p.serializeBody(into: &writer)
        case .eap(let p): p.serializeBody(into: &writer)
        case .encryptedFragment(let p): p.serializeBody(into: &writer)
        case .unknown(let p): p.serializeBody(into: &writer)
        }
    }

    /// The body octets alone (for AUTH: RFC 7296 §2.15 RestOfInitIDPayload is the IDi body).
    public var bodyBytes: [UInt8] {
        var writer = ByteWriter()
        serializeBody(into: &writer)
        return writer.bytes
    }

    /// Checks semantic bounds (second parse step). `offset` is where the payload's
    /// generic header starts, used in the error.
    public func validate(offset: Int = 0) throws(IKEParseError) {
        let body = offset + genericPayloadHeaderSize
        switch self {
        case .securityAssociation(let p): try p.validate(bodyOffset: body)
        case .keyExchange(let p): try p.validate(bodyOffset: body)
        case .identificationInitiator(let p): try p.validate(bodyOffset: body, type: .identificationInitiator)
        case .identificationResponder(let p): try p.validate(bodyOffset: body, type: .identificationResponder)
        case .certificate: break
        case .certificateRequest(let p): try p.validate(bodyOffset: body)
        case .authentication(let p): try p.validate(bodyOffset: body)
        case .nonce(let p): try p.validate(bodyOffset: body)
        case .notify(let p): try p.validate(bodyOffset: body)
        case .delete(let p): try p.validate(bodyOffset: body)
        case .vendorID: break
        case .trafficSelectorInitiator(let p): try p.validate(bodyOffset: body, type: .trafficSelectorInitiator)
        case .trafficSelectorResponder(let p): try p.validate(bodyOffset: body, type: .trafficSelectorResponder)
        case .encrypted: break
        case .configuration(let p): try p.validate(bodyOffset: body)
        case .eap(let p): try p.validate(bodyOffset: body)
        case .encryptedFragment(let p): try p.validate(bodyOffset: body)
        case .unknown: break
        }
    }

    /// Parses one body of type `type`; `body` covers exactly the body octets.
    static func parseBody(type: PayloadType, flags: GenericPayloadFlags, nextPayload: PayloadType,
                          headerOffset: Int, body: inout ByteReader) throws(IKEParseError) -> Payload {
        switch type {
        case .securityAssociation: return .securityAssociation(try .parse(from: &body, flags: flags))
        case .keyExchange: return .keyExchange(try .parse(from: &body, flags: flags))
        case .identificationInitiator: return .identificationInitiator(try .parse(from: &body, flags: flags))
        case .identificationResponder: return .identificationResponder(try .parse(from: &body, flags: flags))
        case .certificate: return .certificate(try .parse(from: &body, flags: flags))
        case .certificateRequest: return .certificateRequest(try .parse(from: &body, flags: flags))
        case .authentication: return .authentication(try .parse(from: &body, flags: flags))
        case .nonce: return .nonce(.parse(from: &body, flags: flags))
        case .notify: return .notify(try .parse(from: &body, flags: flags))
        case .delete: return .delete(try .parse(from: &body, flags: flags))
        case .vendorID: return .vendorID(.parse(from: &body, flags: flags))
        case .trafficSelectorInitiator: return .trafficSelectorInitiator(try .parse(from: &body, flags: flags))
        case .trafficSelectorResponder: return .trafficSelectorResponder(try .parse(from: &body, flags: flags))
        case .encrypted: return .encrypted(.parse(from: &body, flags: flags, innerFirstPayload: nextPayload))
        case .configuration: return .configuration(try .parse(from: &body, flags: flags))
        case .eap: return .eap(try .parse(from: &body, flags: flags))
        case .encryptedFragment:
            return .encryptedFragment(try .parse(from: &body, flags: flags, innerFirstPayload: nextPayload))
        default:
            // RFC 7296 §2.5: skip an unknown payload unless its critical bit is set.
            guard !flags.isCritical else { throw .unsupportedCriticalPayload(type: type, offset: headerOffset) }
            return .unknown(UnknownPayload(type: type, flags: flags, body: body.readRemainingBytes()))
        }
    }
}
