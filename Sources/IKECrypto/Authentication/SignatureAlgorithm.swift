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
    /// Ed25519 (RFC 8420), which hashes internally ("Identity" in SIGNATURE_HASH_ALGORITHMS).
    case ed25519

    /// Every algorithm with an AlgorithmIdentifier we sign with and accept.
    public static let allSupported: [SignatureAlgorithm] =
        SignatureHash.allCases.map { .rsaPKCS1v15($0) }
        + [.rsaPSS(.sha256), .rsaPSS(.sha384), .rsaPSS(.sha512)]
        + SignatureHash.allCases.map { .ecdsa($0) }
        + [.ed25519]

    /// The hash the signature is computed over.
    public var hash: SignatureHash? {
        switch self {
        case .rsaPKCS1v15(let hash), .rsaPSS(let hash), .ecdsa(let hash): hash
        case .ed25519: nil
        }
    }

    /// The DER AlgorithmIdentifier (RFC 7427 Appendix A; the PSS ones carry explicit
    /// RSASSA-PSS-params), or `nil` for RSASSA-PSS with SHA-1, which we do not use.
    public var algorithmIdentifier: [UInt8]? {
        switch self {
        case .ed25519:
            // id-Ed25519 1.3.101.112, no parameters (RFC 8410 §3).
            return [0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70]
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

    /// The kind of key that can produce this signature.
    var keyFamily: AsymmetricKeyKind.Family {
        switch self {
        case .rsaPKCS1v15, .rsaPSS: .rsa
        case .ecdsa: .ecdsa
        case .ed25519: .ed25519
        }
    }

    public var description: String {
        switch self {
        case .rsaPKCS1v15(let hash): "RSASSA-PKCS1-v1_5/\(hash)"
        case .rsaPSS(let hash): "RSASSA-PSS/\(hash)"
        case .ecdsa(let hash): "ECDSA/\(hash)"
        case .ed25519: "Ed25519"
        }
    }
}
