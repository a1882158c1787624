import Testing
@testable import IKEWire

/// Decrypted SK plaintexts: the inner payload chain of a published message.
@Suite("Vectors: decrypted SK plaintexts")
struct VectorPlaintextTests {
    @Test func testPlaintextVectors_arePresent() {
        #expect(VectorFile.plaintexts.count >= 3)
    }

    @Test(arguments: VectorFile.plaintexts)
    func testInnerChain_parsesValidatesAndReencodes(vector: VectorFile) throws {
        let inner = try EncryptedPayload.innerPayloads(fromPlaintext: vector.bytes, firstPayload: vector.firstPayload)
        try Payload.validateChain(inner)
        if let expected = vector.directives["expect-payloads"] {
            #expect(inner.map(\.type.abbreviation).joined(separator: " ") == expected)
        }
        #expect(Payload.serializeChain(inner) == (try EncryptedPayload.removingPadding(vector.bytes)))
        let padLength = Int(vector.bytes.last ?? 0)
        let rebuilt = EncryptedPayload.plaintext(for: inner, blockSize: 1).plaintext
        if padLength == 0 { #expect(rebuilt == vector.bytes) }
    }

    @Test(arguments: VectorFile.plaintexts)
    func testPlaintext_belongsToItsSKMessage(vector: VectorFile) throws {
        guard let name = vector.directives["sk-message"] else { return }
        let message = try IKEMessage.parse(VectorFile.named(name).messageBytes)
        let sk = try #require(message.encryptedPayload)
        #expect(sk.innerFirstPayload == vector.firstPayload)
    }

    @Test(arguments: VectorFile.plaintexts)
    func testEveryStrictPrefixOfTheChain_throwsALengthError(vector: VectorFile) throws {
        let chain = try EncryptedPayload.removingPadding(vector.bytes)
        for count in 0..<chain.count {
            let error = thrownError { () throws(IKEParseError) in try Payload.parseChain(Array(chain[0..<count]), firstPayload: vector.firstPayload) }
            #expect(error?.isLengthError == true, "prefix \(count): \(String(describing: error))")
        }
    }

    @Test func testWiresharkDecryptedDelete_isTheIKESADelete() throws {
        let vector = try #require(VectorFile.plaintexts.first { $0.name == "wireshark-ccm12-informational-request-decrypted" })
        let inner = try EncryptedPayload.innerPayloads(fromPlaintext: vector.bytes, firstPayload: .delete)
        #expect(inner == [.delete(.ikeSA)])
    }
}
