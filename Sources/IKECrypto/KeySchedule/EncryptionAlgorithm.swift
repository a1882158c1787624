/// An encryption algorithm, Transform Type 1 (RFC 7296 §3.3.2, IANA IDs), limited to
/// the ones IKECrypto implements for the SK payload, plus ENCR_NULL for ESP key lengths.
public enum EncryptionAlgorithm: UInt16, Hashable, Sendable, CaseIterable, CustomStringConvertible {
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
        case .null, .aesCBC, .aesCTR: false
        }
    }

    /// True when the transform must carry a Key Length attribute (RFC 7296 §3.3.5).
    public var requiresKeyLengthAttribute: Bool {
        switch self {
        case .aesCBC, .aesCTR, .aesGCM8, .aesGCM12, .aesGCM16: true
        case .null, .chacha20Poly1305: false
        }
    }

    public var description: String {
        switch self {
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

/// A negotiated encryption transform: the algorithm and its Key Length attribute.
/// Knows how many octets of key material it takes and how its payloads are framed
/// (ikev2-numbers.md §5.1 table: key + salt, IV, ICV).
public struct EncryptionTransform: Hashable, Sendable, CustomStringConvertible {
    /// The Transform ID.
    public let algorithm: EncryptionAlgorithm
    /// The cipher key in bits (128/192/256 for AES, 256 for ChaCha20, 0 for NULL).
    public let keyLengthBits: Int

    /// Validates the Key Length attribute: required and one of 128/192/256 for AES,
    /// absent (`nil`) or 256 for ChaCha20-Poly1305 and absent for NULL.
    public init(_ algorithm: EncryptionAlgorithm, keyLengthBits: Int? = nil) throws(IKECryptoError) {
        switch algorithm {
        case .aesCBC, .aesCTR, .aesGCM8, .aesGCM12, .aesGCM16:
            guard let bits = keyLengthBits, [128, 192, 256].contains(bits) else {
                throw .invalidTransformCombination("\(algorithm) needs Key Length 128, 192 or 256, got \(keyLengthBits.map(String.init) ?? "none")")
            }
            self.keyLengthBits = bits
        case .chacha20Poly1305:
            guard keyLengthBits == nil || keyLengthBits == 256 else {
                throw .invalidTransformCombination("ENCR_CHACHA20_POLY1305 takes no Key Length attribute (RFC 7634 §2)")
            }
            self.keyLengthBits = 256
        case .null:
            guard keyLengthBits == nil || keyLengthBits == 0 else {
                throw .invalidTransformCombination("ENCR_NULL takes no Key Length attribute")
            }
            self.keyLengthBits = 0
        }
        self.algorithm = algorithm
    }

    /// Octets of the cipher key proper.
    public var cipherKeyLength: Int { keyLengthBits / 8 }

    /// Octets of salt/nonce that follow the cipher key in the key material
    /// (RFC 5282 §7.1, RFC 7634 §2, RFC 5930 §2: 4 for GCM, ChaCha20 and CTR).
    public var saltLength: Int {
        switch algorithm {
        case .aesCTR, .aesGCM8, .aesGCM12, .aesGCM16, .chacha20Poly1305: 4
        case .null, .aesCBC: 0
        }
    }

    /// Octets taken from prf+ output for one direction (SK_e, or an ESP encryption key).
    public var keyMaterialLength: Int { cipherKeyLength + saltLength }

    /// Octets of the IV carried in each SK payload (16 for CBC, 8 for CTR and AEAD).
    public var ivLength: Int {
        switch algorithm {
        case .aesCBC: 16
        case .aesCTR, .aesGCM8, .aesGCM12, .aesGCM16, .chacha20Poly1305: 8
        case .null: 0
        }
    }

    /// Octets of the AEAD tag, 0 for ciphers that need an INTEG transform.
    public var aeadICVLength: Int {
        switch algorithm {
        case .aesGCM8: 8
        case .aesGCM12: 12
        case .aesGCM16, .chacha20Poly1305: 16
        case .null, .aesCBC, .aesCTR: 0
        }
    }

    /// The plaintext (payloads ‖ padding ‖ Pad Length) must be a multiple of this
    /// (RFC 7296 §3.14: the cipher block size; 1 for stream and AEAD modes, RFC 5282 §3).
    public var paddingAlignment: Int { algorithm == .aesCBC ? 16 : 1 }

    public var description: String {
        algorithm.requiresKeyLengthAttribute ? "\(algorithm)/\(keyLengthBits)" : algorithm.description
    }
}
