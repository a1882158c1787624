import HubVocabulary
@testable import IKECrypto
import Testing

/// RFC 8439 §2.8.2 and A.5, RFC 7634 Appendix A ChaCha20-Poly1305 AEAD vectors.
@Suite struct ChaCha20Poly1305Runner {
    static let vectors = VectorFile.cases("rfc8439-rfc7634-chacha20-poly1305.txt")

    @Test func testVectorFileLoaded() {
        #expect(ChaCha20Poly1305Runner.vectors.count == 3)
    }

    @Test(arguments: vectors)
    func testSealAndOpen_matchPublishedValues(_ vector: VectorCase) throws {
        let nonce = vector.bytes("salt") + vector.bytes("iv")
        let sealed = try CipherHelpers.aeadSeal(Algorithms.chacha20Poly1305, key: vector.bytes("key"), nonce: nonce,
                                                aad: vector.bytes("aad"), plaintext: vector.bytes("plaintext"),
                                                tagLength: 16)
        #expect(sealed.ciphertext == vector.bytes("ciphertext"))
        #expect(sealed.tag == vector.bytes("tag"))
        let opened = try CipherHelpers.aeadOpen(Algorithms.chacha20Poly1305, key: vector.bytes("key"), nonce: nonce,
                                                aad: vector.bytes("aad"), ciphertext: vector.bytes("ciphertext"),
                                                tag: vector.bytes("tag"))
        #expect(opened == vector.bytes("plaintext"))
        var tag = vector.bytes("tag")
        tag[15] ^= 0x01
        #expect(try CipherHelpers.aeadOpen(Algorithms.chacha20Poly1305, key: vector.bytes("key"), nonce: nonce,
                                           aad: vector.bytes("aad"), ciphertext: vector.bytes("ciphertext"),
                                           tag: tag) == nil)
    }
}
