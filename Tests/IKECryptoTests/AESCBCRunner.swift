import HubVocabulary
@testable import IKECrypto
import Testing

/// RFC 3602 §4 and NIST SP 800-38A §F.2 AES-CBC vectors through the SK payload's CBC core.
@Suite struct AESCBCRunner {
    static let vectors = VectorFile.cases("rfc3602-sp800-38a-aes-cbc.txt")

    @Test func testVectorFileLoaded() {
        #expect(AESCBCRunner.vectors.count == 4)
    }

    static func cipher(forKeyLength length: Int) -> FetchedCipher {
        length == 16 ? Algorithms.aes128CBC : length == 24 ? Algorithms.aes192CBC : Algorithms.aes256CBC
    }

    @Test(arguments: vectors)
    func testEncryptAndDecrypt_matchPublishedCiphertext(_ vector: VectorCase) throws {
        let key = vector.bytes("key")
        let cipher = AESCBCRunner.cipher(forKeyLength: key.count)
        let ciphertext = try CipherHelpers.blockMode(cipher, key: key, iv: vector.bytes("iv"),
                                                     input: vector.bytes("plaintext"), encrypting: true)
        #expect(ciphertext == vector.bytes("ciphertext"))
        let plaintext = try CipherHelpers.blockMode(cipher, key: key, iv: vector.bytes("iv"),
                                                    input: vector.bytes("ciphertext"), encrypting: false)
        #expect(plaintext == vector.bytes("plaintext"))
    }

    @Test func testContextReuse_onlyTheIVChangesBetweenMessages() throws {
        // One keyed context, two messages with different IVs: both must match (padding stays off).
        let vector = AESCBCRunner.vectors[0]
        let core = try vector.bytes("key").withBytes { (key) throws(IKECryptoError) in
            try BlockModeCore(cipher: Algorithms.aes128CBC, key: key, encrypting: false)
        }
        for _ in 0..<3 {
            var output = [UInt8](repeating: 0, count: 16)
            try output.withMutableBytes { (out) throws(IKECryptoError) in
                try vector.bytes("iv").withBytes { (iv) throws(IKECryptoError) in
                    try vector.bytes("ciphertext").withBytes { (input) throws(IKECryptoError) in
                        try core.run(iv: iv, input: input, output: out)
                    }
                }
            }
            #expect(output == vector.bytes("plaintext"))
        }
    }
}
