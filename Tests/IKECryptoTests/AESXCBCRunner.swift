import HubVocabulary
@testable import IKECrypto
import Testing

/// RFC 3566 AES-XCBC-MAC-96 and RFC 4434 AES-XCBC-PRF-128, including its key-length rule.
@Suite struct AESXCBCRunner {
    static let vectors = VectorFile.cases("rfc3566-rfc4434-aes-xcbc.txt")

    @Test func testVectorFileLoaded() {
        #expect(AESXCBCRunner.vectors.count == 8)
    }

    @Test(arguments: vectors)
    func testPRFOutput_matchesPublishedValue(_ vector: VectorCase) throws {
        let output = try PseudorandomFunction.aes128XCBC.compute(key: vector.bytes("key"), data: vector.bytes("data"))
        #expect(output == vector.bytes("prf"))
    }

    @Test(arguments: vectors.filter { $0.has("icv") })
    func testAuthAESXCBC96_matchesPublishedValue(_ vector: VectorCase) throws {
        let mac = try vector.bytes("key").withBytes { (key) throws(IKECryptoError) in
            try IntegrityAlgorithm.aesXCBC96.makeMAC(key: key)
        }
        #expect(Array(try mac.tag([.bytes(vector.bytes("data"))]).prefix(12)) == vector.bytes("icv"))
    }

    @Test func testPRFOutput_isIndependentOfHowInputIsSplit() throws {
        // The RFC 3566 #5 input fed as three parts crossing block boundaries.
        let vector = try #require(AESXCBCRunner.vectors.first { $0.title == "RFC 3566 #5" })
        let data = vector.bytes("data")
        let mac = try vector.bytes("key").withBytes { (key) throws(IKECryptoError) in try AESXCBCMAC(key: key) }
        let tag = try mac.tag([.bytes(Array(data[0..<5])), .bytes(Array(data[5..<17])), .bytes(Array(data[17...]))])
        #expect(tag == vector.bytes("prf"))
    }
}
