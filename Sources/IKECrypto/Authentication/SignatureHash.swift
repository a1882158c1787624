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
    var nistHashArc: UInt8? {
        switch self {
        case .sha1: nil
        case .sha256: 1
        case .sha384: 2
        case .sha512: 3
        }
    }
}
