/// A hash for signatures, numbered as in RFC 7427 §7 (SIGNATURE_HASH_ALGORITHMS).
public enum SignatureHash: UInt16, Hashable, Sendable, CaseIterable {
    case sha1 = 1
    case sha256 = 2
    case sha384 = 3
    case sha512 = 4

    /// Digest length in octets (also the RSASSA-PSS salt length we use).
    public var length: Int {
        switch self {
        case .sha1: 20
        case .sha256: 32
        case .sha384: 48
        case .sha512: 64
        }
    }

    var digest: FetchedDigest {
        switch self {
        case .sha1: Algorithms.sha1
        case .sha256: Algorithms.sha256
        case .sha384: Algorithms.sha384
        case .sha512: Algorithms.sha512
        }
    }

    /// The last arc of the NIST hash OID 2.16.840.1.101.3.4.2.x (SHA-2 only).
    fileprivate var nistHashArc: UInt8? {
        switch self {
        case .sha1: nil
        case .sha256: 1
        case .sha384: 2
        case .sha512: 3
        }
    }
}

/// A signature algorithm of AUTH method 14, Digital Signature (RFC 7427 §3), identified on
/// the wire by its DER AlgorithmIdentifier.
public enum SignatureAlgorithm: Hashable, Sendable, CustomStringConvertible {
    /// RSASSA-PKCS1-v1_5 with the hash.
    case rsaPKCS1v15(SignatureHash)
    /// RSASSA-PSS with the hash, MGF1 with the same hash, salt length = hash length,
    /// trailer field 1 (SHA-2 hashes only).
    case rsaPSS(SignatureHash)
    /// ECDSA with the hash; the signature is the DER Ecdsa-Sig-Value (RFC 7427 §3).
    case ecdsa(SignatureHash)

    /// Every algorithm with an AlgorithmIdentifier we sign with and accept.
    public static let allSupported: [SignatureAlgorithm] =
        SignatureHash.allCases.map { .rsaPKCS1v15($0) }
        + [.rsaPSS(.sha256), .rsaPSS(.sha384), .rsaPSS(.sha512)]
        + SignatureHash.allCases.map { .ecdsa($0) }

    /// The hash the signature is computed over.
    public var hash: SignatureHash {
        switch self {
        case .rsaPKCS1v15(let hash), .rsaPSS(let hash), .ecdsa(let hash): hash
        }
    }

    /// The DER AlgorithmIdentifier (RFC 7427 Appendix A; the PSS ones carry explicit
    /// RSASSA-PSS-params), or `nil` for RSASSA-PSS with SHA-1, which we do not use.
    public var algorithmIdentifier: [UInt8]? {
        switch self {
        case .rsaPKCS1v15(let hash):
            // sha{1,256,384,512}WithRSAEncryption: 1.2.840.113549.1.1.{5,11,12,13}, NULL parameters.
            let arc: UInt8 = switch hash {
            case .sha1: 0x05
            case .sha256: 0x0b
            case .sha384: 0x0c
            case .sha512: 0x0d
            }
            return [0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, arc, 0x05, 0x00]
        case .ecdsa(.sha1):
            // ecdsa-with-SHA1: 1.2.840.10045.4.1, no parameters.
            return [0x30, 0x09, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x01]
        case .ecdsa(let hash):
            // ecdsa-with-SHA{256,384,512}: 1.2.840.10045.4.3.{2,3,4}, no parameters.
            let arc = (hash.nistHashArc ?? 0) + 1
            return [0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, arc]
        case .rsaPSS(let hash):
            guard let arc = hash.nistHashArc else { return nil }
            let hashIdentifier: [UInt8] = [0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, arc, 0x05, 0x00]
            // id-RSASSA-PSS 1.2.840.113549.1.1.10, parameters SEQUENCE {
            //   [0] hashAlgorithm, [1] maskGenAlgorithm id-mgf1 (1.2.840.113549.1.1.8) with the
            //   same hash, [2] saltLength INTEGER }.
            let mgf1: [UInt8] = [0x30, 0x1a, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08] + hashIdentifier
            let parameters: [UInt8] = [0xa0, 0x0f] + hashIdentifier + [0xa1, 0x1c] + mgf1
                + [0xa2, 0x03, 0x02, 0x01, UInt8(hash.length)]
            return [0x30, 0x41, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a, 0x30, 0x34] + parameters
        }
    }

    /// The algorithm whose AlgorithmIdentifier is exactly `identifier`, or `nil`.
    public init?(algorithmIdentifier identifier: [UInt8]) {
        guard let match = SignatureAlgorithm.allSupported.first(where: { $0.algorithmIdentifier == identifier }) else {
            return nil
        }
        self = match
    }

    var usesRSAKey: Bool {
        switch self {
        case .rsaPKCS1v15, .rsaPSS: true
        case .ecdsa: false
        }
    }

    public var description: String {
        switch self {
        case .rsaPKCS1v15(let hash): "RSASSA-PKCS1-v1_5/\(hash)"
        case .rsaPSS(let hash): "RSASSA-PSS/\(hash)"
        case .ecdsa(let hash): "ECDSA/\(hash)"
        }
    }
}

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
