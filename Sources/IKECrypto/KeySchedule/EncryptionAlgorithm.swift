/// An encryption algorithm, Transform Type 1 (RFC 7296 §3.3.2, IANA IDs), limited to
/// the ones IKECrypto implements for the SK payload, plus ENCR_NULL for ESP key lengths.
public enum EncryptionAlgorithm: UInt16, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// ENCR_3DES (RFC 2451), needs an INTEG transform; SHOULD NOT be used (RFC 8247), kept
    /// because Windows' built-in client still proposes it first.
    case tripleDES = 3
    /// ENCR_NULL (RFC 2410): ESP only, never allowed for an IKE SA.
    case null = 11
    /// ENCR_AES_CBC (RFC 3602), needs an INTEG transform.
    case aesCBC = 12
    /// ENCR_AES_CTR (RFC 3686 / RFC 5930), needs an INTEG transform.
    case aesCTR = 13
    /// ENCR_AES_GCM_8 (RFC 4106 / RFC 5282), 8-octet ICV.
    case aesGCM8 = 18
    /// ENCR_AES_GCM_12, 12-octet ICV.
    case aesGCM12 = 19
    /// ENCR_AES_GCM_16, 16-octet ICV.
    case aesGCM16 = 20
    /// ENCR_CHACHA20_POLY1305 (RFC 7634), fixed 256-bit key.
    case chacha20Poly1305 = 28

    /// The algorithm for a transform ID, or `nil` when IKECrypto does not implement it.
    public init?(transformID: UInt16) {
        self.init(rawValue: transformID)
    }

    /// The IANA Transform ID.
    public var transformID: UInt16 { rawValue }

    /// True for the combined-mode ciphers that authenticate themselves (RFC 5282).
    public var isAEAD: Bool {
        switch self {
        case .aesGCM8, .aesGCM12, .aesGCM16, .chacha20Poly1305: true
        case .tripleDES, .null, .aesCBC, .aesCTR: false
        }
    }

    /// True when the transform must carry a Key Length attribute (RFC 7296 §3.3.5).
    public var requiresKeyLengthAttribute: Bool {
        switch self {
        case .aesCBC, .aesCTR, .aesGCM8, .aesGCM12, .aesGCM16: true
        case .tripleDES, .null, .chacha20Poly1305: false
        }
    }

    public var description: String {
        switch self {
        case .tripleDES: "ENCR_3DES"
        case .null: "ENCR_NULL"
        case .aesCBC: "ENCR_AES_CBC"
        case .aesCTR: "ENCR_AES_CTR"
        case .aesGCM8: "ENCR_AES_GCM_8"
        case .aesGCM12: "ENCR_AES_GCM_12"
        case .aesGCM16: "ENCR_AES_GCM_16"
        case .chacha20Poly1305: "ENCR_CHACHA20_POLY1305"
        }
    }
}
