import Testing
@testable import IKEWire

/// RFC 3948 §2 demultiplexing on UDP 4500.
@Suite("UDP datagram classifier")
struct UDPDatagramClassifierTests {
    @Test(arguments: VectorFile.datagrams)
    func testCapturedDatagram_isClassifiedAsItsHeaderSays(vector: VectorFile) {
        let kind = UDPDatagramClassifier.classify(natTraversalDatagram: vector.bytes)
        let spiOfTheOctets = vector.bytes.prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let expected = vector.directives["expect-kind"] ?? "esp \(String(spiOfTheOctets, radix: 16))"
        if expected == "keepalive" {
            #expect(kind == .natKeepalive)
        } else {
            let spi = UInt32(expected.dropFirst(4), radix: 16)
            #expect(spi == spiOfTheOctets)
            #expect(kind == .esp(spi: spi ?? 0))
        }
    }

    @Test func testNATTraversalIKEVectors_areIKEAfterTheMarker() throws {
        let natt = VectorFile.all.filter(\.hasNonESPMarker)
        #expect(natt.count >= 30)
        for vector in natt {
            #expect(UDPDatagramClassifier.classify(natTraversalDatagram: vector.bytes) == .ike(ikeOffset: 4))
            let message = try IKEMessage.parse(vector.messageBytes)
            #expect(UDPDatagramClassifier.natTraversalDatagram(forIKEMessage: message.serialize()) == vector.bytes)
        }
    }

    @Test func testShortDatagrams_areInvalid() {
        #expect(UDPDatagramClassifier.classify(natTraversalDatagram: [UInt8]()) == .invalid)
        #expect(UDPDatagramClassifier.classify(natTraversalDatagram: [0xfe]) == .invalid)
        #expect(UDPDatagramClassifier.classify(natTraversalDatagram: [0, 0, 0, 0, 1]) == .invalid)
        #expect(UDPDatagramClassifier.classify(natTraversalDatagram: [1, 2, 3, 4, 5]) == .invalid)
        #expect(UDPDatagramClassifier.classify(natTraversalDatagram: [0xff, 0xff]) == .invalid)
        #expect(UDPDatagramClassifier.ikeMessage(inNATTraversalDatagram: [0, 0, 0, 0]) == nil)
    }

    @Test func testPort500Datagram_isIKEFromOctetZero() {
        #expect(UDPDatagramClassifier.classify(ikePortDatagram: Array(repeating: UInt8(0), count: 28)) == .ike(ikeOffset: 0))
        #expect(UDPDatagramClassifier.classify(ikePortDatagram: Array(repeating: UInt8(0), count: 27)) == .invalid)
    }
}
