import HubVocabulary

/// The keys of one CHILD_SA (RFC 7296 §2.17), split from KEYMAT in the RFC order:
/// encryption i→r, integrity i→r, encryption r→i, integrity r→i.
public struct ChildKeyMaterial: Sendable {
    /// Keys of one direction of the CHILD_SA.
    public struct DirectionKeys: Sendable {
        /// Encryption key followed by its salt (empty for AH).
        public let encryption: SecretBytes
        /// Integrity key (empty with an AEAD).
        public let integrity: SecretBytes
    }

    /// Keys protecting traffic the original initiator of this CHILD_SA exchange sends.
    public let initiatorToResponder: DirectionKeys
    /// Keys protecting traffic the responder sends.
    public let responderToInitiator: DirectionKeys

    /// KEYMAT = prf+(SK_d, Ni | Nr), or prf+(SK_d, g^ir (new) | Ni | Nr) when the
    /// CREATE_CHILD_SA exchange carried KE payloads (PFS). The nonces are those of the
    /// exchange that creates the CHILD_SA (IKE_SA_INIT's for the first one).
    public static func derive(
        transforms: ChildSATransforms, prf: PseudorandomFunction, skD: SecretBytes,
        initiatorNonce: [UInt8], responderNonce: [UInt8], pfsSharedSecret: SecretBytes? = nil
    ) throws(IKECryptoError) -> ChildKeyMaterial {
        var seed: [MACInput] = []
        if let pfsSharedSecret { seed.append(.secret(pfsSharedSecret)) }
        seed.append(.bytes(initiatorNonce))
        seed.append(.bytes(responderNonce))
        let stream = try skD.withBytes { (keyBytes) throws(IKECryptoError) in
            try prf.prfPlus(key: keyBytes, seed: seed, length: transforms.keyMaterialLength)
        }
        var splitter = KeyStreamSplitter(stream)
        let forward = DirectionKeys(encryption: splitter.next(transforms.encryptionKeyLength),
                                    integrity: splitter.next(transforms.integrityKeyLength))
        let backward = DirectionKeys(encryption: splitter.next(transforms.encryptionKeyLength),
                                     integrity: splitter.next(transforms.integrityKeyLength))
        return ChildKeyMaterial(initiatorToResponder: forward, responderToInitiator: backward)
    }
}
