import Testing
@testable import HubVocabulary

@Suite struct SecretBytesTests {
    @Test func testDescriptionRedacts_whenPrinted() {
        let secret = SecretBytes(Array("hunter2".utf8))
        #expect(secret.description == "<redacted 7 bytes>")
        #expect("\(secret)" == "<redacted 7 bytes>")
        #expect(String(reflecting: secret) == "<redacted 7 bytes>")
    }

    @Test func testEquality_comparesContentsAndLength() {
        #expect(SecretBytes([1, 2, 3]) == SecretBytes([1, 2, 3]))
        #expect(SecretBytes([1, 2, 3]) != SecretBytes([1, 2, 4]))
        #expect(SecretBytes([1, 2, 3]) != SecretBytes([1, 2]))
        #expect(SecretBytes([]) == SecretBytes([]))
    }

    @Test func testSliceAndConcatenate_roundTrip() {
        let secret = SecretBytes(Array(0..<40))
        let parts = [secret.slice(0..<10), secret.slice(10..<10), secret.slice(10..<40)]
        #expect(parts.map(\.count) == [10, 0, 30])
        #expect(SecretBytes.concatenating(parts) == secret)
        #expect(secret.slice(5..<8).revealedBytes() == [5, 6, 7])
    }
}

@Suite struct HexTests {
    @Test func testEncodeDecode_roundTrip() {
        #expect(Hex.encode([0x00, 0xab, 0xff]) == "00abff")
        #expect(Hex.decode("00 AB:ff\n") == [0x00, 0xab, 0xff])
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("zz") == nil)
    }
}

@Suite struct AddressTests {
    @Test(arguments: [
        ("10.0.0.1", "10.0.0.1"), ("255.255.255.255", "255.255.255.255"),
        ("2001:db8::1", "2001:db8::1"), ("::", "::"), ("::1", "::1"),
        ("2001:0DB8:0:0:1:0:0:1", "2001:db8::1:0:0:1"), ("fe80::", "fe80::"),
        ("::ffff:192.0.2.1", "::ffff:c000:201"), ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"),
    ])
    func testParse_printsCanonicalForm(text: String, canonical: String) throws {
        let address = try #require(IPAddress(text))
        #expect(address.description == canonical)
        #expect(IPAddress(bytes: address.bytes) == address)
    }

    @Test(arguments: ["", "1.2.3", "1.2.3.256", "1.2.3.4.5", "01234.1.1.1", "1::2::3", "1:2:3:4:5:6:7:8:9",
                      "12345::", ":::", "g::1", "1:2:3:4:5:6:7::8"])
    func testParse_rejectsMalformed(text: String) {
        #expect(IPAddress(text) == nil)
    }
}

@Suite struct IdentifierTests {
    @Test func testSPIBytes_areBigEndian() {
        let spi = IKESPI(0x0102030405060708)
        #expect(spi.bytes == [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(IKESPI(bytes: spi.bytes) == spi)
        #expect(spi.description == "0102030405060708")
    }

    @Test func testSessionID_hexRoundTrip() throws {
        let id = SessionID(high: 0xdeadbeef, low: 42)
        let parsed = try #require(SessionID(hex: id.description))
        #expect(parsed == id)
        #expect(id.description.count == 32)
    }

    @Test func testMessageID_nextStopsAtMaximum() {
        #expect(MessageID(1).next == MessageID(2))
        #expect(MessageID(.max).next == nil)
    }

    @Test func testPeerIdentity_describesTextualKinds() {
        #expect(PeerIdentity.fqdn("vpn.example.com").description == "fqdn:vpn.example.com")
        #expect(PeerIdentity.address(IPAddress("192.0.2.7")!).description == "192.0.2.7")
        #expect(PeerIdentity(kind: .init(rawValue: 13), data: []).kind == .null)
    }
}
