import HubVocabulary

/// The Authentication Data of AUTH method 14 (RFC 7427 §3).
///
/// ```
///                      1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// | ASN.1 Length  | AlgorithmIdentifier ASN.1 object              |
/// +-+-+-+-+-+-+-+-+                                               +
/// ~        AlgorithmIdentifier ASN.1 object continuing            ~
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ~                         Signature Value                       ~
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
public struct DigitalSignatureAuthentication: Hashable, Sendable {
    public var algorithm: SignatureAlgorithmIdentifier
    /// The signature value (for ECDSA: DER `Ecdsa-Sig-Value`, RFC 7427 §3).
    public var signature: [UInt8]

    public init(algorithm: SignatureAlgorithmIdentifier, signature: [UInt8]) {
        self.algorithm = algorithm
        self.signature = signature
    }

    /// Parses `data`; `offset` is where it starts in the buffer (for errors).
    public static func parse(_ data: [UInt8], offset: Int = 0) throws(IKEParseError) -> DigitalSignatureAuthentication {
        guard let length = data.first else {
            throw .truncated(payload: .authentication, offset: offset, needed: 1)
        }
        let identifierLength = Int(length)
        guard identifierLength > 0 else {
            throw .invalidSyntax(payload: .authentication, offset: offset, reason: "RFC 7427 AlgorithmIdentifier length 0")
        }
        guard data.count - 1 >= identifierLength else {
            throw .lengthMismatch(payload: .authentication, offset: offset, declared: identifierLength, available: data.count - 1)
        }
        let der = Array(data[1...identifierLength])
        // RFC 7427 §3: the ASN.1 Length covers exactly one DER AlgorithmIdentifier
        // (a SEQUENCE); an ASN.1 Length that lies cuts it or takes signature octets.
        guard let sequenceSize = derSequenceSize(der), sequenceSize == identifierLength else {
            throw .lengthMismatch(payload: .authentication, offset: offset, declared: identifierLength,
                                  available: derSequenceSize(der) ?? 0)
        }
        return DigitalSignatureAuthentication(algorithm: SignatureAlgorithmIdentifier(der: der),
                                              signature: Array(data[(identifierLength + 1)...]))
    }

    /// The octets a DER SEQUENCE at the start of `der` occupies (tag, length, content),
    /// from its own length field (short form, or long form of 1–2 octets), or `nil`
    /// when `der` does not start with a SEQUENCE header.
    private static func derSequenceSize(_ der: [UInt8]) -> Int? {
        guard der.count >= 2, der[0] == 0x30 else { return nil }
        let first = Int(der[1])
        if first < 0x80 { return 2 + first }
        let lengthOctets = first & 0x7f
        guard (1...2).contains(lengthOctets), der.count >= 2 + lengthOctets else { return nil }
        let length = der[2..<(2 + lengthOctets)].reduce(0) { $0 << 8 | Int($1) }
        return 2 + lengthOctets + length
    }

    /// The Authentication Data octets.
    ///
    /// - Precondition: the AlgorithmIdentifier fits the 1-octet length (≤ 255 octets);
    ///   every known identifier does, and parsed ones do by construction.
    public func serialized() -> [UInt8] {
        let der = algorithm.der
        precondition(der.count <= 255, "RFC 7427 AlgorithmIdentifier longer than 255 octets")
        return [UInt8(der.count)] + der + signature
    }
}

/// A DER AlgorithmIdentifier from RFC 7427 AUTH data: the ones of RFC 7427 Appendix A
/// (`ikev2-numbers.md` §6.2) by name, anything else kept as its octets.
public enum SignatureAlgorithmIdentifier: Hashable, Sendable {
    /// PKCS#1 v1.5 with SHA-1 (RFC 7427 A.1.1).
    case sha1WithRSAEncryption
    /// PKCS#1 v1.5 with SHA-256 (A.1.2).
    case sha256WithRSAEncryption
    /// PKCS#1 v1.5 with SHA-384 (A.1.3).
    case sha384WithRSAEncryption
    /// PKCS#1 v1.5 with SHA-512 (A.1.4).
    case sha512WithRSAEncryption
    /// ECDSA with SHA-1 (A.3.1).
    case ecdsaWithSHA1
    /// ECDSA with SHA-256 (A.3.2).
    case ecdsaWithSHA256
    /// ECDSA with SHA-384 (A.3.3).
    case ecdsaWithSHA384
    /// ECDSA with SHA-512 (A.3.4).
    case ecdsaWithSHA512
    /// RSASSA-PSS with SHA-256, MGF1-SHA-256, salt 32 (RFC 7427 Appendix A.4.3).
    case rsassaPSSWithSHA256
    /// Ed25519 (RFC 8420).
    case ed25519
    /// Ed448 (RFC 8420).
    case ed448
    /// Any other AlgorithmIdentifier, DER as received.
    case other([UInt8])

    /// The recognised identifiers.
    public static let known: [SignatureAlgorithmIdentifier] = [
        .sha1WithRSAEncryption, .sha256WithRSAEncryption, .sha384WithRSAEncryption, .sha512WithRSAEncryption,
        .ecdsaWithSHA1, .ecdsaWithSHA256, .ecdsaWithSHA384, .ecdsaWithSHA512,
        .rsassaPSSWithSHA256, .ed25519, .ed448,
    ]

    /// Recognises `der` when it is byte-identical to a known identifier.
    public init(der: [UInt8]) {
        self = Self.known.first { $0.der == der } ?? .other(der)
    }

    /// The DER AlgorithmIdentifier octets.
    public var der: [UInt8] {
        switch self {
        case .sha1WithRSAEncryption: Self.hex("300d06092a864886f70d0101050500")
        case .sha256WithRSAEncryption: Self.hex("300d06092a864886f70d01010b0500")
        case .sha384WithRSAEncryption: Self.hex("300d06092a864886f70d01010c0500")
        case .sha512WithRSAEncryption: Self.hex("300d06092a864886f70d01010d0500")
        case .ecdsaWithSHA1: Self.hex("300906072a8648ce3d0401")
        case .ecdsaWithSHA256: Self.hex("300a06082a8648ce3d040302")
        case .ecdsaWithSHA384: Self.hex("300a06082a8648ce3d040303")
        case .ecdsaWithSHA512: Self.hex("300a06082a8648ce3d040304")
        case .rsassaPSSWithSHA256:
            Self.hex("304106092a864886f70d01010a3034a00f300d06096086480165030402010500a11c301a06092a864886f70d010108300d06096086480165030402010500a203020120")
        case .ed25519: Self.hex("300506032b6570")
        case .ed448: Self.hex("300506032b6571")
        case .other(let der): der
        }
    }

    /// The RFC 7427 §4 hash algorithm the identifier uses (SIGNATURE_HASH_ALGORITHMS
    /// value), `nil` for unknown identifiers.
    public var hashAlgorithm: SignatureHashAlgorithm? {
        switch self {
        case .sha1WithRSAEncryption, .ecdsaWithSHA1: .sha1
        case .sha256WithRSAEncryption, .ecdsaWithSHA256, .rsassaPSSWithSHA256: .sha256
        case .sha384WithRSAEncryption, .ecdsaWithSHA384: .sha384
        case .sha512WithRSAEncryption, .ecdsaWithSHA512: .sha512
        case .ed25519, .ed448: .identity
        case .other: nil
        }
    }

    private static func hex(_ text: String) -> [UInt8] { Hex.decode(text) ?? [] }
}

/// RFC 7427 §4 hash algorithm identifier (SIGNATURE_HASH_ALGORITHMS notify data).
public struct SignatureHashAlgorithm: RawRepresentable, Hashable, Sendable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }
    /// 1: SHA1.
    public static let sha1 = SignatureHashAlgorithm(1)
    /// 2: SHA2-256.
    public static let sha256 = SignatureHashAlgorithm(2)
    /// 3: SHA2-384.
    public static let sha384 = SignatureHashAlgorithm(3)
    /// 4: SHA2-512.
    public static let sha512 = SignatureHashAlgorithm(4)
    /// 5: Identity (EdDSA, RFC 8420).
    public static let identity = SignatureHashAlgorithm(5)
}
