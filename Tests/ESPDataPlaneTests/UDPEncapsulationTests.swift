import Testing
@testable import ESPDataPlane

/// RFC 3948 §2: how a port-4500 datagram is told apart.
struct UDPEncapsulationTests {
    @Test func testOneOctetFF_isANATKeepalive() {
        #expect(UDPEncapsulation.classify([0xff]) == .natKeepalive)
        #expect(UDPEncapsulation.classify([0x00]) == .malformed)
    }

    @Test func testNonESPMarker_thenAnIKEMessage_isIKE() {
        #expect(UDPEncapsulation.classify([0, 0, 0, 0] + [UInt8](repeating: 0x21, count: 28)) == .ike)
        #expect(UDPEncapsulation.classify([0, 0, 0, 0]) == .malformed)
    }

    @Test func testNonZeroSPI_isESP() {
        #expect(UDPEncapsulation.classify([0x12, 0x34, 0x56, 0x78, 0, 0, 0, 1]) == .esp(spi: 0x1234_5678))
        #expect(UDPEncapsulation.classify([0, 0, 0, 1, 0, 0, 0, 1, 9]) == .esp(spi: 1))
    }

    @Test(arguments: [[], [1, 2], [1, 2, 3], [1, 2, 3, 4], [1, 2, 3, 4, 5, 6, 7], [0xff, 0xff]] as [[UInt8]])
    func testShortDatagrams_areMalformed(_ datagram: [UInt8]) {
        #expect(UDPEncapsulation.classify(datagram) == .malformed)
    }

    @Test func testMarkerPrepending_roundTrips() {
        let message: [UInt8] = [1, 2, 3]
        #expect(UDPEncapsulation.prependingNonESPMarker(to: message) == [0, 0, 0, 0, 1, 2, 3])
    }
}
