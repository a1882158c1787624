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
