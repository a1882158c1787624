import HubVocabulary

/// Identification payload, IDi / IDr (RFC 7296 §3.5).
///
/// ```
///                      1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// | Next Payload  |C|  RESERVED   |         Payload Length        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |   ID Type     |                 RESERVED                      |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                                                               |
/// ~                   Identification Data                         ~
/// |                                                               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
///
/// The body (ID Type, RESERVED, data) is the `RestOfInitIDPayload` /
/// `RestOfRespIDPayload` of RFC 7296 §2.15, available as ``bodyBytes``.
public struct IdentificationPayload: Hashable, Sendable {
    /// IDi.
    public static let initiatorType = PayloadType.identificationInitiator
    /// IDr.
    public static let responderType = PayloadType.identificationResponder

    public var flags: GenericPayloadFlags
    public var identity: PeerIdentity
    /// The 3 RESERVED octets as received (a 24-bit value).
    public var reserved: UInt32

    public init(identity: PeerIdentity, reserved: UInt32 = 0, flags: GenericPayloadFlags = .none) {
        self.identity = identity
        self.reserved = reserved & 0x00ff_ffff
        self.flags = flags
    }

    /// The body octets signed in AUTH (RFC 7296 §2.15).
    public var bodyBytes: [UInt8] {
        var writer = ByteWriter()
        serializeBody(into: &writer)
        return writer.bytes
    }

    static func parse(from body: inout ByteReader, flags: GenericPayloadFlags) throws(IKEParseError) -> IdentificationPayload {
        let kind = PeerIdentity.Kind(rawValue: try body.readInteger(as: UInt8.self))
        let reserved = try body.readBytes(count: 3).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let identity = PeerIdentity(kind: kind, data: body.readRemainingBytes())
        return IdentificationPayload(identity: identity, reserved: reserved, flags: flags)
    }

    func serializeBody(into writer: inout ByteWriter) {
        writer.writeInteger(identity.kind.rawValue)
        writer.writeInteger(UInt8(truncatingIfNeeded: reserved >> 16))
        writer.writeInteger(UInt16(truncatingIfNeeded: reserved))
        writer.writeBytes(identity.data)
    }

    /// Checks the data against its ID Type (RFC 7296 §3.5; ID_NULL: RFC 7619 §3).
    public func validate(bodyOffset: Int = 0, type: PayloadType = .identificationInitiator) throws(IKEParseError) {
        let data = identity.data
        let reason: String?
        switch identity.kind {
        case .ipv4Address: reason = data.count == 4 ? nil : "ID_IPV4_ADDR of \(data.count) octets, need 4"
        case .ipv6Address: reason = data.count == 16 ? nil : "ID_IPV6_ADDR of \(data.count) octets, need 16"
        case .null: reason = data.isEmpty ? nil : "ID_NULL with \(data.count) octets of data"
        case .fqdn, .rfc822Address:
            // RFC 7296 §3.5: "MUST NOT contain any terminators (e.g., NULL, CR, etc.)".
            if data.isEmpty {
                reason = "empty \(identity.kind == .fqdn ? "ID_FQDN" : "ID_RFC822_ADDR")"
            } else if data.contains(where: { $0 < 0x20 || $0 == 0x7f }) {
                reason = "control character or terminator in a textual ID"
            } else {
                reason = nil
            }
        case .derASN1DN, .derASN1GN, .keyID, .fibreChannelName:
            reason = data.isEmpty ? "empty identification data" : nil
        case .other:
            reason = nil
        }
        if let reason { throw .invalidSyntax(payload: type, offset: bodyOffset + 4, reason: reason) }
    }
}
