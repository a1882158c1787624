internal import COpenSSL

/// A NIST curve usable for ECDSA AUTH.
public enum EllipticCurve: Hashable, Sendable {
    case p256
    case p384
    case p521

    /// Octets of r and of s in the raw RFC 4754 encoding.
    public var coordinateLength: Int {
        switch self {
        case .p256: 32
        case .p384: 48
        case .p521: 66
        }
    }
}

/// What kind of signing key a `PrivateKey` or `PublicKey` holds.
public enum AsymmetricKeyKind: Hashable, Sendable {
    case rsa(bits: Int)
    case ecdsa(EllipticCurve)
    /// An Ed25519 key (RFC 8420 AUTH with method 14).
    case ed25519
    /// A key type IKECrypto does not sign with (Ed25519, DSA, other curves).
    case unsupported(String)

    /// The signature algorithms a kind of key serves.
    enum Family {
        case rsa
        case ecdsa
        case ed25519
    }

    var family: Family? {
        switch self {
        case .rsa: .rsa
        case .ecdsa: .ecdsa
        case .ed25519: .ed25519
        case .unsupported: nil
        }
    }

    static func of(_ key: EVPKey) -> AsymmetricKeyKind {
        withExtendedLifetime(key) {
            let bits = Int(EVP_PKEY_get_bits(key.pointer))
            switch EVP_PKEY_get_base_id(key.pointer) {
            case EVP_PKEY_RSA:
                return .rsa(bits: bits)
            case EVP_PKEY_ED25519:
                return .ed25519
            case EVP_PKEY_EC:
                var name = [CChar](repeating: 0, count: 64)
                var length = 0
                guard EVP_PKEY_get_group_name(key.pointer, &name, name.count, &length) == 1 else {
                    return .unsupported("EC key without a named group")
                }
                let group = name.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
                switch group {
                case "prime256v1", "P-256", "secp256r1": return .ecdsa(.p256)
                case "secp384r1", "P-384": return .ecdsa(.p384)
                case "secp521r1", "P-521": return .ecdsa(.p521)
                default: return .unsupported("EC curve \(group)")
                }
            default:
                return .unsupported("key type \(EVP_PKEY_get_base_id(key.pointer))")
            }
        }
    }
}
