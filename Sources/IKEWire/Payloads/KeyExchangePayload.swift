/// Key Exchange payload, KE (RFC 7296 §3.4).
///
/// ```
///                      1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// | Next Payload  |C|  RESERVED   |         Payload Length        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |   Diffie-Hellman Group Num    |           RESERVED            |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                                                               |
/// ~                       Key Exchange Data                       ~
/// |                                                               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
public struct KeyExchangePayload: Hashable, Sendable {
    public static let type = PayloadType.keyExchange

    public var flags: GenericPayloadFlags
    /// The Key Exchange Method (Transform Type 4 ID).
    public var group: UInt16
    /// RESERVED as received (RFC 7296: ignored on receipt).
    public var reserved: UInt16
    public var keyExchangeData: [UInt8]

    public init(group: UInt16, keyExchangeData: [UInt8], reserved: UInt16 = 0, flags: GenericPayloadFlags = .none) {
        self.group = group
        self.keyExchangeData = keyExchangeData
        self.reserved = reserved
        self.flags = flags
    }

    /// The Key Exchange Data length each known group requires (`ikev2-numbers.md` §5.4:
    /// MODP = prime length, ECP = x‖y, Curve25519/448 = 32/56); `nil` for other groups.
    public static func requiredDataLength(group: UInt16) -> Int? {
        switch group {
        case 1: 96
        case 2, 22: 128
        case 5: 192
        case 14, 23, 24: 256
        case 15: 384
        case 16: 512
        case 17: 768
        case 18: 1024
        case 19: 64
        case 20: 96
        case 21: 132
        case 25: 48
        case 26: 56
        case 27: 56
        case 28: 64
        case 29: 96
        case 30: 128
        case 31: 32
        case 32: 56
        default: nil
        }
    }

    static func parse(from body: inout ByteReader, flags: GenericPayloadFlags) throws(IKEParseError) -> KeyExchangePayload {
        let group = try body.readInteger(as: UInt16.self)
        let reserved = try body.readInteger(as: UInt16.self)
        return KeyExchangePayload(group: group, keyExchangeData: body.readRemainingBytes(), reserved: reserved, flags: flags)
    }

    func serializeBody(into writer: inout ByteWriter) {
        writer.writeInteger(group)
        writer.writeInteger(reserved)
        writer.writeBytes(keyExchangeData)
    }

    /// Checks the data length of known groups (RFC 7296 §3.4: the length must match
    /// the group; RFC 6989 value checks belong to IKECrypto).
    public func validate(bodyOffset: Int = 0) throws(IKEParseError) {
        if let required = Self.requiredDataLength(group: group), keyExchangeData.count != required {
            throw .invalidSyntax(payload: Self.type, offset: bodyOffset + 4,
                                 reason: "group \(group) needs \(required) octets of key exchange data, got \(keyExchangeData.count)")
        }
    }
}
