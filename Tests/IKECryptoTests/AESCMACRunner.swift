import HubVocabulary
@testable import IKECrypto
import Testing

/// RFC 4493 AES-CMAC, RFC 4494 AES-CMAC-96 and RFC 4615 AES-CMAC-PRF-128 (key-length rule).
@Suite struct AESCMACRunner {
    static let vectors = VectorFile.cases("rfc4493-rfc4615-aes-cmac.txt")

    @Test func testVectorFileLoaded() {
        #expect(AESCMACRunner.vectors.count == 7)
    }

    @Test(arguments: vectors)
    func testPRFOutput_matchesPublishedValue(_ vector: VectorCase) throws {
        let output = try PseudorandomFunction.aes128CMAC.compute(key: vector.bytes("key"), data: vector.bytes("data"))
        #expect(output == vector.bytes("prf"))
    }

    @Test(arguments: vectors.filter { $0.has("icv") })
    func testAuthAESCMAC96_matchesPublishedValue(_ vector: VectorCase) throws {
        let mac = try vector.bytes("key").withBytes { (key) throws(IKECryptoError) in
            try IntegrityAlgorithm.aesCMAC96.makeMAC(key: key)
        }
        #expect(Array(try mac.tag([.bytes(vector.bytes("data"))]).prefix(12)) == vector.bytes("icv"))
    }
}
