/// The CFG Type octet (RFC 7296 §3.15).
public struct ConfigurationType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public init(_ rawValue: UInt8) { self.rawValue = rawValue }
    /// 1: CFG_REQUEST.
    public static let request = ConfigurationType(1)
    /// 2: CFG_REPLY.
    public static let reply = ConfigurationType(2)
    /// 3: CFG_SET.
    public static let set = ConfigurationType(3)
    /// 4: CFG_ACK.
    public static let acknowledge = ConfigurationType(4)

    public var description: String {
        switch rawValue {
        case 1: "CFG_REQUEST"
        case 2: "CFG_REPLY"
        case 3: "CFG_SET"
        case 4: "CFG_ACK"
        default: "cfg-\(rawValue)"
        }
    }
}

/// Configuration payload, CP (RFC 7296 §3.15).
///
/// ```
///                      1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// | Next Payload  |C| RESERVED    |         Payload Length        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |   CFG Type    |                    RESERVED                   |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ~                   Configuration Attributes                    ~
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///
/// Configuration attribute (RFC 7296 §3.15.1):
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |R|         Attribute Type      |            Length             |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ~                             Value                             ~
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
public struct ConfigurationPayload: Hashable, Sendable {
    public static let type = PayloadType.configuration

    public var flags: GenericPayloadFlags
    public var configurationType: ConfigurationType
    /// The 3 RESERVED octets (24-bit value).
    public var reserved: UInt32
    public var attributes: [ConfigurationAttribute]

    public init(configurationType: ConfigurationType, attributes: [ConfigurationAttribute], reserved: UInt32 = 0,
                flags: GenericPayloadFlags = .none) {
        self.configurationType = configurationType
        self.attributes = attributes
        self.reserved = reserved & 0x00ff_ffff
        self.flags = flags
    }

    /// The attributes of type `type`, in order.
    public func attributes(ofType type: ConfigurationAttributeType) -> [ConfigurationAttribute] {
        attributes.filter { $0.type == type }
    }

    static func parse(from body: inout ByteReader, flags: GenericPayloadFlags) throws(IKEParseError) -> ConfigurationPayload {
        let configurationType = ConfigurationType(try body.readInteger(as: UInt8.self))
        let reserved = try body.readBytes(count: 3).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        var attributes: [ConfigurationAttribute] = []
        while !body.isAtEnd {
            let start = body.readerIndex
            let typeField = try body.readInteger(as: UInt16.self)
            let length = Int(try body.readInteger(as: UInt16.self))
            guard length <= body.readableBytes else {
                throw .lengthMismatch(payload: Self.type, offset: start + 2, declared: length, available: body.readableBytes)
            }
            attributes.append(ConfigurationAttribute(type: ConfigurationAttributeType(typeField & 0x7fff),
                                                     value: try body.readBytes(count: length),
                                                     reservedBit: typeField & 0x8000 != 0))
        }
        return ConfigurationPayload(configurationType: configurationType, attributes: attributes, reserved: reserved, flags: flags)
    }

    func serializeBody(into writer: inout ByteWriter) {
        writer.writeInteger(configurationType.rawValue)
        writer.writeInteger(UInt8(truncatingIfNeeded: reserved >> 16))
        writer.writeInteger(UInt16(truncatingIfNeeded: reserved))
        for attribute in attributes {
            writer.writeInteger((attribute.reservedBit ? 0x8000 : 0) | attribute.type.rawValue & 0x7fff)
            writer.writeCount16(attribute.value.count, of: "configuration attribute length")
            writer.writeBytes(attribute.value)
        }
    }

    /// Checks each attribute's length against its type's rule (RFC 7296 §3.15.1 table,
    /// `ikev2-numbers.md` §11.2).
    public func validate(bodyOffset: Int = 0) throws(IKEParseError) {
        var offset = bodyOffset + 4
        for attribute in attributes {
            if let reason = attribute.lengthViolation {
                throw .invalidSyntax(payload: Self.type, offset: offset, reason: reason)
            }
            offset += 4 + attribute.value.count
        }
    }
}
