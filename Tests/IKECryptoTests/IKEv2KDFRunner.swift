import HubVocabulary
@testable import IKECrypto
import Testing

/// NIST CAVP SP 800-135 IKEv2 KDF vectors: SKEYSEED, prf+ into the SK_* keys, CHILD_SA
/// KEYMAT with and without PFS, and the rekeyed SKEYSEED.
@Suite struct IKEv2KDFRunner {
    static let vectors = VectorFile.cases("cavp-sp800-135-ikev2-kdf-sha1.txt")
        + VectorFile.cases("cavp-sp800-135-ikev2-kdf-sha256.txt")

    static var sha1: VectorCase { vectors[0] }

    @Test func testVectorFilesLoaded() {
        #expect(IKEv2KDFRunner.vectors.count == 2)
    }

    @Test(arguments: vectors)
    func testSKEYSEED_matchesCAVP(_ vector: VectorCase) throws {
        let prf = try #require(PseudorandomFunction.named(vector.string("algorithm")))
        let skeyseed = try IKEKeyMaterial.skeyseed(
            prf: prf, sharedSecret: vector.secret("gir"),
            initiatorNonce: vector.bytes("Ni"), responderNonce: vector.bytes("Nr"))
        #expect(skeyseed == vector.secret("SKEYSEED"))
    }

    @Test(arguments: vectors)
    func testPRFPlusKeyStream_matchesCAVPDerivedKeyingMaterial(_ vector: VectorCase) throws {
        let prf = try #require(PseudorandomFunction.named(vector.string("algorithm")))
        let seed = vector.bytes("Ni") + vector.bytes("Nr") + vector.bytes("SPIi") + vector.bytes("SPIr")
        let dkm = vector.bytes("DKM")
        let stream = try prf.prfPlus(key: vector.secret("SKEYSEED"), seed: seed, length: dkm.count)
        #expect(stream.revealedBytes() == dkm)
    }

    @Test func testIKEKeys_areSplitInRFC7296Order() throws {
        // AES-CBC-128 + HMAC-SHA1-96 + PRF-HMAC-SHA1 takes 20+20+20+16+16+20+20 = 132 octets,
        // exactly the CAVP DKM length, so every key is a published slice.
        let vector = IKEv2KDFRunner.sha1
        let transforms = try NegotiatedIKETransforms(
            encryption: EncryptionTransform(.aesCBC, keyLengthBits: 128), prf: .hmacSHA1,
            integrity: .hmacSHA1_96, group: .modp2048)
        #expect(transforms.keyMaterialLength == 132)
        let keys = try IKEKeyMaterial.deriveKeys(
            transforms: transforms, skeyseed: vector.secret("SKEYSEED"),
            initiatorNonce: vector.bytes("Ni"), responderNonce: vector.bytes("Nr"),
            initiatorSPI: try #require(IKESPI(bytes: vector.bytes("SPIi"))),
            responderSPI: try #require(IKESPI(bytes: vector.bytes("SPIr"))))
        let dkm = vector.bytes("DKM")
        #expect(keys.skD.revealedBytes() == Array(dkm[0..<20]))
        #expect(keys.skAi.revealedBytes() == Array(dkm[20..<40]))
        #expect(keys.skAr.revealedBytes() == Array(dkm[40..<60]))
        #expect(keys.skEi.revealedBytes() == Array(dkm[60..<76]))
        #expect(keys.skEr.revealedBytes() == Array(dkm[76..<92]))
        #expect(keys.skPi.revealedBytes() == Array(dkm[92..<112]))
        #expect(keys.skPr.revealedBytes() == Array(dkm[112..<132]))
    }

    @Test func testIKEKeysForAEAD_haveEmptyIntegrityKeysAndSaltedEncryptionKeys() throws {
        let vector = IKEv2KDFRunner.vectors[1]
        let transforms = try NegotiatedIKETransforms(
            encryption: EncryptionTransform(.aesGCM16, keyLengthBits: 256), prf: .hmacSHA256,
            integrity: nil, group: .ecp256)
        let keys = try IKEKeyMaterial.deriveKeys(
            transforms: transforms, skeyseed: vector.secret("SKEYSEED"),
            initiatorNonce: vector.bytes("Ni"), responderNonce: vector.bytes("Nr"),
            initiatorSPI: try #require(IKESPI(bytes: vector.bytes("SPIi"))),
            responderSPI: try #require(IKESPI(bytes: vector.bytes("SPIr"))))
        #expect([keys.skD, keys.skAi, keys.skAr, keys.skEi, keys.skEr, keys.skPi, keys.skPr].map(\.count)
                    == [32, 0, 0, 36, 36, 32, 32])
        // The first 132 octets of the key stream are the published DKM.
        let stream = SecretBytes.concatenating([keys.skD, keys.skEi, keys.skEr, keys.skPi, keys.skPr])
        #expect(Array(stream.revealedBytes().prefix(132)) == vector.bytes("DKM"))
    }

    @Test func testChildKeyMaterialWithoutPFS_matchesCAVP() throws {
        let vector = IKEv2KDFRunner.sha1
        let published = vector.bytes("DKM_child")
        let keymat = try ChildKeyMaterial.derive(
            transforms: ChildSATransforms(encryption: EncryptionTransform(.aesCBC, keyLengthBits: 256),
                                          integrity: .hmacSHA1_96),
            prf: .hmacSHA1, skD: SecretBytes(Array(vector.bytes("DKM")[0..<20])),
            initiatorNonce: vector.bytes("Ni"), responderNonce: vector.bytes("Nr"))
        // Order: encr i→r (32), integ i→r (20), encr r→i (32), integ r→i (20).
        #expect(keymat.initiatorToResponder.encryption.revealedBytes() == Array(published[0..<32]))
        #expect(keymat.initiatorToResponder.integrity.revealedBytes() == Array(published[32..<52]))
        #expect(keymat.responderToInitiator.encryption.revealedBytes() == Array(published[52..<84]))
        #expect(keymat.responderToInitiator.integrity.revealedBytes() == Array(published[84..<104]))
    }

    @Test func testChildKeyMaterialWithPFS_matchesCAVP() throws {
        let vector = IKEv2KDFRunner.sha1
        let published = vector.bytes("DKM_child_dh")
        let keymat = try ChildKeyMaterial.derive(
            transforms: ChildSATransforms(encryption: EncryptionTransform(.aesGCM16, keyLengthBits: 128),
                                          integrity: nil),
            prf: .hmacSHA1, skD: SecretBytes(Array(vector.bytes("DKM")[0..<20])),
            initiatorNonce: vector.bytes("Ni"), responderNonce: vector.bytes("Nr"),
            pfsSharedSecret: vector.secret("gir_new"))
        #expect(keymat.initiatorToResponder.encryption.revealedBytes() == Array(published[0..<20]))
        #expect(keymat.initiatorToResponder.integrity.count == 0)
        #expect(keymat.responderToInitiator.encryption.revealedBytes() == Array(published[20..<40]))
    }

    @Test func testRekeyedSKEYSEED_matchesCAVP() throws {
        let vector = IKEv2KDFRunner.sha1
        let skeyseed = try IKEKeyMaterial.rekeyedSKEYSEED(
            oldPRF: .hmacSHA1, oldSKd: SecretBytes(Array(vector.bytes("DKM")[0..<20])),
            sharedSecret: vector.secret("gir_new"),
            initiatorNonce: vector.bytes("Ni"), responderNonce: vector.bytes("Nr"))
        #expect(skeyseed == vector.secret("SKEYSEED_rekey"))
    }

    @Test func testFixedKeyPRF_keysSKEYSEEDWithFirst64BitsOfEachNonce() throws {
        // RFC 7296 §2.14: with AES-XCBC the SKEYSEED key is Ni[0..<8] | Nr[0..<8]. The RFC
        // 4434 key-16 vector has key 000102…0f and data 000102…13, so nonces whose first
        // eight octets are 00…07 and 08…0f (and anything after) must give its output.
        let vectors = VectorFile.cases("rfc3566-rfc4434-aes-xcbc.txt")
        let vector = try #require(vectors.first { $0.title == "RFC 4434 key 16" })
        let key = vector.bytes("key")
        let skeyseed = try IKEKeyMaterial.skeyseed(
            prf: .aes128XCBC, sharedSecret: vector.secret("data"),
            initiatorNonce: Array(key[0..<8]) + [UInt8](repeating: 0xee, count: 24),
            responderNonce: Array(key[8..<16]) + [UInt8](repeating: 0x77, count: 24))
        #expect(skeyseed == vector.secret("prf"))
    }

    @Test func testPRFPlus_rejectsMoreThan255Blocks() throws {
        let key = SecretBytes([UInt8](repeating: 1, count: 20))
        let maximum = try PseudorandomFunction.hmacSHA1.prfPlus(key: key, seed: [1, 2, 3], length: 255 * 20)
        #expect(maximum.count == 5100)
        #expect(throws: IKECryptoError.prfPlusOutputTooLong(requested: 5101, maximum: 5100)) {
            _ = try PseudorandomFunction.hmacSHA1.prfPlus(key: key, seed: [1, 2, 3], length: 5101)
        }
    }

    @Test func testTransforms_rejectForbiddenCombinations() throws {
        let gcm = try EncryptionTransform(.aesGCM16, keyLengthBits: 128)
        let cbc = try EncryptionTransform(.aesCBC, keyLengthBits: 128)
        #expect(throws: IKECryptoError.self) {
            _ = try NegotiatedIKETransforms(encryption: gcm, prf: .hmacSHA256, integrity: .hmacSHA256_128, group: .ecp256)
        }
        #expect(throws: IKECryptoError.self) {
            _ = try NegotiatedIKETransforms(encryption: cbc, prf: .hmacSHA256, integrity: nil, group: .ecp256)
        }
        #expect(throws: IKECryptoError.self) {
            _ = try NegotiatedIKETransforms(encryption: EncryptionTransform(.null), prf: .hmacSHA256,
                                            integrity: .hmacSHA256_128, group: .ecp256)
        }
        #expect(throws: IKECryptoError.self) { _ = try EncryptionTransform(.aesCBC, keyLengthBits: nil) }
        #expect(throws: IKECryptoError.self) { _ = try EncryptionTransform(.aesCBC, keyLengthBits: 100) }
        #expect(throws: IKECryptoError.self) { _ = try EncryptionTransform(.chacha20Poly1305, keyLengthBits: 128) }
    }

    @Test func testKeyLengths_followRFC5282AndRFC7634() throws {
        #expect(try EncryptionTransform(.aesGCM16, keyLengthBits: 128).keyMaterialLength == 20)
        #expect(try EncryptionTransform(.aesGCM8, keyLengthBits: 192).keyMaterialLength == 28)
        #expect(try EncryptionTransform(.aesGCM12, keyLengthBits: 256).keyMaterialLength == 36)
        #expect(try EncryptionTransform(.chacha20Poly1305).keyMaterialLength == 36)
        #expect(try EncryptionTransform(.aesCTR, keyLengthBits: 192).keyMaterialLength == 28)
        #expect(try EncryptionTransform(.aesCBC, keyLengthBits: 256).keyMaterialLength == 32)
    }
}

/// The one-call derivations the exchanges use, checked against the same CAVP case.
@Suite struct IKEKeyMaterialExchangeTests {
    @Test func testDeriveInitialKeys_equalsSKEYSEEDThenPRFPlus() throws {
        let vector = IKEv2KDFRunner.sha1
        let transforms = try NegotiatedIKETransforms(
            encryption: EncryptionTransform(.aesCBC, keyLengthBits: 128), prf: .hmacSHA1,
            integrity: .hmacSHA1_96, group: .modp2048)
        let keys = try IKEKeyMaterial.deriveInitialKeys(
            transforms: transforms, sharedSecret: vector.secret("gir"),
            initiatorNonce: vector.bytes("Ni"), responderNonce: vector.bytes("Nr"),
            initiatorSPI: try #require(IKESPI(bytes: vector.bytes("SPIi"))),
            responderSPI: try #require(IKESPI(bytes: vector.bytes("SPIr"))))
        let all = SecretBytes.concatenating([keys.skD, keys.skAi, keys.skAr, keys.skEi, keys.skEr, keys.skPi, keys.skPr])
        #expect(all.revealedBytes() == vector.bytes("DKM"))
    }

    @Test func testDeriveRekeyedKeys_startsFromTheCAVPRekeySKEYSEED() throws {
        let vector = IKEv2KDFRunner.sha1
        let transforms = try NegotiatedIKETransforms(
            encryption: EncryptionTransform(.aesCBC, keyLengthBits: 128), prf: .hmacSHA1,
            integrity: .hmacSHA1_96, group: .modp2048)
        let spiI = try #require(IKESPI(bytes: vector.bytes("SPIi")))
        let spiR = try #require(IKESPI(bytes: vector.bytes("SPIr")))
        let keys = try IKEKeyMaterial.deriveRekeyedKeys(
            oldPRF: .hmacSHA1, oldSKd: SecretBytes(Array(vector.bytes("DKM")[0..<20])), newTransforms: transforms,
            sharedSecret: vector.secret("gir_new"), initiatorNonce: vector.bytes("Ni"), responderNonce: vector.bytes("Nr"),
            initiatorSPI: spiI, responderSPI: spiR)
        let expected = try IKEKeyMaterial.deriveKeys(
            transforms: transforms, skeyseed: vector.secret("SKEYSEED_rekey"),
            initiatorNonce: vector.bytes("Ni"), responderNonce: vector.bytes("Nr"),
            initiatorSPI: spiI, responderSPI: spiR)
        #expect(keys.skD == expected.skD && keys.skEr == expected.skEr && keys.skPr == expected.skPr)
    }
}
