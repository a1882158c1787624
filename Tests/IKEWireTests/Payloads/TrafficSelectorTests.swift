import HubVocabulary
import Testing
@testable import IKEWire

/// RFC 7296 §3.13 TSi/TSr.
@Suite("Traffic selector payload")
struct TrafficSelectorTests {
    private func parse(_ body: [UInt8], type: UInt8 = 44) throws(IKEParseError) -> TrafficSelectorPayload {
        switch try parseSinglePayload(type: type, body: body) {
        case .trafficSelectorInitiator(let ts), .trafficSelectorResponder(let ts): return ts
        default: throw .invalidSyntax(payload: nil, offset: 0, reason: "not TS")
        }
    }

    @Test func testIPv4AndIPv6Ranges_decode() throws {
        // TS_IPV4_ADDR_RANGE 10.0.0.0–10.0.0.255 TCP 443, then TS_IPV6_ADDR_RANGE ::–ffff…, any.
        let body = bytes("""
            02 000000
            07 06 0010 01bb 01bb 0a000000 0a0000ff
            08 00 0028 0000 ffff 00000000000000000000000000000000 ffffffffffffffffffffffffffffffff
            """)
        let ts = try parse(body, type: 45)
        #expect(ts.addressRanges == [
            TrafficSelector(ipProtocol: 6, startPort: 443, endPort: 443,
                            startAddress: IPAddress("10.0.0.0")!, endAddress: IPAddress("10.0.0.255")!),
            .allIPv6,
        ])
        #expect(Payload.trafficSelectorResponder(ts).bodyBytes == body)
        #expect(Payload.trafficSelectorResponder(TrafficSelectorPayload(ts.addressRanges)).bodyBytes == body)
        try ts.validate()
    }

    @Test func testOtherSelectorTypes_areKeptRaw() throws {
        // TS_SECLABEL (10, RFC 9478) with a 5-octet label.
        let body = bytes("01 000000 0a 00 0009 73797374")
            + [0x65]
        let ts = try parse(body)
        #expect(ts.selectors == [.other(type: 10, ipProtocol: 0, body: bytes("7379737465"))])
        #expect(ts.addressRanges.isEmpty)
        #expect(Payload.trafficSelectorInitiator(ts).bodyBytes == body)
    }

    @Test func testIPv4SelectorWithWrongLength_throwsLengthMismatch() {
        let body = bytes("01 000000 07 00 0014 0000 ffff 00000000 ffffffff 00000000")
        #expect(thrownError { () throws(IKEParseError) in try parse(body) }
                == .lengthMismatch(payload: .trafficSelectorInitiator, offset: 36, declared: 20, available: 16))
    }

    @Test func testNumberOfTSsDisagreeing_throwsInvalidSyntax() {
        let body = bytes("02 000000 07 00 0010 0000 ffff 00000000 ffffffff")
        #expect(thrownError { () throws(IKEParseError) in try parse(body) }
                == .invalidSyntax(payload: .trafficSelectorInitiator, offset: 32, reason: "Number of TSs is 2 but 1 selectors follow"))
    }

    @Test func testEmptySelectorList_failsValidation() throws {
        let ts = try parse(bytes("00 000000"))
        #expect(thrownError { () throws(IKEParseError) in try ts.validate() }
                == .invalidSyntax(payload: .trafficSelectorInitiator, offset: 0, reason: "no traffic selectors"))
    }
}
