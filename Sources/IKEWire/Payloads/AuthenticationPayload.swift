/// The Auth Method octet (RFC 7296 §3.8, IANA "IKEv2 Authentication Method").
public struct AuthenticationMethod: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public init(_ rawValue: UInt8) { self.rawValue = rawValue }

    /// 1: RSA Digital Signature (PKCS#1 v1.5, SHA-1), RFC 7296.
    public static let rsaDigitalSignature = AuthenticationMethod(1)
    /// 2: Shared Key Message Integrity Code (PSK, and EAP with the MSK), RFC 7296.
    public static let sharedKeyMessageIntegrityCode = AuthenticationMethod(2)
    /// 3: DSS Digital Signature, RFC 7296.
    public static let dssDigitalSignature = AuthenticationMethod(3)
    /// 9: ECDSA with SHA-256 on P-256, RFC 4754 (raw r‖s).
    public static let ecdsaSHA256P256 = AuthenticationMethod(9)
    /// 10: ECDSA with SHA-384 on P-384, RFC 4754.
    public static let ecdsaSHA384P384 = AuthenticationMethod(10)
    /// 11: ECDSA with SHA-512 on P-521, RFC 4754.
    public static let ecdsaSHA512P521 = AuthenticationMethod(11)
    /// 12: Generic Secure Password Authentication Method, RFC 6467.
    public static let genericSecurePassword = AuthenticationMethod(12)
    /// 13: NULL Authentication, RFC 7619.
    public static let null = AuthenticationMethod(13)
    /// 14: Digital Signature, RFC 7427 (AlgorithmIdentifier + signature).
    public static let digitalSignature = AuthenticationMethod(14)

    public var description: String {
        switch rawValue {
        case 1: "RSA signature"
        case 2: "shared key MIC"
        case 3: "DSS signature"
        case 9: "ECDSA-256"
        case 10: "ECDSA-384"
        case 11: "ECDSA-521"
        case 12: "GSPAM"
        case 13: "NULL"
        case 14: "digital signature"
        default: "auth-method-\(rawValue)"
        }
    }
}

/// Authentication payload, AUTH (RFC 7296 §3.8).
///
/// ```
///                      1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// | Next Payload  |C|  RESERVED   |         Payload Length        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// | Auth Method   |                RESERVED                       |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                                                               |
/// ~                      Authentication Data                      ~
/// |                                                               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
///
/// For method 14 the Authentication Data is itself structured (RFC 7427 §3), see
/// ``digitalSignature()``.
public struct AuthenticationPayload: Hashable, Sendable {
    public static let type = PayloadType.authentication

    public var flags: GenericPayloadFlags
    public var method: AuthenticationMethod
    /// The 3 RESERVED octets as received (24-bit value).
    public var reserved: UInt32
    public var authenticationData: [UInt8]

    public init(method: AuthenticationMethod, authenticationData: [UInt8], reserved: UInt32 = 0,
                flags: GenericPayloadFlags = .none) {
        self.method = method
        self.authenticationData = authenticationData
        self.reserved = reserved & 0x00ff_ffff
        self.flags = flags
    }

    /// An RFC 7427 AUTH payload (method 14) from its parts.
    public init(digitalSignature: DigitalSignatureAuthentication) {
        self.init(method: .digitalSignature, authenticationData: digitalSignature.serialized())
    }

    /// The RFC 7427 structure of a method-14 AUTH payload.
    public func digitalSignature(bodyOffset: Int = 0) throws(IKEParseError) -> DigitalSignatureAuthentication {
        guard method == .digitalSignature else {
            throw .invalidSyntax(payload: Self.type, offset: bodyOffset, reason: "AUTH method \(method) is not RFC 7427 digital signature")
        }
        return try DigitalSignatureAuthentication.parse(authenticationData, offset: bodyOffset + 4)
    }

    static func parse(from body: inout ByteReader, flags: GenericPayloadFlags) throws(IKEParseError) -> AuthenticationPayload {
        let method = AuthenticationMethod(try body.readInteger(as: UInt8.self))
        let reserved = try body.readBytes(count: 3).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        return AuthenticationPayload(method: method, authenticationData: body.readRemainingBytes(),
                                     reserved: reserved, flags: flags)
    }

    func serializeBody(into writer: inout ByteWriter) {
        writer.writeInteger(method.rawValue)
        writer.writeInteger(UInt8(truncatingIfNeeded: reserved >> 16))
        writer.writeInteger(UInt16(truncatingIfNeeded: reserved))
        writer.writeBytes(authenticationData)
    }

    /// Authentication Data must not be empty; method 14 must be well-formed RFC 7427.
    public func validate(bodyOffset: Int = 0) throws(IKEParseError) {
        guard !authenticationData.isEmpty else {
            throw .invalidSyntax(payload: Self.type, offset: bodyOffset + 4, reason: "empty authentication data")
        }
        if method == .digitalSignature { _ = try digitalSignature(bodyOffset: bodyOffset) }
    }
}
