/// An integrity algorithm, Transform Type 3 (RFC 7296 §3.3.2, IANA IDs), limited to the
/// ones IKECrypto implements.
public enum IntegrityAlgorithm: UInt16, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// AUTH_HMAC_SHA1_96 (RFC 2404).
    case hmacSHA1_96 = 2
    /// AUTH_AES_XCBC_96 (RFC 3566).
    case aesXCBC96 = 5
    /// AUTH_AES_CMAC_96 (RFC 4494).
    case aesCMAC96 = 8
    /// AUTH_HMAC_SHA2_256_128 (RFC 4868).
    case hmacSHA256_128 = 12
    /// AUTH_HMAC_SHA2_384_192 (RFC 4868).
    case hmacSHA384_192 = 13
    /// AUTH_HMAC_SHA2_512_256 (RFC 4868).
    case hmacSHA512_256 = 14

    /// The algorithm for a transform ID, or `nil` when IKECrypto does not implement it.
    public init?(transformID: UInt16) {
        self.init(rawValue: transformID)
    }

    /// The IANA Transform ID.
    public var transformID: UInt16 { rawValue }

    /// Octets of key (SK_a, or an ESP integrity key).
    public var keyLength: Int {
        switch self {
        case .hmacSHA1_96: 20
        case .aesXCBC96, .aesCMAC96: 16
        case .hmacSHA256_128: 32
        case .hmacSHA384_192: 48
        case .hmacSHA512_256: 64
        }
    }

    /// Octets of the truncated ICV on the wire.
    public var icvLength: Int {
        switch self {
        case .hmacSHA1_96, .aesXCBC96, .aesCMAC96: 12
        case .hmacSHA256_128: 16
        case .hmacSHA384_192: 24
        case .hmacSHA512_256: 32
        }
    }

    public var description: String {
        switch self {
        case .hmacSHA1_96: "AUTH_HMAC_SHA1_96"
        case .aesXCBC96: "AUTH_AES_XCBC_96"
        case .aesCMAC96: "AUTH_AES_CMAC_96"
        case .hmacSHA256_128: "AUTH_HMAC_SHA2_256_128"
        case .hmacSHA384_192: "AUTH_HMAC_SHA2_384_192"
        case .hmacSHA512_256: "AUTH_HMAC_SHA2_512_256"
        }
    }

    /// A MAC keyed with `key`, which must be exactly `keyLength` octets.
    func makeMAC(key: UnsafeRawBufferPointer) throws(IKECryptoError) -> any KeyedMAC {
        guard key.count == keyLength else {
            throw .invalidKeyLength(algorithm: description, expected: keyLength, actual: key.count)
        }
        switch self {
        case .hmacSHA1_96: return try EVPKeyedMAC.hmac(digest: "SHA1", outputLength: 20, key: key)
        case .aesXCBC96: return try AESXCBCMAC(key: key)
        case .aesCMAC96: return try EVPKeyedMAC.aes128CMAC(key: key)
        case .hmacSHA256_128: return try EVPKeyedMAC.hmac(digest: "SHA2-256", outputLength: 32, key: key)
        case .hmacSHA384_192: return try EVPKeyedMAC.hmac(digest: "SHA2-384", outputLength: 48, key: key)
        case .hmacSHA512_256: return try EVPKeyedMAC.hmac(digest: "SHA2-512", outputLength: 64, key: key)
        }
    }
}
