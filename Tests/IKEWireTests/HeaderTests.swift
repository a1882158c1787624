import HubVocabulary
import Testing
@testable import IKEWire

/// RFC 7296 §3.1 header: version, flags, length checks.
@Suite("IKE header")
struct HeaderTests {
    @Test(arguments: [UInt8(0x10), 0x30, 0xf0])
    func testMajorVersionOtherThan2_throwsInvalidMajorVersion(version: UInt8) {
        let error = parseError(handBuiltMessage(firstPayload: 0, version: version, body: []))
        #expect(error == .invalidMajorVersion(major: version >> 4, minor: 0))
        #expect(error?.notifyToSend == .invalidMajorVersion)
    }

    @Test func testMinorVersion_isKeptAndReencoded() throws {
        // RFC 7296 §2.5: a higher minor version is accepted.
        let bytes = handBuiltMessage(firstPayload: 0, version: 0x21, body: [])
        let message = try IKEMessage.parse(bytes)
        #expect(message.header.minorVersion == 1)
        #expect(message.serialize() == bytes)
    }

    @Test func testReservedFlagBits_areKeptAsReceived() throws {
        // I, V, R plus the IKEv1 E/C/A bits (0x07) and bits 6–7, all "ignored on receipt".
        let bytes = handBuiltMessage(firstPayload: 0, flags: 0xff, body: [])
        let message = try IKEMessage.parse(bytes)
        #expect(message.header.flags.contains([.initiator, .version, .response]))
        #expect(message.header.isResponse)
        #expect(message.serialize() == bytes)
    }

    @Test func testHeaderOnlyMessage_hasNoPayloads() throws {
        let message = try IKEMessage.parse(handBuiltMessage(firstPayload: 0, exchange: 37, body: []))
        #expect(message.payloads.isEmpty)
        #expect(message.header.exchangeType == .informational)
        #expect(message.header.saIdentifier.initiatorSPI == IKESPI(0x0102030405060708))
    }

    @Test func testLengthBelowHeaderSize_throwsLengthMismatch() {
        var bytes = handBuiltMessage(firstPayload: 0, body: [])
        bytes[27] = 27
        #expect(parseError(bytes) == .lengthMismatch(payload: nil, offset: 24, declared: 27, available: 28))
    }

    @Test func testLengthAboveTheMaximumMessageSize_throwsLengthMismatch() {
        var bytes = handBuiltMessage(firstPayload: 0, body: [])
        bytes[25] = 0x01   // 0x00010000 = 65 536
        bytes[27] = 0
        #expect(parseError(bytes) == .lengthMismatch(payload: nil, offset: 24, declared: 65_536, available: 28))
    }

    @Test func testOctetsAfterTheDeclaredLength_throwLengthMismatch() {
        let bytes = handBuiltMessage(firstPayload: 0, body: []) + [0]
        #expect(parseError(bytes) == .lengthMismatch(payload: nil, offset: 24, declared: 28, available: 29))
        #expect(parseError(bytes)?.notifyToSend == .invalidSyntax)
    }

    @Test func testDatagramShorterThanLength_throwsTruncatedAtTheEnd() {
        var bytes = handBuiltMessage(firstPayload: 0, body: [])
        bytes[27] = 40
        #expect(parseError(bytes) == .truncated(payload: nil, offset: 28, needed: 12))
    }

    @Test func testChainThatRunsOutOfOctets_throwsTruncatedInsideTheNextPayload() {
        // Nonce says another Notify follows, but the message ends.
        let bytes = handBuiltMessage(firstPayload: 40, body: handBuiltPayload(next: 41, body: Array(repeating: 7, count: 16)))
        #expect(parseError(bytes) == .truncated(payload: .notify, offset: 48, needed: 4))
    }

    @Test func testBuiltMessage_setsLengthAndNextPayload() throws {
        let header = IKEHeader(initiatorSPI: IKESPI(1), responderSPI: IKESPI(2), exchangeType: .informational,
                               flags: [.response], messageID: MessageID(5))
        let message = IKEMessage(header: header, payloads: [.delete(.ikeSA)])
        // RFC 7296 §3.1 header, then §3.11 D for the IKE SA: Protocol 1, SPI Size 0, 0 SPIs.
        let expected = bytes("0000000000000001 0000000000000002 2a 20 25 20 00000005 00000024"
                             + "00 00 0008 01 00 0000")
        #expect(message.serialize() == expected)
        let reparsed = try IKEMessage.parse(expected)
        #expect(reparsed.header.nextPayload == .delete)
        #expect(reparsed.header.length == 36)
        #expect(reparsed.payloads == [.delete(.ikeSA)])
    }
}
