/// The transforms chosen for one IKE SA (RFC 7296 §3.3): everything the key schedule and
/// the SK payload cipher need to know, including every key length.
public struct NegotiatedIKETransforms: Hashable, Sendable, CustomStringConvertible {
    /// ENCR with its Key Length.
    public let encryption: EncryptionTransform
    /// PRF, used for SKEYSEED, prf+ and the AUTH octets.
    public let prf: PseudorandomFunction
    /// `nil` exactly when `encryption` is an AEAD (RFC 5282 §8: no INTEG, or INTEG NONE).
    public let integrity: IntegrityAlgorithm?
    /// The key exchange method of IKE_SA_INIT.
    public let group: DiffieHellmanGroup

    /// Rejects combinations RFC 7296 / RFC 5282 forbid: ENCR_NULL, AEAD with INTEG, and a
    /// non-AEAD cipher without INTEG.
    public init(
        encryption: EncryptionTransform, prf: PseudorandomFunction,
        integrity: IntegrityAlgorithm?, group: DiffieHellmanGroup
    ) throws(IKECryptoError) {
        guard encryption.algorithm != .null else {
            throw .invalidTransformCombination("ENCR_NULL is not allowed for an IKE SA")
        }
        try NegotiatedIKETransforms.checkPairing(encryption, integrity)
        self.encryption = encryption
        self.prf = prf
        self.integrity = integrity
        self.group = group
    }

    static func checkPairing(_ encryption: EncryptionTransform, _ integrity: IntegrityAlgorithm?) throws(IKECryptoError) {
        if encryption.algorithm.isAEAD, let integrity {
            throw .invalidTransformCombination("\(encryption) is AEAD and takes no \(integrity) (RFC 5282 §8)")
        }
        if !encryption.algorithm.isAEAD, integrity == nil {
            throw .invalidTransformCombination("\(encryption) needs an INTEG transform")
        }
    }

    /// Octets of SK_d, SK_pi and SK_pr: the PRF's preferred key length (RFC 7296 §2.14).
    public var prfKeyLength: Int { prf.preferredKeyLength }
    /// Octets of SK_ai and SK_ar (0 with an AEAD).
    public var integrityKeyLength: Int { integrity?.keyLength ?? 0 }
    /// Octets of SK_ei and SK_er, including any salt (RFC 5282 §7).
    public var encryptionKeyLength: Int { encryption.keyMaterialLength }

    /// Octets of prf+ output the seven SK_* keys take together.
    public var keyMaterialLength: Int { 3 * prfKeyLength + 2 * integrityKeyLength + 2 * encryptionKeyLength }

    /// Octets of the ICV at the end of each SK payload.
    public var icvLength: Int { integrity?.icvLength ?? encryption.aeadICVLength }

    public var description: String {
        [encryption.description, prf.description, integrity?.description, "group \(group.rawValue)"]
            .compactMap { $0 }.joined(separator: ", ")
    }
}

/// The transforms chosen for one ESP (or AH) CHILD_SA: what KEYMAT must hold.
public struct ChildSATransforms: Hashable, Sendable, CustomStringConvertible {
    /// `nil` for AH, which has no encryption.
    public let encryption: EncryptionTransform?
    /// `nil` exactly when `encryption` is an AEAD.
    public let integrity: IntegrityAlgorithm?

    /// Rejects AEAD with INTEG, a non-AEAD cipher (including ENCR_NULL) without INTEG, and
    /// a transform set with neither.
    public init(encryption: EncryptionTransform?, integrity: IntegrityAlgorithm?) throws(IKECryptoError) {
        if let encryption {
            try NegotiatedIKETransforms.checkPairing(encryption, integrity)
        } else if integrity == nil {
            throw .invalidTransformCombination("a CHILD_SA needs encryption or integrity")
        }
        self.encryption = encryption
        self.integrity = integrity
    }

    /// Octets of each direction's encryption key, salt included.
    public var encryptionKeyLength: Int { encryption?.keyMaterialLength ?? 0 }
    /// Octets of each direction's integrity key.
    public var integrityKeyLength: Int { integrity?.keyLength ?? 0 }
    /// Octets of KEYMAT for both directions (RFC 7296 §2.17).
    public var keyMaterialLength: Int { 2 * (encryptionKeyLength + integrityKeyLength) }

    public var description: String {
        [encryption?.description, integrity?.description].compactMap { $0 }.joined(separator: ", ")
    }
}
