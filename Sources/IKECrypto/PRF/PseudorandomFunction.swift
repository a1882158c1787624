import HubVocabulary

/// An IKEv2 pseudorandom function, Transform Type 2 (RFC 7296 §3.3.2, IANA IDs).
///
/// HMAC PRFs take keys of any length. AES128-XCBC (RFC 4434) and AES128-CMAC (RFC 4615)
/// are fixed-key PRFs that accept other key lengths by a rule of their own, applied here:
/// XCBC pads a shorter key with zeros and replaces a longer one by XCBC(0¹²⁸, key); CMAC
/// replaces any key that is not 16 octets by CMAC(0¹²⁸, key).
public enum PseudorandomFunction: UInt16, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case hmacSHA1 = 2
    case aes128XCBC = 4
    case hmacSHA256 = 5
    case hmacSHA384 = 6
    case hmacSHA512 = 7
    case aes128CMAC = 8

    /// The PRF for a transform ID, or `nil` when IKECrypto does not implement it.
    public init?(transformID: UInt16) {
        self.init(rawValue: transformID)
    }

    /// The IANA Transform ID.
    public var transformID: UInt16 { rawValue }

    /// Octets of one PRF output (one prf+ block).
    public var outputLength: Int {
        switch self {
        case .hmacSHA1: 20
        case .aes128XCBC, .aes128CMAC: 16
        case .hmacSHA256: 32
        case .hmacSHA384: 48
        case .hmacSHA512: 64
        }
    }

    /// The preferred key length, which is the length of SK_d, SK_pi and SK_pr (RFC 7296 §2.14).
    public var preferredKeyLength: Int { outputLength }

    /// True for the AES-based PRFs, for which SKEYSEED is keyed with only the first 64 bits
    /// of Ni and of Nr (RFC 7296 §2.14).
    public var hasFixedKeyLength: Bool { self == .aes128XCBC || self == .aes128CMAC }

    public var description: String {
        switch self {
        case .hmacSHA1: "PRF_HMAC_SHA1"
        case .aes128XCBC: "PRF_AES128_XCBC"
        case .hmacSHA256: "PRF_HMAC_SHA2_256"
        case .hmacSHA384: "PRF_HMAC_SHA2_384"
        case .hmacSHA512: "PRF_HMAC_SHA2_512"
        case .aes128CMAC: "PRF_AES128_CMAC"
        }
    }

    // MARK: - Public computations

    /// prf(key, data) for a secret key; the output is secret too (SKEYSEED, prf of a PSK).
    public func compute(key: SecretBytes, data: [UInt8]) throws(IKECryptoError) -> SecretBytes {
        try key.withBytes { (keyBytes) throws(IKECryptoError) in try output(key: keyBytes, parts: [.bytes(data)]) }
    }

    /// prf(key, data) for a key and output that are not secret (AUTH values, test vectors).
    public func compute(key: [UInt8], data: [UInt8]) throws(IKECryptoError) -> [UInt8] {
        try key.withBytes { (keyBytes) throws(IKECryptoError) in
            try makeMAC(key: keyBytes).tag([.bytes(data)])
        }
    }

    // MARK: - Internal building blocks

    /// prf(key, parts…) into a new secret.
    func output(key: UnsafeRawBufferPointer, parts: [MACInput]) throws(IKECryptoError) -> SecretBytes {
        let mac = try makeMAC(key: key)
        return try SecretBytes.filled(count: outputLength) { (buffer) throws(IKECryptoError) in
            try mac.compute(parts, into: buffer)
        }
    }

    /// A MAC keyed for this PRF, with the RFC 4434 / RFC 4615 key-length rules applied.
    func makeMAC(key: UnsafeRawBufferPointer) throws(IKECryptoError) -> any KeyedMAC {
        switch self {
        case .hmacSHA1: return try EVPKeyedMAC.hmac(digest: "SHA1", outputLength: 20, key: key)
        case .hmacSHA256: return try EVPKeyedMAC.hmac(digest: "SHA2-256", outputLength: 32, key: key)
        case .hmacSHA384: return try EVPKeyedMAC.hmac(digest: "SHA2-384", outputLength: 48, key: key)
        case .hmacSHA512: return try EVPKeyedMAC.hmac(digest: "SHA2-512", outputLength: 64, key: key)
        case .aes128XCBC:
            if key.count == 16 { return try AESXCBCMAC(key: key) }
            let adjusted = WipedBuffer(count: 16)
            if key.count < 16 {
                // RFC 4434 §2: a shorter key is padded on the right with zero bits.
                if key.count > 0 {
                    UnsafeMutableRawBufferPointer(rebasing: adjusted.bytes[0..<key.count]).copyMemory(from: key)
                }
            } else {
                // RFC 4434 §2: a longer key is replaced by AES-XCBC-PRF-128(0^128, key).
                let zeroKey = WipedBuffer(count: 16)
                try AESXCBCMAC(key: UnsafeRawBufferPointer(zeroKey.bytes)).compute([.raw(key)], into: adjusted.bytes)
            }
            return try AESXCBCMAC(key: UnsafeRawBufferPointer(adjusted.bytes))
        case .aes128CMAC:
            if key.count == 16 { return try EVPKeyedMAC.aes128CMAC(key: key) }
            // RFC 4615 §3: any other length is replaced by AES-CMAC(0^128, key).
            let zeroKey = WipedBuffer(count: 16)
            let adjusted = WipedBuffer(count: 16)
            try EVPKeyedMAC.aes128CMAC(key: UnsafeRawBufferPointer(zeroKey.bytes)).compute([.raw(key)], into: adjusted.bytes)
            return try EVPKeyedMAC.aes128CMAC(key: UnsafeRawBufferPointer(adjusted.bytes))
        }
    }
}
