import HubVocabulary
import IKECrypto
import Testing

/// The OS-backed random source and the identifiers drawn from it.
@Suite struct SystemRandomTests {
    @Test func testBytes_haveRequestedLengthAndDifferBetweenDraws() throws {
        let random = SystemRandom()
        let first = try random.bytes(count: 32)
        let second = try random.bytes(count: 32)
        #expect(first.count == 32 && second.count == 32)
        // Equal 256-bit draws would mean a broken generator (probability 2^-256).
        #expect(first != second)
        #expect(try random.bytes(count: 0).isEmpty)
        #expect(try random.secretBytes(count: 48).count == 48)
    }

    @Test func testIdentifiers_avoidReservedValues() throws {
        let random = SystemRandom()
        for _ in 0..<200 {
            #expect(try !random.ikeSPI().isZero)
            #expect(try random.childSPI() > 255)
        }
        #expect(try random.nonce().count == 32)
        #expect(try random.nonce(length: 16).count == 16)
    }

    @Test func testKeyExchangeGenerate_givesFreshKeys() throws {
        let a = try KeyExchange.generate(group: .curve25519)
        let b = try KeyExchange.generate(group: .curve25519)
        #expect(a.publicValue != b.publicValue)
        #expect(a.group == .curve25519)
    }
}
