/// A RADIUS packet (RFC 2865 §3), pure encode/decode:
///
///      0                   1                   2                   3
///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |     Code      |  Identifier   |            Length             |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                         Authenticator (16)                    |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |  Attributes ...  (Type, Length incl. the 2 header octets, Value)
///     +-+-+-+-+-+-+-+-+-+-+-+-+-
///
/// Attributes are kept raw and in order (the order matters for EAP-Message fragments and
/// for the Message-Authenticator position); `RadiusAttribute` is the typed view.
public struct RadiusPacket: Equatable, Sendable {
    /// RFC 2865 §3 minimum and maximum packet length.
    public static let minimumLength = 20
    public static let maximumLength = 4096
    /// RFC 2865 §5: an attribute value holds at most 253 octets.
    public static let maximumAttributeValue = 253

    public var code: RadiusCode
    public var identifier: UInt8
    /// Request Authenticator (Access-Request: random) or Response Authenticator.
    public var authenticator: [UInt8]
    public var attributes: [RawAttribute]

    /// One attribute as it is on the wire.
    public struct RawAttribute: Equatable, Sendable {
        public var type: UInt8
        public var value: [UInt8]
        public init(type: UInt8, value: [UInt8]) {
            self.type = type
            self.value = value
        }
    }

    public init(code: RadiusCode, identifier: UInt8, authenticator: [UInt8], attributes: [RawAttribute] = []) {
        self.code = code
        self.identifier = identifier
        self.authenticator = authenticator
        self.attributes = attributes
    }

    /// The wire form. Throws for an attribute over 253 octets, a packet over 4096 octets
    /// or an authenticator that is not 16 octets.
    public func encoded() throws(RadiusPacketError) -> [UInt8] {
        guard authenticator.count == 16 else { throw .invalid(field: "authenticator", reason: "\(authenticator.count) octets, need 16") }
        var bytes: [UInt8] = [code.rawValue, identifier, 0, 0] + authenticator
        for (index, attribute) in attributes.enumerated() {
            guard attribute.value.count <= Self.maximumAttributeValue else {
                throw .invalid(field: "attribute #\(index) (type \(attribute.type))",
                               reason: "\(attribute.value.count) octets, at most \(Self.maximumAttributeValue)")
            }
            bytes.append(attribute.type)
            bytes.append(UInt8(attribute.value.count + 2))
            bytes += attribute.value
        }
        guard bytes.count <= Self.maximumLength else {
            throw .invalid(field: "packet", reason: "\(bytes.count) octets, at most \(Self.maximumLength)")
        }
        bytes[2] = UInt8(bytes.count >> 8)
        bytes[3] = UInt8(bytes.count & 0xff)
        return bytes
    }

    /// Parses one datagram. Octets after `Length` are padding and ignored (RFC 2865 §3);
    /// a datagram shorter than `Length`, an attribute running past it or an attribute
    /// length below 2 throws, naming the offset.
    public static func decode(_ bytes: [UInt8]) throws(RadiusPacketError) -> RadiusPacket {
        guard bytes.count >= minimumLength else {
            throw .truncated(field: "header", offset: 0, needed: minimumLength, available: bytes.count)
        }
        let length = Int(bytes[2]) << 8 | Int(bytes[3])
        guard length >= minimumLength, length <= maximumLength else {
            throw .invalid(field: "Length", reason: "\(length) is outside \(minimumLength)-\(maximumLength)")
        }
        guard bytes.count >= length else {
            throw .truncated(field: "packet", offset: 0, needed: length, available: bytes.count)
        }
        var attributes: [RawAttribute] = []
        var offset = minimumLength
        while offset < length {
            guard offset + 2 <= length else {
                throw .truncated(field: "attribute header", offset: offset, needed: 2, available: length - offset)
            }
            let attributeLength = Int(bytes[offset + 1])
            guard attributeLength >= 2 else {
                throw .invalid(field: "attribute at offset \(offset)", reason: "length \(attributeLength), at least 2")
            }
            guard offset + attributeLength <= length else {
                throw .truncated(field: "attribute type \(bytes[offset])", offset: offset, needed: attributeLength,
                                 available: length - offset)
            }
            attributes.append(RawAttribute(type: bytes[offset], value: Array(bytes[(offset + 2)..<(offset + attributeLength)])))
            offset += attributeLength
        }
        return RadiusPacket(code: RadiusCode(rawValue: bytes[0]), identifier: bytes[1],
                            authenticator: Array(bytes[4..<20]), attributes: attributes)
    }

    /// Every value of IETF attribute `type`, in order.
    public func values(of type: UInt8) -> [[UInt8]] {
        attributes.filter { $0.type == type }.map(\.value)
    }

    /// RFC 3579 §3.1: the EAP packet, reassembled from all EAP-Message attributes in order;
    /// nil when there is none.
    public var eapMessage: [UInt8]? {
        let parts = values(of: UInt8(RadiusAttributeType.eapMessage))
        return parts.isEmpty ? nil : parts.flatMap { $0 }
    }
}

/// A RADIUS packet code (RFC 2865 §3, RFC 2866, RFC 5176).
public struct RadiusCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let accessRequest = RadiusCode(rawValue: 1)
    public static let accessAccept = RadiusCode(rawValue: 2)
    public static let accessReject = RadiusCode(rawValue: 3)
    public static let accountingRequest = RadiusCode(rawValue: 4)
    public static let accountingResponse = RadiusCode(rawValue: 5)
    public static let accessChallenge = RadiusCode(rawValue: 11)
    public static let statusServer = RadiusCode(rawValue: 12)

    public var description: String {
        switch rawValue {
        case 1: "Access-Request"
        case 2: "Access-Accept"
        case 3: "Access-Reject"
        case 4: "Accounting-Request"
        case 5: "Accounting-Response"
        case 11: "Access-Challenge"
        case 12: "Status-Server"
        default: "code \(rawValue)"
        }
    }
}

/// Why bytes are not a RADIUS packet, or a packet cannot be encoded; names the place.
public enum RadiusPacketError: Error, Equatable, Sendable, CustomStringConvertible {
    case truncated(field: String, offset: Int, needed: Int, available: Int)
    case invalid(field: String, reason: String)

    public var description: String {
        switch self {
        case .truncated(let field, let offset, let needed, let available):
            "RADIUS \(field) at offset \(offset): needs \(needed) octets, \(available) available"
        case .invalid(let field, let reason):
            "RADIUS \(field): \(reason)"
        }
    }
}
