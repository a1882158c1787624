import Testing
@testable import IKEWire

/// RFC 7296 §2.5 / §3.2: unknown payloads are skipped unless critical.
@Suite("Critical bit and unknown payloads")
struct CriticalBitTests {
    @Test(arguments: [UInt8(49), 50, 54, 100, 128, 200, 255])
    func testUnknownNonCriticalPayload_isKeptRawAndRoundTrips(type: UInt8) throws {
        let bytes = handBuiltMessage(firstPayload: type, body: handBuiltPayload(next: 0, flags: 0x01, body: [9, 8, 7]))
        let message = try IKEMessage.parse(bytes)
        #expect(message.payloads == [.unknown(UnknownPayload(type: PayloadType(type), flags: GenericPayloadFlags(rawValue: 1), body: [9, 8, 7]))])
        #expect(message.serialize() == bytes)
    }

    @Test(arguments: [UInt8(49), 54, 128, 255])
    func testUnknownCriticalPayload_throwsUnsupportedCriticalPayloadWithItsType(type: UInt8) {
        // A Nonce first, then the critical unknown payload at offset 48.
        let body = handBuiltPayload(next: type, body: Array(repeating: 1, count: 16))
            + handBuiltPayload(next: 0, flags: 0x80, body: [])
        let error = parseError(handBuiltMessage(firstPayload: 40, body: body))
        #expect(error == .unsupportedCriticalPayload(type: PayloadType(type), offset: 48))
        #expect(error?.notifyToSend == .unsupportedCriticalPayload)
        // RFC 7296 §3.10.1: the notification data is the one-octet payload type.
        #expect(error?.notifyData == [type])
    }

    @Test func testKnownPayloadWithCriticalBit_isParsedAndTheBitKept() throws {
        let bytes = handBuiltMessage(firstPayload: 43, body: handBuiltPayload(next: 0, flags: 0x80, body: [1, 2]))
        let message = try IKEMessage.parse(bytes)
        guard case .vendorID(let vendor)? = message.payloads.first else {
            Issue.record("not a vendor ID")
            return
        }
        #expect(vendor.flags.isCritical)
        #expect(vendor.vendorID == [1, 2])
        #expect(message.serialize() == bytes)
    }

    @Test func testGenericFlags_criticalSetterKeepsReservedBits() {
        var flags = GenericPayloadFlags(rawValue: 0x05)
        flags.isCritical = true
        #expect(flags.rawValue == 0x85)
        flags.isCritical = false
        #expect(flags.rawValue == 0x05)
    }

    @Test func testPayloadLengthBelowFour_throwsLengthMismatch() {
        let bytes = handBuiltMessage(firstPayload: 43, body: [0, 0, 0, 3])
        #expect(parseError(bytes) == .lengthMismatch(payload: .vendorID, offset: 28, declared: 3, available: 4))
    }
}
