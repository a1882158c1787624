/// A payload whose type this implementation does not decode and whose critical bit is
/// clear: RFC 7296 §2.5 says to skip it. Kept byte-exact so the message re-encodes.
public struct UnknownPayload: Hashable, Sendable {
    /// The payload type it was announced with.
    public var type: PayloadType
    public var flags: GenericPayloadFlags
    /// The body octets as received.
    public var body: [UInt8]

    public init(type: PayloadType, flags: GenericPayloadFlags = .none, body: [UInt8]) {
        self.type = type
        self.flags = flags
        self.body = body
    }

    func serializeBody(into writer: inout ByteWriter) { writer.writeBytes(body) }
}
