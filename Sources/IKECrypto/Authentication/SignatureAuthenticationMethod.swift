/// How an AUTH payload carries a signature (RFC 7296 §3.8 Auth Method).
public enum SignatureAuthenticationMethod: Hashable, Sendable, CustomStringConvertible {
    /// Method 1: RSASSA-PKCS1-v1_5 with SHA-1.
    case rsaDigitalSignature
    /// Method 9: ECDSA P-256 with SHA-256, raw r ‖ s (RFC 4754).
    case ecdsaSHA256P256
    /// Method 10: ECDSA P-384 with SHA-384, raw r ‖ s.
    case ecdsaSHA384P384
    /// Method 11: ECDSA P-521 with SHA-512, raw r ‖ s.
    case ecdsaSHA512P521
    /// Method 14: RFC 7427 Digital Signature, AlgorithmIdentifier + signature.
    case digitalSignature(SignatureAlgorithm)

    /// The Auth Method octet.
    public var authMethod: UInt8 {
        switch self {
        case .rsaDigitalSignature: 1
        case .ecdsaSHA256P256: 9
        case .ecdsaSHA384P384: 10
        case .ecdsaSHA512P521: 11
        case .digitalSignature: 14
        }
    }

    /// The curve methods 9–11 require.
    var requiredCurve: EllipticCurve? {
        switch self {
        case .ecdsaSHA256P256: .p256
        case .ecdsaSHA384P384: .p384
        case .ecdsaSHA512P521: .p521
        case .rsaDigitalSignature, .digitalSignature: nil
        }
    }

    /// The underlying signature algorithm.
    var algorithm: SignatureAlgorithm {
        switch self {
        case .rsaDigitalSignature: .rsaPKCS1v15(.sha1)
        case .ecdsaSHA256P256: .ecdsa(.sha256)
        case .ecdsaSHA384P384: .ecdsa(.sha384)
        case .ecdsaSHA512P521: .ecdsa(.sha512)
        case .digitalSignature(let algorithm): algorithm
        }
    }

    public var description: String {
        switch self {
        case .digitalSignature(let algorithm): "method 14 (\(algorithm))"
        default: "method \(authMethod)"
        }
    }
}
