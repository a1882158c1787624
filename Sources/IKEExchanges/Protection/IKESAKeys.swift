import HubVocabulary
import IKECrypto

/// The keys of an IKE SA after SKEYSEED, and the two SK ciphers made from them: one
/// opens what the peer sends, the other seals what we send.
struct IKESAKeys: Sendable {
    let transforms: NegotiatedIKETransforms
    let keys: IKEKeys
    let inbound: EncryptedPayloadCipher
    let outbound: EncryptedPayloadCipher

    init(transforms: NegotiatedIKETransforms, keys: IKEKeys, role: IKESARole) throws(IKECryptoError) {
        self.transforms = transforms
        self.keys = keys
        let ours: IKEMessageSender = role == .originalInitiator ? .originalInitiator : .originalResponder
        let theirs: IKEMessageSender = role == .originalInitiator ? .originalResponder : .originalInitiator
        inbound = try EncryptedPayloadCipher(transforms: transforms, keys: keys, sender: theirs)
        outbound = try EncryptedPayloadCipher(transforms: transforms, keys: keys, sender: ours)
    }

    /// SKEYSEED and the seven keys of a new IKE SA (RFC 7296 §2.14), or of a rekeyed one
    /// when `rekeying` holds the old SA's PRF and SK_d (§2.18).
    static func derive(transforms: NegotiatedIKETransforms, sharedSecret: SecretBytes,
                       initiatorNonce: [UInt8], responderNonce: [UInt8], spis: IKESAIdentifier,
                       role: IKESARole, rekeying old: IKESAKeys? = nil) throws(IKECryptoError) -> IKESAKeys {
        let skeyseed: SecretBytes
        if let old {
            skeyseed = try IKEKeyMaterial.rekeyedSKEYSEED(
                oldPRF: old.transforms.prf, oldSKd: old.keys.skD, sharedSecret: sharedSecret,
                initiatorNonce: initiatorNonce, responderNonce: responderNonce)
        } else {
            skeyseed = try IKEKeyMaterial.skeyseed(prf: transforms.prf, sharedSecret: sharedSecret,
                                                   initiatorNonce: initiatorNonce, responderNonce: responderNonce)
        }
        let keys = try IKEKeyMaterial.deriveKeys(
            transforms: transforms, skeyseed: skeyseed, initiatorNonce: initiatorNonce, responderNonce: responderNonce,
            initiatorSPI: spis.initiatorSPI, responderSPI: spis.responderSPI)
        return try IKESAKeys(transforms: transforms, keys: keys, role: role)
    }
}
