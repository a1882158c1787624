import HubVocabulary
@testable import IKECrypto
import Testing

/// McGrew–Viega GCM test cases 3, 4, 15 in the RFC 4106/5282 salt ‖ IV layout, with the
/// ICV truncations of ENCR_AES_GCM_8 and _12.
@Suite struct AESGCMRunner {
    static let vectors = VectorFile.cases("gcm-spec-aes-gcm.txt")

    @Test func testVectorFileLoaded() {
        #expect(AESGCMRunner.vectors.count == 3)
    }

    static func cipher(forKeyLength length: Int) -> FetchedCipher {
        length == 16 ? Algorithms.aes128GCM : length == 24 ? Algorithms.aes192GCM : Algorithms.aes256GCM
    }

    @Test(arguments: vectors, [16, 12, 8])
    func testSealAndOpen_matchPublishedValues(_ vector: VectorCase, tagLength: Int) throws {
        let key = vector.bytes("key")
        let cipher = AESGCMRunner.cipher(forKeyLength: key.count)
        let nonce = vector.bytes("salt") + vector.bytes("iv")
        let expectedTag = Array(vector.bytes("tag").prefix(tagLength))
        let sealed = try CipherHelpers.aeadSeal(cipher, key: key, nonce: nonce, aad: vector.bytes("aad"),
                                                plaintext: vector.bytes("plaintext"), tagLength: tagLength)
        #expect(sealed.ciphertext == vector.bytes("ciphertext"))
        #expect(sealed.tag == expectedTag)
        let opened = try CipherHelpers.aeadOpen(cipher, key: key, nonce: nonce, aad: vector.bytes("aad"),
                                                ciphertext: vector.bytes("ciphertext"), tag: expectedTag)
        #expect(opened == vector.bytes("plaintext"))
    }

    @Test(arguments: vectors)
    func testOpen_rejectsTamperedTagCiphertextOrAAD(_ vector: VectorCase) throws {
        let key = vector.bytes("key")
        let cipher = AESGCMRunner.cipher(forKeyLength: key.count)
        let nonce = vector.bytes("salt") + vector.bytes("iv")
        var tag = vector.bytes("tag")
        tag[0] ^= 1
        #expect(try CipherHelpers.aeadOpen(cipher, key: key, nonce: nonce, aad: vector.bytes("aad"),
                                           ciphertext: vector.bytes("ciphertext"), tag: tag) == nil)
        var ciphertext = vector.bytes("ciphertext")
        ciphertext[5] ^= 0x80
        #expect(try CipherHelpers.aeadOpen(cipher, key: key, nonce: nonce, aad: vector.bytes("aad"),
                                           ciphertext: ciphertext, tag: vector.bytes("tag")) == nil)
        #expect(try CipherHelpers.aeadOpen(cipher, key: key, nonce: nonce, aad: vector.bytes("aad") + [0],
                                           ciphertext: vector.bytes("ciphertext"), tag: vector.bytes("tag")) == nil)
    }
}
