import HubVocabulary

extension IKEKeyMaterial {
    /// The keys of a new IKE SA after IKE_SA_INIT: SKEYSEED from g^ir and the nonces,
    /// then the seven SK_* keys (RFC 7296 §2.14).
    public static func deriveInitialKeys(
        transforms: NegotiatedIKETransforms, sharedSecret: SecretBytes,
        initiatorNonce: [UInt8], responderNonce: [UInt8],
        initiatorSPI: IKESPI, responderSPI: IKESPI
    ) throws(IKECryptoError) -> IKEKeys {
        let skeyseed = try skeyseed(prf: transforms.prf, sharedSecret: sharedSecret,
                                    initiatorNonce: initiatorNonce, responderNonce: responderNonce)
        return try deriveKeys(transforms: transforms, skeyseed: skeyseed,
                              initiatorNonce: initiatorNonce, responderNonce: responderNonce,
                              initiatorSPI: initiatorSPI, responderSPI: responderSPI)
    }

    /// The keys of the IKE SA that a CREATE_CHILD_SA rekey creates (RFC 7296 §2.18):
    /// SKEYSEED from the old SA's SK_d and PRF, then the SK_* keys with the new SA's
    /// transforms, the exchange's nonces and the new SPIs.
    public static func deriveRekeyedKeys(
        oldPRF: PseudorandomFunction, oldSKd: SecretBytes, newTransforms: NegotiatedIKETransforms,
        sharedSecret: SecretBytes, initiatorNonce: [UInt8], responderNonce: [UInt8],
        initiatorSPI: IKESPI, responderSPI: IKESPI
    ) throws(IKECryptoError) -> IKEKeys {
        let skeyseed = try rekeyedSKEYSEED(oldPRF: oldPRF, oldSKd: oldSKd, sharedSecret: sharedSecret,
                                           initiatorNonce: initiatorNonce, responderNonce: responderNonce)
        return try deriveKeys(transforms: newTransforms, skeyseed: skeyseed,
                              initiatorNonce: initiatorNonce, responderNonce: responderNonce,
                              initiatorSPI: initiatorSPI, responderSPI: responderSPI)
    }
}
