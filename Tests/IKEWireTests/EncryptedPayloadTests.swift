import Testing
@testable import IKEWire

/// RFC 7296 §3.14 SK and RFC 7383 §2.5 SKF as opaque containers.
@Suite("SK and SKF payloads")
struct EncryptedPayloadTests {
    @Test func testPadding_isRemovedByPadLength() throws {
        #expect(try EncryptedPayload.removingPadding([1, 2, 3, 9, 9, 2]) == [1, 2, 3])
        #expect(try EncryptedPayload.removingPadding([0]) == [])
        #expect(thrownError { () throws(IKEParseError) in try EncryptedPayload.removingPadding([1, 5]) }
                == .lengthMismatch(payload: .encrypted, offset: 1, declared: 5, available: 1))
        #expect(thrownError { () throws(IKEParseError) in try EncryptedPayload.removingPadding([]) }
                == .truncated(payload: .encrypted, offset: 0, needed: 1))
    }

    @Test func testPlaintext_isPaddedToTheBlockSize() throws {
        let payloads: [Payload] = [.notify(NotifyPayload(type: .initialContact)), .delete(.ikeSA)]
        let (first, plaintext) = EncryptedPayload.plaintext(for: payloads, blockSize: 16)
        #expect(first == .notify)
        #expect(plaintext.count % 16 == 0)
        #expect(plaintext.count == 32)   // 8 + 8 payload octets, 15 padding, 1 pad length
        #expect(plaintext.last == 15)
        #expect(try EncryptedPayload.innerPayloads(fromPlaintext: plaintext, firstPayload: first) == payloads)
        #expect(EncryptedPayload.plaintext(for: [], blockSize: 1) == (.none, [0]))
    }

    @Test func testInnerPayloadErrors_nameOffsetsInThePlaintext() {
        // A Nonce that claims 40 octets in a 20-octet plaintext.
        let plaintext = bytes("00 00 0028") + Array(repeating: 0, count: 16) + [0]
        #expect(thrownError { () throws(IKEParseError) in try EncryptedPayload.innerPayloads(fromPlaintext: plaintext, firstPayload: .nonce) }
                == .lengthMismatch(payload: .nonce, offset: 0, declared: 40, available: 20))
    }

    @Test func testParts_needRoomForIVAndICV() throws {
        let sk = EncryptedPayload(innerFirstPayload: .identificationInitiator, body: Array(0..<40))
        let parts = try sk.parts(ivLength: 16, icvLength: 12)
        #expect(parts.iv == Array(0..<16))
        #expect(parts.ciphertext == Array(16..<28))
        #expect(parts.icv == Array(28..<40))
        #expect(EncryptedPayload(innerFirstPayload: .identificationInitiator, parts: parts) == sk)
        #expect(thrownError { () throws(IKEParseError) in try sk.parts(ivLength: 16, icvLength: 24) } != nil)
        #expect(thrownError { () throws(IKEParseError) in try sk.parts(ivLength: .max, icvLength: .max) } != nil)
        #expect(thrownError { () throws(IKEParseError) in try sk.parts(ivLength: -1, icvLength: 0) } != nil)
    }

    @Test func testSKNotLast_throwsLengthMismatch() {
        // SK claims 8 octets but 4 more follow in the message.
        let body = handBuiltPayload(next: 41, body: [1, 2, 3, 4]) + [0, 0, 0, 4]
        #expect(parseError(handBuiltMessage(firstPayload: 46, exchange: 35, body: body))
                == .lengthMismatch(payload: .encrypted, offset: 28, declared: 8, available: 12))
    }

    @Test func testFragment_decodesNumbersAndAssociatedDataCoversThem() throws {
        // RFC 7383 §2.5: SKF(Next Payload IDi) fragment 1 of 3.
        let body = handBuiltPayload(next: 35, body: bytes("0001 0003") + Array(repeating: 0xee, count: 24))
        let bytes = handBuiltMessage(firstPayload: 53, exchange: 35, messageID: 1, body: body)
        let message = try IKEMessage.parse(bytes)
        let fragment = try #require(message.encryptedFragment)
        #expect(fragment.fragmentNumber == 1)
        #expect(fragment.totalFragments == 3)
        #expect(fragment.innerFirstPayload == .identificationInitiator)
        try message.validate()
        #expect(message.serialize() == bytes)
        // AAD = header (28) + SKF generic header (4) + Fragment Number/Total (4) = 36.
        #expect(try IKEMessage.associatedData(ofSerialized: bytes) == bytes[0..<36])
        let parts = try fragment.parts(ivLength: 8, icvLength: 12)
        #expect(parts.ciphertext.count == 4)
    }

    @Test(arguments: [(UInt16(0), UInt16(3), UInt8(0)), (4, 3, 0), (1, 0, 35), (2, 3, 35), (1, 3, 0)])
    func testFragmentFieldsBreakingRFC7383_failValidation(number: UInt16, total: UInt16, next: UInt8) {
        let fragment = EncryptedFragmentPayload(fragmentNumber: number, totalFragments: total,
                                                innerFirstPayload: PayloadType(next), body: Array(repeating: 0, count: 30))
        #expect(thrownError { () throws(IKEParseError) in try fragment.validate() }?.notifyToSend == .invalidSyntax)
    }

    @Test func testAssociatedData_withoutSK_throws() {
        #expect(thrownError { () throws(IKEParseError) in try IKEMessage.associatedData(ofSerialized: handBuiltMessage(firstPayload: 0, body: [])) }
                == .invalidSyntax(payload: nil, offset: 0, reason: "message has no SK or SKF payload"))
    }
}
