/// A key exchange method, Transform Type 4 (RFC 7296 §3.3.2, RFC 9370 naming), limited to
/// the groups IKECrypto implements.
public enum DiffieHellmanGroup: UInt16, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// 1024-bit MODP (RFC 2409 §6.2); SHOULD NOT be used (RFC 8247), kept for old peers.
    case modp1024 = 2
    /// 2048-bit MODP (RFC 3526 §3), MUST be supported (RFC 8247).
    case modp2048 = 14
    /// 3072-bit MODP (RFC 3526 §4).
    case modp3072 = 15
    /// 4096-bit MODP (RFC 3526 §5).
    case modp4096 = 16
    /// 256-bit random ECP group, NIST P-256 (RFC 5903).
    case ecp256 = 19
    /// 384-bit random ECP group, NIST P-384 (RFC 5903).
    case ecp384 = 20
    /// 521-bit random ECP group, NIST P-521 (RFC 5903).
    case ecp521 = 21
    /// Curve25519 / X25519 (RFC 8031).
    case curve25519 = 31
    /// Curve448 / X448 (RFC 8031).
    case curve448 = 32

    /// The group for a transform ID, or `nil` when IKECrypto does not implement it.
    public init?(transformID: UInt16) {
        self.init(rawValue: transformID)
    }

    /// The IANA Transform ID, also the KE payload's DH Group Num.
    public var transformID: UInt16 { rawValue }

    /// The kind of arithmetic, which decides encodings and peer checks.
    enum Family {
        case modp
        case ecp
        case montgomery
    }

    var family: Family {
        switch self {
        case .modp1024, .modp2048, .modp3072, .modp4096: .modp
        case .ecp256, .ecp384, .ecp521: .ecp
        case .curve25519, .curve448: .montgomery
        }
    }

    /// Octets of the prime (MODP) or of one field element (ECP, Montgomery curves).
    var fieldLength: Int {
        switch self {
        case .modp1024: 128
        case .modp2048: 256
        case .modp3072: 384
        case .modp4096: 512
        case .ecp256: 32
        case .ecp384: 48
        case .ecp521: 66
        case .curve25519: 32
        case .curve448: 56
        }
    }

    /// Octets of the KE payload's key exchange data: the prime length for MODP, x ‖ y for
    /// ECP (RFC 5903 §7), the u-coordinate for Curve25519/448 (RFC 8031 §2).
    public var keyExchangeDataLength: Int { family == .ecp ? 2 * fieldLength : fieldLength }

    /// Octets of g^ir: MODP left-padded to the prime length, ECP x only (RFC 5903 §7),
    /// the X25519/X448 output.
    public var sharedSecretLength: Int { fieldLength }

    public var description: String {
        switch self {
        case .modp1024: "MODP_1024"
        case .modp2048: "MODP_2048"
        case .modp3072: "MODP_3072"
        case .modp4096: "MODP_4096"
        case .ecp256: "ECP_256"
        case .ecp384: "ECP_384"
        case .ecp521: "ECP_521"
        case .curve25519: "CURVE_25519"
        case .curve448: "CURVE_448"
        }
    }
}
