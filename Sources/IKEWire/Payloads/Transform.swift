/// A Transform substructure of a proposal (RFC 7296 §3.3.2).
///
/// ```
///                      1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// | Last Substruc |   RESERVED    |        Transform Length       |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |Transform Type |   RESERVED    |          Transform ID         |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ~                      Transform Attributes                     ~
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
public struct Transform: Hashable, Sendable {
    /// Last Substruc value of the last transform.
    public static let lastMarker: UInt8 = 0
    /// Last Substruc value when more transforms follow.
    public static let moreMarker: UInt8 = 3
    static let headerSize = 8

    public var type: TransformType
    public var id: UInt16
    /// All attributes, in received order (the Key Length is one of them).
    public var attributes: [TransformAttribute]
    /// RESERVED after Last Substruc, as received.
    public var reserved1: UInt8
    /// RESERVED after Transform Type, as received.
    public var reserved2: UInt8

    public init(type: TransformType, id: UInt16, attributes: [TransformAttribute] = [], reserved1: UInt8 = 0, reserved2: UInt8 = 0) {
        self.type = type
        self.id = id
        self.attributes = attributes
        self.reserved1 = reserved1
        self.reserved2 = reserved2
    }

    /// A transform with a Key Length attribute (AES and Camellia, RFC 7296 §3.3.5).
    public init(type: TransformType, id: UInt16, keyLength: UInt16) {
        self.init(type: type, id: id, attributes: [.keyLength(keyLength)])
    }

    /// The Key Length attribute in bits, if present (TV form).
    public var keyLength: UInt16? {
        for attribute in attributes where attribute.type == TransformAttribute.keyLengthType {
            if case .short(let bits) = attribute.value { return bits }
        }
        return nil
    }

    /// Octets on the wire.
    public var encodedLength: Int {
        Self.headerSize + attributes.reduce(0) { $0 + $1.encodedLength }
    }

    static func parse(from reader: inout ByteReader) throws(IKEParseError) -> (Transform, isLast: Bool) {
        let start = reader.readerIndex
        let marker = try reader.readInteger(as: UInt8.self)
        let reserved1 = try reader.readInteger(as: UInt8.self)
        let length = Int(try reader.readInteger(as: UInt16.self))
        guard length >= headerSize, length - 4 <= reader.readableBytes else {
            throw .lengthMismatch(payload: reader.payload, offset: start + 2, declared: length, available: reader.readableBytes + 4)
        }
        guard marker == lastMarker || marker == moreMarker else {
            throw .invalidSyntax(payload: reader.payload, offset: start, reason: "transform Last Substruc \(marker), need 0 or 3")
        }
        var body = try reader.readSlice(length: length - 4, payload: reader.payload)
        let type = TransformType(try body.readInteger(as: UInt8.self))
        let reserved2 = try body.readInteger(as: UInt8.self)
        let id = try body.readInteger(as: UInt16.self)
        var attributes: [TransformAttribute] = []
        while !body.isAtEnd {
            attributes.append(try TransformAttribute.parse(from: &body))
        }
        return (Transform(type: type, id: id, attributes: attributes, reserved1: reserved1, reserved2: reserved2), marker == lastMarker)
    }

    func serialize(into writer: inout ByteWriter, isLast: Bool) {
        let start = writer.writerIndex
        writer.writeInteger(isLast ? Self.lastMarker : Self.moreMarker)
        writer.writeInteger(reserved1)
        writer.writeInteger(UInt16(0))
        writer.writeInteger(type.rawValue)
        writer.writeInteger(reserved2)
        writer.writeInteger(id)
        for attribute in attributes { attribute.serialize(into: &writer) }
        writer.setUInt16(writer.writerIndex - start, at: start + 2)
    }

    /// RFC 7296 §3.3.5: Key Length is TV and appears at most once.
    func validate(offset: Int) throws(IKEParseError) {
        var attributeOffset = offset + Self.headerSize
        var keyLengths = 0
        for attribute in attributes {
            if attribute.type == TransformAttribute.keyLengthType {
                keyLengths += 1
                guard case .short = attribute.value else {
                    throw .invalidSyntax(payload: .securityAssociation, offset: attributeOffset, reason: "Key Length attribute in TLV form")
                }
                guard keyLengths == 1 else {
                    throw .invalidSyntax(payload: .securityAssociation, offset: attributeOffset, reason: "Key Length attribute repeated")
                }
            }
            attributeOffset += attribute.encodedLength
        }
    }
}

/// A transform attribute (RFC 7296 §3.3.5): TV (AF = 1, 2-octet value) or TLV (AF = 0).
///
/// ```
///                      1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |A|       Attribute Type        |    AF=0  Attribute Length     |
/// |F|                             |    AF=1  Attribute Value      |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                   AF=0  Attribute Value                       |
/// |                   AF=1  Not Transmitted                       |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
public struct TransformAttribute: Hashable, Sendable {
    /// Attribute type 14, Key Length in bits (on the wire `0x800E` with AF set).
    public static let keyLengthType: UInt16 = 14

    /// The value in its wire form.
    public enum Value: Hashable, Sendable {
        /// TV: AF = 1, two octets.
        case short(UInt16)
        /// TLV: AF = 0, length-prefixed.
        case long([UInt8])
    }

    /// The 15-bit attribute type.
    public var type: UInt16
    public var value: Value

    public init(type: UInt16, value: Value) {
        self.type = type & 0x7fff
        self.value = value
    }

    /// Key Length in bits (TV 0x800E).
    public static func keyLength(_ bits: UInt16) -> TransformAttribute {
        TransformAttribute(type: keyLengthType, value: .short(bits))
    }

    var encodedLength: Int {
        switch value {
        case .short: 4
        case .long(let bytes): 4 + bytes.count
        }
    }

    static func parse(from reader: inout ByteReader) throws(IKEParseError) -> TransformAttribute {
        let field = try reader.readInteger(as: UInt16.self)
        let type = field & 0x7fff
        if field & 0x8000 != 0 {
            return TransformAttribute(type: type, value: .short(try reader.readInteger(as: UInt16.self)))
        }
        let lengthOffset = reader.readerIndex
        let length = Int(try reader.readInteger(as: UInt16.self))
        guard length <= reader.readableBytes else {
            throw .lengthMismatch(payload: reader.payload, offset: lengthOffset, declared: length, available: reader.readableBytes)
        }
        return TransformAttribute(type: type, value: .long(try reader.readBytes(count: length)))
    }

    func serialize(into writer: inout ByteWriter) {
        switch value {
        case .short(let short):
            writer.writeInteger(0x8000 | type)
            writer.writeInteger(short)
        case .long(let bytes):
            writer.writeInteger(type & 0x7fff)
            writer.writeCount16(bytes.count, of: "transform attribute length")
            writer.writeBytes(bytes)
        }
    }
}
