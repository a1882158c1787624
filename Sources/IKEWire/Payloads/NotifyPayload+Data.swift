import HubVocabulary

/// Typed Notification Data for the notifies a responder reads or writes. Each reader
/// throws ``IKEParseError/invalidSyntax(payload:offset:reason:)`` when the payload is of
/// another type or the data has the wrong shape.
extension NotifyPayload {
    // MARK: - Readers

    private var dataOffset: Int { 4 + spi.count }

    private func require(_ type: NotifyType, bodyOffset: Int) throws(IKEParseError) {
        guard notifyType == type else {
            throw .invalidSyntax(payload: Self.type, offset: bodyOffset + 2, reason: "notify is \(notifyType), not \(type)")
        }
    }

    private func invalid(_ reason: String, bodyOffset: Int) -> IKEParseError {
        .invalidSyntax(payload: Self.type, offset: bodyOffset + dataOffset, reason: "\(notifyType): \(reason)")
    }

    private func fixedData(_ count: Int, bodyOffset: Int) throws(IKEParseError) -> [UInt8] {
        guard data.count == count else { throw invalid("\(data.count) octets of data, need \(count)", bodyOffset: bodyOffset) }
        return data
    }

    private static func bigEndian<T: FixedWidthInteger>(_ bytes: some Collection<UInt8>, as: T.Type) -> T {
        bytes.reduce(T(0)) { $0 << 8 | T($1) }
    }

    /// COOKIE (RFC 7296 §2.6): 1–64 opaque octets.
    public func cookie(bodyOffset: Int = 0) throws(IKEParseError) -> [UInt8] {
        try require(.cookie, bodyOffset: bodyOffset)
        guard Self.cookieLengthRange.contains(data.count) else {
            throw invalid("\(data.count) octets, RFC 7296 §2.6 allows 1…64", bodyOffset: bodyOffset)
        }
        return data
    }

    /// NAT_DETECTION_SOURCE_IP / _DESTINATION_IP (RFC 7296 §2.23): a 20-octet SHA-1 hash.
    public func natDetectionHash(bodyOffset: Int = 0) throws(IKEParseError) -> [UInt8] {
        guard notifyType == .natDetectionSourceIP || notifyType == .natDetectionDestinationIP else {
            throw .invalidSyntax(payload: Self.type, offset: bodyOffset + 2, reason: "notify is \(notifyType), not NAT detection")
        }
        return try fixedData(20, bodyOffset: bodyOffset)
    }

    /// INVALID_KE_PAYLOAD (RFC 7296 §3.10.1): the 2-octet group the responder wants.
    public func invalidKEPayloadGroup(bodyOffset: Int = 0) throws(IKEParseError) -> UInt16 {
        try require(.invalidKEPayload, bodyOffset: bodyOffset)
        return Self.bigEndian(try fixedData(2, bodyOffset: bodyOffset), as: UInt16.self)
    }

    /// SIGNATURE_HASH_ALGORITHMS (RFC 7427 §4): a list of 2-octet hash identifiers.
    public func signatureHashAlgorithms(bodyOffset: Int = 0) throws(IKEParseError) -> [SignatureHashAlgorithm] {
        try require(.signatureHashAlgorithms, bodyOffset: bodyOffset)
        guard data.count % 2 == 0 else { throw invalid("odd length \(data.count)", bodyOffset: bodyOffset) }
        return stride(from: 0, to: data.count, by: 2).map {
            SignatureHashAlgorithm(UInt16(data[$0]) << 8 | UInt16(data[$0 + 1]))
        }
    }

    /// REKEY_SA (RFC 7296 §3.10.1): the protocol and 4-octet SPI of the CHILD_SA being
    /// rekeyed, carried in the Protocol ID and SPI fields.
    public func rekeySA(bodyOffset: Int = 0) throws(IKEParseError) -> (protocol: IPsecProtocol, spi: UInt32) {
        try require(.rekeySA, bodyOffset: bodyOffset)
        guard let ipsec = protocolID.ipsecProtocol, spi.count == 4 else {
            throw .invalidSyntax(payload: Self.type, offset: bodyOffset,
                                 reason: "REKEY_SA needs protocol AH/ESP and a 4-octet SPI, got \(protocolID) with \(spi.count)")
        }
        return (ipsec, Self.bigEndian(spi, as: UInt32.self))
    }

    /// SET_WINDOW_SIZE (RFC 7296 §2.3): the 4-octet window.
    public func windowSize(bodyOffset: Int = 0) throws(IKEParseError) -> UInt32 {
        try require(.setWindowSize, bodyOffset: bodyOffset)
        return Self.bigEndian(try fixedData(4, bodyOffset: bodyOffset), as: UInt32.self)
    }

    /// AUTH_LIFETIME (RFC 4478 §3): seconds until re-authentication.
    public func authLifetime(bodyOffset: Int = 0) throws(IKEParseError) -> UInt32 {
        try require(.authLifetime, bodyOffset: bodyOffset)
        return Self.bigEndian(try fixedData(4, bodyOffset: bodyOffset), as: UInt32.self)
    }

    /// UNSUPPORTED_CRITICAL_PAYLOAD (RFC 7296 §3.10.1): the 1-octet payload type.
    public func unsupportedCriticalPayloadType(bodyOffset: Int = 0) throws(IKEParseError) -> PayloadType {
        try require(.unsupportedCriticalPayload, bodyOffset: bodyOffset)
        return PayloadType(try fixedData(1, bodyOffset: bodyOffset)[0])
    }

    /// IPCOMP_SUPPORTED (RFC 7296 §2.22): a 2-octet CPI and the 1-octet transform ID.
    public func ipcompSupported(bodyOffset: Int = 0) throws(IKEParseError) -> (cpi: UInt16, transformID: UInt8) {
        try require(.ipcompSupported, bodyOffset: bodyOffset)
        let bytes = try fixedData(3, bodyOffset: bodyOffset)
        return (UInt16(bytes[0]) << 8 | UInt16(bytes[1]), bytes[2])
    }

    /// REDIRECT (RFC 5685 §8.2): the new gateway and, in IKE_SA_INIT, the initiator's nonce.
    public func redirect(bodyOffset: Int = 0) throws(IKEParseError) -> RedirectData {
        try require(.redirect, bodyOffset: bodyOffset)
        guard data.count >= 2 else { throw invalid("needs gateway identity type and length", bodyOffset: bodyOffset) }
        let identityType = data[0]
        let length = Int(data[1])
        guard data.count - 2 >= length else {
            throw .lengthMismatch(payload: Self.type, offset: bodyOffset + dataOffset + 1, declared: length, available: data.count - 2)
        }
        let identity = Array(data[2..<(2 + length)])
        let nonce = Array(data[(2 + length)...])
        let gateway: RedirectData.Gateway
        switch identityType {
        case 1:
            guard let address = IPv4Address(bytes: identity) else { throw invalid("IPv4 gateway of \(length) octets", bodyOffset: bodyOffset) }
            gateway = .ipv4(address)
        case 2:
            guard let address = IPv6Address(bytes: identity) else { throw invalid("IPv6 gateway of \(length) octets", bodyOffset: bodyOffset) }
            gateway = .ipv6(address)
        case 3:
            gateway = .fqdn(String(decoding: identity, as: UTF8.self))
        default:
            gateway = .other(type: identityType, identity: identity)
        }
        return RedirectData(gateway: gateway, nonce: nonce)
    }

    /// Validates the data of every notify that has a typed reader above.
    func validateData(bodyOffset: Int) throws(IKEParseError) {
        switch notifyType {
        case .cookie: _ = try cookie(bodyOffset: bodyOffset)
        case .natDetectionSourceIP, .natDetectionDestinationIP: _ = try natDetectionHash(bodyOffset: bodyOffset)
        case .invalidKEPayload: _ = try invalidKEPayloadGroup(bodyOffset: bodyOffset)
        case .signatureHashAlgorithms: _ = try signatureHashAlgorithms(bodyOffset: bodyOffset)
        case .rekeySA: _ = try rekeySA(bodyOffset: bodyOffset)
        case .setWindowSize: _ = try windowSize(bodyOffset: bodyOffset)
        case .authLifetime: _ = try authLifetime(bodyOffset: bodyOffset)
        case .unsupportedCriticalPayload: _ = try unsupportedCriticalPayloadType(bodyOffset: bodyOffset)
        case .ipcompSupported: _ = try ipcompSupported(bodyOffset: bodyOffset)
        case .redirect: _ = try redirect(bodyOffset: bodyOffset)
        default: break
        }
    }

    // MARK: - Builders

    /// N(COOKIE).
    public static func cookie(_ cookie: [UInt8]) -> NotifyPayload {
        NotifyPayload(type: .cookie, data: cookie)
    }

    /// N(NAT_DETECTION_SOURCE_IP) with its SHA-1 hash.
    public static func natDetectionSourceIP(hash: [UInt8]) -> NotifyPayload {
        NotifyPayload(type: .natDetectionSourceIP, data: hash)
    }

    /// N(NAT_DETECTION_DESTINATION_IP) with its SHA-1 hash.
    public static func natDetectionDestinationIP(hash: [UInt8]) -> NotifyPayload {
        NotifyPayload(type: .natDetectionDestinationIP, data: hash)
    }

    /// N(INVALID_KE_PAYLOAD) naming the group the responder wants.
    public static func invalidKEPayload(group: UInt16) -> NotifyPayload {
        var writer = ByteWriter(capacity: 2)
        writer.writeInteger(group)
        return NotifyPayload(type: .invalidKEPayload, data: writer.bytes)
    }

    /// N(SIGNATURE_HASH_ALGORITHMS).
    public static func signatureHashAlgorithms(_ algorithms: [SignatureHashAlgorithm]) -> NotifyPayload {
        var writer = ByteWriter(capacity: 2 * algorithms.count)
        for algorithm in algorithms { writer.writeInteger(algorithm.rawValue) }
        return NotifyPayload(type: .signatureHashAlgorithms, data: writer.bytes)
    }

    /// N(REKEY_SA) for the CHILD_SA with outbound-from-the-sender SPI `spi`.
    public static func rekeySA(protocol ipsec: IPsecProtocol, spi: UInt32) -> NotifyPayload {
        var writer = ByteWriter(capacity: 4)
        writer.writeInteger(spi)
        return NotifyPayload(type: .rekeySA, protocolID: SecurityProtocolID(ipsec.rawValue), spi: writer.bytes)
    }

    /// N(SET_WINDOW_SIZE).
    public static func setWindowSize(_ window: UInt32) -> NotifyPayload {
        var writer = ByteWriter(capacity: 4)
        writer.writeInteger(window)
        return NotifyPayload(type: .setWindowSize, data: writer.bytes)
    }

    /// N(AUTH_LIFETIME) in seconds (RFC 4478).
    public static func authLifetime(seconds: UInt32) -> NotifyPayload {
        var writer = ByteWriter(capacity: 4)
        writer.writeInteger(seconds)
        return NotifyPayload(type: .authLifetime, data: writer.bytes)
    }

    /// N(UNSUPPORTED_CRITICAL_PAYLOAD) naming the rejected payload type.
    public static func unsupportedCriticalPayload(_ type: PayloadType) -> NotifyPayload {
        NotifyPayload(type: .unsupportedCriticalPayload, data: [type.rawValue])
    }

    /// N(IPCOMP_SUPPORTED).
    public static func ipcompSupported(cpi: UInt16, transformID: UInt8) -> NotifyPayload {
        NotifyPayload(type: .ipcompSupported, data: [UInt8(truncatingIfNeeded: cpi >> 8), UInt8(truncatingIfNeeded: cpi), transformID])
    }

    /// N(REDIRECT) to `redirect.gateway`.
    ///
    /// - Precondition: the gateway identity is at most 255 octets (its length is 1 octet).
    public static func redirect(_ redirect: RedirectData) -> NotifyPayload {
        NotifyPayload(type: .redirect, data: redirect.serialized())
    }
}

/// The data of a REDIRECT notify (RFC 5685 §8.2).
///
/// ```
/// | Next Payload  |C|  RESERVED   |         Payload Length        |
/// |Protocol ID(=0)| SPI Size (=0) |      Notify Message Type      |
/// | GW Ident Type |  GW Ident Len |                               |
/// ~                        New Responder GW Identity              ~
/// ~                        Nonce Data                             ~
/// ```
public struct RedirectData: Hashable, Sendable {
    /// The new gateway, by Gateway Identity Type (1 IPv4, 2 IPv6, 3 FQDN).
    public enum Gateway: Hashable, Sendable {
        case ipv4(IPv4Address)
        case ipv6(IPv6Address)
        case fqdn(String)
        /// A type this implementation does not know, kept as received.
        case other(type: UInt8, identity: [UInt8])
    }

    public var gateway: Gateway
    /// The initiator's Ni when redirecting in IKE_SA_INIT (RFC 5685 §4.2), else empty.
    public var nonce: [UInt8]

    public init(gateway: Gateway, nonce: [UInt8] = []) {
        self.gateway = gateway
        self.nonce = nonce
    }

    func serialized() -> [UInt8] {
        let type: UInt8, identity: [UInt8]
        switch gateway {
        case .ipv4(let address): (type, identity) = (1, address.bytes)
        case .ipv6(let address): (type, identity) = (2, address.bytes)
        case .fqdn(let name): (type, identity) = (3, Array(name.utf8))
        case .other(let other, let bytes): (type, identity) = (other, bytes)
        }
        precondition(identity.count <= 255, "REDIRECT gateway identity longer than 255 octets")
        return [type, UInt8(identity.count)] + identity + nonce
    }
}
