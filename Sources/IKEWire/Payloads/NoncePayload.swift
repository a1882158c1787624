/// Nonce payload, Ni / Nr (RFC 7296 §3.9).
///
/// ```
///                      1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// | Next Payload  |C|  RESERVED   |         Payload Length        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                                                               |
/// ~                            Nonce Data                         ~
/// |                                                               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
public struct NoncePayload: Hashable, Sendable {
    public static let type = PayloadType.nonce
    /// RFC 7296 §3.9: "The size of the Nonce Data MUST be between 16 and 256 octets".
    public static let minimumLength = 16
    /// RFC 7296 §3.9 upper bound.
    public static let maximumLength = 256

    public var flags: GenericPayloadFlags
    public var data: [UInt8]

    public init(data: [UInt8], flags: GenericPayloadFlags = .none) {
        self.data = data
        self.flags = flags
    }

    static func parse(from body: inout ByteReader, flags: GenericPayloadFlags) -> NoncePayload {
        NoncePayload(data: body.readRemainingBytes(), flags: flags)
    }

    func serializeBody(into writer: inout ByteWriter) { writer.writeBytes(data) }

    /// Checks the 16–256 octet bound (the "half the PRF key size" bound of §2.10 needs
    /// the negotiated PRF and is checked by the exchange).
    public func validate(bodyOffset: Int = 0) throws(IKEParseError) {
        guard (Self.minimumLength...Self.maximumLength).contains(data.count) else {
            throw .invalidSyntax(payload: Self.type, offset: bodyOffset,
                                 reason: "nonce of \(data.count) octets, RFC 7296 §3.9 requires 16…256")
        }
    }
}
