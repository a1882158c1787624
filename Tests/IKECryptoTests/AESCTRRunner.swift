import HubVocabulary
@testable import IKECrypto
import Testing

/// RFC 3686 §6 AES-CTR through the SK payload's CTR core, counter block nonce ‖ IV ‖ 1.
@Suite struct AESCTRRunner {
    static let vectors = VectorFile.cases("rfc3686-aes-ctr.txt")

    @Test(arguments: vectors)
    func testEncrypt_matchesPublishedCiphertext(_ vector: VectorCase) throws {
        let counter = vector.bytes("nonce") + vector.bytes("iv") + [0, 0, 0, 1]
        let ciphertext = try CipherHelpers.blockMode(Algorithms.aes128CTR, key: vector.bytes("key"), iv: counter,
                                                     input: vector.bytes("plaintext"), encrypting: true)
        #expect(ciphertext == vector.bytes("ciphertext"))
    }

    @Test(arguments: vectors)
    func testEncryptedPayloadCipher_usesKeyMaterialNonce(_ vector: VectorCase) throws {
        // Same vector through the public API: SK_e = key ‖ nonce, IV from the packet.
        let cipher = try EncryptedPayloadCipher(
            encryption: EncryptionTransform(.aesCTR, keyLengthBits: 128), integrity: .hmacSHA256_128,
            encryptionKey: SecretBytes(vector.bytes("key") + vector.bytes("nonce")),
            integrityKey: SecretBytes([UInt8](repeating: 0x42, count: 32)))
        // 15 payload octets + Pad Length make a 16-octet plaintext whose first 15 octets are
        // the vector's, so the first 15 ciphertext octets must be the vector's too.
        let payloads = Array(vector.bytes("plaintext").prefix(15))
        let prefix = EncryptedPayloadRunner.prefix(dataLength: cipher.encryptedDataLength(innerPayloadsLength: 15))
        let message = try cipher.seal(authenticatedPrefix: prefix, innerPayloads: payloads, iv: vector.bytes("iv"))
        let ciphertext = Array(message[(32 + 8)..<(32 + 8 + 15)])
        #expect(ciphertext == Array(vector.bytes("ciphertext").prefix(15)))
        #expect(try cipher.open(message: message, encryptedPayloadOffset: 28) == payloads)
    }
}
