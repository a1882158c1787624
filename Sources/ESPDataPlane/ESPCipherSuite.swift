import HubVocabulary

/// An AES key size (the Key Length transform attribute, RFC 7296 §3.3.5).
public enum AESKeySize: Int, Hashable, Sendable, CaseIterable {
    case bits128 = 128
    case bits192 = 192
    case bits256 = 256

    /// Key octets.
    public var octets: Int { rawValue / 8 }
}

/// ICV length of AES-GCM in ESP (RFC 4106 §8.1: ENCR_AES_GCM_8/12/16).
public enum GCMICVLength: Int, Hashable, Sendable, CaseIterable {
    case octets8 = 8
    case octets12 = 12
    case octets16 = 16
}

/// The ESP encryption transform of a CHILD_SA (IKEv2 Transform Type 1).
public enum ESPEncryption: Hashable, Sendable, CustomStringConvertible {
    /// AES-GCM, RFC 4106: key material = key ‖ 4-octet salt, 8-octet IV, nonce = salt ‖ IV.
    case aesGCM(AESKeySize, icv: GCMICVLength)
    /// AES-CBC, RFC 3602: 16-octet random IV; needs an integrity transform.
    case aesCBC(AESKeySize)
    /// ChaCha20-Poly1305, RFC 7634: key material = 32-octet key ‖ 4-octet salt, 16-octet ICV.
    case chaCha20Poly1305

    /// Whether the transform authenticates itself (RFC 5282 §8: no INTEG transform then).
    public var isAEAD: Bool {
        if case .aesCBC = self { false } else { true }
    }

    /// Octets of encryption key material, salt included (RFC 4106 §8.1, RFC 7634 §3).
    public var keyMaterialLength: Int {
        switch self {
        case .aesGCM(let size, _): size.octets + 4
        case .aesCBC(let size): size.octets
        case .chaCha20Poly1305: 36
        }
    }

    /// IV octets carried in each packet.
    public var ivLength: Int {
        if case .aesCBC = self { 16 } else { 8 }
    }

    /// What the ciphertext (payload ‖ padding ‖ pad length ‖ next header) must be a multiple
    /// of: the block size for CBC, 4 octets otherwise (RFC 4303 §2.4).
    public var alignment: Int {
        if case .aesCBC = self { 16 } else { 4 }
    }

    /// The IKEv2 transform ID (IANA "Transform Type 1").
    public var transformID: UInt16 {
        switch self {
        case .aesGCM(_, .octets8): 18
        case .aesGCM(_, .octets12): 19
        case .aesGCM(_, .octets16): 20
        case .aesCBC: 12
        case .chaCha20Poly1305: 28
        }
    }

    /// OpenSSL's cipher name.
    var openSSLName: String {
        switch self {
        case .aesGCM(let size, _): "AES-\(size.rawValue)-GCM"
        case .aesCBC(let size): "AES-\(size.rawValue)-CBC"
        case .chaCha20Poly1305: "ChaCha20-Poly1305"
        }
    }

    public var description: String {
        switch self {
        case .aesGCM(let size, let icv): "aes-gcm-\(icv.rawValue * 8)-\(size.rawValue)"
        case .aesCBC(let size): "aes-cbc-\(size.rawValue)"
        case .chaCha20Poly1305: "chacha20-poly1305"
        }
    }
}

/// The ESP integrity transform of a non-AEAD CHILD_SA (IKEv2 Transform Type 3).
public enum ESPIntegrity: UInt16, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// AUTH_HMAC_SHA1_96, RFC 2404.
    case hmacSHA1_96 = 2
    /// AUTH_HMAC_SHA2_256_128, RFC 4868.
    case hmacSHA2_256_128 = 12
    /// AUTH_HMAC_SHA2_384_192, RFC 4868.
    case hmacSHA2_384_192 = 13
    /// AUTH_HMAC_SHA2_512_256, RFC 4868.
    case hmacSHA2_512_256 = 14

    /// Key octets (RFC 4868 §2.1.1: the full digest length).
    public var keyLength: Int {
        switch self {
        case .hmacSHA1_96: 20
        case .hmacSHA2_256_128: 32
        case .hmacSHA2_384_192: 48
        case .hmacSHA2_512_256: 64
        }
    }

    /// ICV octets: the truncated HMAC output.
    public var icvLength: Int {
        switch self {
        case .hmacSHA1_96: 12
        case .hmacSHA2_256_128: 16
        case .hmacSHA2_384_192: 24
        case .hmacSHA2_512_256: 32
        }
    }

    var openSSLDigest: StaticString {
        switch self {
        case .hmacSHA1_96: "SHA1"
        case .hmacSHA2_256_128: "SHA256"
        case .hmacSHA2_384_192: "SHA384"
        case .hmacSHA2_512_256: "SHA512"
        }
    }

    public var description: String {
        switch self {
        case .hmacSHA1_96: "hmac-sha1-96"
        case .hmacSHA2_256_128: "hmac-sha256-128"
        case .hmacSHA2_384_192: "hmac-sha384-192"
        case .hmacSHA2_512_256: "hmac-sha512-256"
        }
    }
}

/// The negotiated algorithms of one CHILD_SA: an AEAD alone, or AES-CBC with an HMAC.
public struct ESPCipherSuite: Hashable, Sendable, CustomStringConvertible {
    public let encryption: ESPEncryption
    /// `nil` exactly when `encryption` is an AEAD.
    public let integrity: ESPIntegrity?

    /// Rejects AEAD + integrity (RFC 5282 §8) and CBC without integrity (RFC 8221 §5).
    public init(encryption: ESPEncryption, integrity: ESPIntegrity? = nil) throws(ESPSetupError) {
        if encryption.isAEAD, let integrity {
            throw ESPSetupError(operation: "cipher suite \(encryption)", reason: "an AEAD transform takes no integrity transform (got \(integrity))")
        }
        if !encryption.isAEAD, integrity == nil {
            throw ESPSetupError(operation: "cipher suite \(encryption)", reason: "encryption without integrity is not accepted")
        }
        self.encryption = encryption
        self.integrity = integrity
    }

    /// The suite named by IKEv2 transform IDs as negotiated in a CHILD_SA proposal:
    /// ENCR 12/18/19/20/28, Key Length in bits (128/192/256; none for 28), INTEG 2/12/13/14.
    public init(encryptionTransformID: UInt16, keyLengthBits: UInt16?, integrityTransformID: UInt16?) throws(ESPSetupError) {
        func aesSize() throws(ESPSetupError) -> AESKeySize {
            guard let bits = keyLengthBits, let size = AESKeySize(rawValue: Int(bits)) else {
                throw ESPSetupError(operation: "ENCR \(encryptionTransformID)", reason: "key length \(keyLengthBits.map(String.init) ?? "missing"), need 128, 192 or 256")
            }
            return size
        }
        let encryption: ESPEncryption
        switch encryptionTransformID {
        case 12: encryption = .aesCBC(try aesSize())
        case 18: encryption = .aesGCM(try aesSize(), icv: .octets8)
        case 19: encryption = .aesGCM(try aesSize(), icv: .octets12)
        case 20: encryption = .aesGCM(try aesSize(), icv: .octets16)
        case 28:
            guard keyLengthBits == nil || keyLengthBits == 256 else {
                throw ESPSetupError(operation: "ENCR 28", reason: "ChaCha20-Poly1305 has a fixed 256-bit key")
            }
            encryption = .chaCha20Poly1305
        default:
            throw ESPSetupError(operation: "ENCR \(encryptionTransformID)", reason: "not supported by the userspace data plane")
        }
        var integrity: ESPIntegrity?
        if let id = integrityTransformID, id != 0 {
            guard let known = ESPIntegrity(rawValue: id) else {
                throw ESPSetupError(operation: "INTEG \(id)", reason: "not supported by the userspace data plane")
            }
            integrity = known
        }
        try self.init(encryption: encryption, integrity: integrity)
    }

    /// Octets of ICV at the end of every packet.
    public var icvLength: Int {
        switch encryption {
        case .aesGCM(_, let icv): icv.rawValue
        case .chaCha20Poly1305: 16
        case .aesCBC: integrity?.icvLength ?? 0
        }
    }

    /// SPI + sequence number + IV: where the protected payload starts.
    public var headerLength: Int { 8 + encryption.ivLength }

    /// The most an ESP packet can be longer than the IP packet it carries.
    public var maximumOverhead: Int { headerLength + encryption.alignment - 1 + 2 + icvLength }

    /// Octets of one direction's KEYMAT slice: encryption key material, then integrity key
    /// (RFC 7296 §2.17).
    public var keyMaterialLength: Int { encryption.keyMaterialLength + (integrity?.keyLength ?? 0) }

    public var description: String {
        integrity.map { "\(encryption)/\($0)" } ?? encryption.description
    }
}

/// One SA direction's keys. Secret: held as `SecretBytes`, wiped when released.
public struct ESPKeyMaterial: Sendable {
    /// Cipher key, followed by the 4-octet salt for AES-GCM and ChaCha20-Poly1305.
    public let encryptionKey: SecretBytes
    /// The HMAC key for AES-CBC suites; `nil` for AEAD.
    public let integrityKey: SecretBytes?

    public init(encryptionKey: SecretBytes, integrityKey: SecretBytes? = nil) {
        self.encryptionKey = encryptionKey
        self.integrityKey = integrityKey
    }

    /// Splits one direction's KEYMAT slice (encryption key first, then integrity key,
    /// RFC 7296 §2.17) for `suite`.
    public init(directionKeyMaterial keymat: SecretBytes, for suite: ESPCipherSuite) throws(ESPSetupError) {
        guard keymat.count == suite.keyMaterialLength else {
            throw ESPSetupError(operation: "KEYMAT for \(suite)", reason: "\(keymat.count) octets, need \(suite.keyMaterialLength)")
        }
        let encryptionLength = suite.encryption.keyMaterialLength
        encryptionKey = keymat.slice(0..<encryptionLength)
        integrityKey = suite.integrity == nil ? nil : keymat.slice(encryptionLength..<keymat.count)
    }
}
