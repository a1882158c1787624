/// The EAP Code (RFC 3748 §4).
public struct EAPCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public init(_ rawValue: UInt8) { self.rawValue = rawValue }
    /// 1: Request.
    public static let request = EAPCode(1)
    /// 2: Response.
    public static let response = EAPCode(2)
    /// 3: Success.
    public static let success = EAPCode(3)
    /// 4: Failure.
    public static let failure = EAPCode(4)

    /// Request and Response carry a Type octet (RFC 3748 §4.1); Success/Failure do not.
    public var carriesType: Bool { self == .request || self == .response }

    public var description: String {
        switch rawValue {
        case 1: "Request"
        case 2: "Response"
        case 3: "Success"
        case 4: "Failure"
        default: "code-\(rawValue)"
        }
    }
}

/// The EAP method Type (RFC 3748 §5, IANA "Method Types").
public struct EAPType: RawRepresentable, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public init(_ rawValue: UInt8) { self.rawValue = rawValue }
    public static let identity = EAPType(1)
    public static let notification = EAPType(2)
    public static let nak = EAPType(3)
    public static let md5Challenge = EAPType(4)
    public static let otp = EAPType(5)
    public static let gtc = EAPType(6)
    public static let tls = EAPType(13)
    public static let sim = EAPType(18)
    public static let ttls = EAPType(21)
    public static let aka = EAPType(23)
    public static let peap = EAPType(25)
    public static let mschapV2 = EAPType(26)
    public static let tnc = EAPType(38)
    public static let akaPrime = EAPType(50)
    public static let teap = EAPType(55)
    /// 254: Expanded Type, followed by a 3-octet Vendor-Id and 4-octet Vendor-Type.
    public static let expanded = EAPType(254)
    public static let experimental = EAPType(255)
}

/// Extensible Authentication payload, EAP (RFC 7296 §3.16), holding one EAP message
/// (RFC 3748 §4).
///
/// ```
///                      1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// | Next Payload  |C|  RESERVED   |         Payload Length        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |     Code      | Identifier    |           Length              |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |     Type      | Type_Data...
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///
/// Expanded Type (RFC 3748 §5.7):
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |     Type=254  |               Vendor-Id                       |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                          Vendor-Type                          |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
///
/// The relay path wants the EAP message octets unchanged (RADIUS EAP-Message): they are
/// ``eapMessage``.
public struct EAPPayload: Hashable, Sendable {
    public static let type = PayloadType.eap

    /// The method of a Request/Response.
    public enum Method: Hashable, Sendable {
        /// A one-octet Type other than 254.
        case type(EAPType)
        /// Type 254 with its 24-bit Vendor-Id and 32-bit Vendor-Type.
        case expanded(vendorID: UInt32, vendorType: UInt32)
    }

    public var flags: GenericPayloadFlags
    public var code: EAPCode
    public var identifier: UInt8
    /// `nil` for codes without a Type (Success, Failure, unknown codes).
    public var method: Method?
    /// Type-Data (after the Type, or after the expanded header); for codes without a
    /// Type, everything after the 4-octet EAP header.
    public var data: [UInt8]

    public init(code: EAPCode, identifier: UInt8, method: Method?, data: [UInt8] = [], flags: GenericPayloadFlags = .none) {
        self.code = code
        self.identifier = identifier
        self.method = method
        self.data = data
        self.flags = flags
    }

    /// Wraps an EAP message received from the authenticator (RADIUS EAP-Message).
    public init(eapMessage: [UInt8]) throws(IKEParseError) {
        var reader = ByteReader(eapMessage, payload: Self.type)
        self = try Self.parse(from: &reader, flags: .none)
        try reader.expectEnd("EAP message")
    }

    /// The EAP message octets (what the payload body is).
    public var eapMessage: [UInt8] {
        var writer = ByteWriter()
        serializeBody(into: &writer)
        return writer.bytes
    }

    static func parse(from body: inout ByteReader, flags: GenericPayloadFlags) throws(IKEParseError) -> EAPPayload {
        let start = body.readerIndex
        let code = EAPCode(try body.readInteger(as: UInt8.self))
        let identifier = try body.readInteger(as: UInt8.self)
        let length = Int(try body.readInteger(as: UInt16.self))
        // RFC 3748 §4.1: the EAP Length covers the whole EAP message; in IKE it must
        // fill the payload exactly.
        guard length == body.readableBytes + 4 else {
            throw .lengthMismatch(payload: Self.type, offset: start + 2, declared: length, available: body.readableBytes + 4)
        }
        var method: Method?
        if code.carriesType {
            let type = EAPType(try body.readInteger(as: UInt8.self))
            if type == .expanded {
                let vendor = try body.readBytes(count: 3).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
                method = .expanded(vendorID: vendor, vendorType: try body.readInteger(as: UInt32.self))
            } else {
                method = .type(type)
            }
        }
        return EAPPayload(code: code, identifier: identifier, method: method, data: body.readRemainingBytes(), flags: flags)
    }

    func serializeBody(into writer: inout ByteWriter) {
        let start = writer.writerIndex
        writer.writeInteger(code.rawValue)
        writer.writeInteger(identifier)
        writer.writeInteger(UInt16(0))
        switch method {
        case .type(let type)?:
            writer.writeInteger(type.rawValue)
        case .expanded(let vendorID, let vendorType)?:
            writer.writeInteger(EAPType.expanded.rawValue)
            writer.writeInteger(UInt8(truncatingIfNeeded: vendorID >> 16))
            writer.writeInteger(UInt16(truncatingIfNeeded: vendorID))
            writer.writeInteger(vendorType)
        case nil:
            break
        }
        writer.writeBytes(data)
        writer.setUInt16(writer.writerIndex - start, at: start + 2)
    }

    /// Success and Failure are exactly 4 octets (RFC 3748 §4.2); Request/Response carry
    /// a Type; Codes outside 1–4 are not valid in IKEv2 (RFC 7296 §3.16 uses RFC 3748).
    public func validate(bodyOffset: Int = 0) throws(IKEParseError) {
        switch code {
        case .success, .failure:
            guard data.isEmpty else {
                throw .invalidSyntax(payload: Self.type, offset: bodyOffset, reason: "EAP \(code) with \(data.count) data octets")
            }
        case .request, .response:
            if case .type(let type)? = method, type == .expanded {
                throw .invalidSyntax(payload: Self.type, offset: bodyOffset + 4, reason: "expanded type without vendor header")
            }
        default:
            throw .invalidSyntax(payload: Self.type, offset: bodyOffset, reason: "EAP code \(code.rawValue)")
        }
    }
}
