import Testing
import HubVocabulary
@testable import ESPDataPlane

/// Soft ⇒ rekey event once, hard ⇒ SA unusable, for bytes, packets, time and sequence numbers.
struct SALifetimeTests {
    static let suite = try! ESPCipherSuite(encryption: .aesGCM(.bits128, icv: .octets16))
    static let keys = try! ESPKeyMaterial(directionKeyMaterial: SecretBytes([UInt8](repeating: 0x42, count: 20)), for: suite)

    @Test func testTracker_softThenHardBytes_reportsEachOnce() {
        var tracker = SALifetimeTracker(limits: SALifetimeLimits(softBytes: 1000, hardBytes: 2000), installedAt: testInstant)
        #expect(tracker.record(byteCount: 999) == nil)
        #expect(tracker.record(byteCount: 1) == .soft(.bytes))
        #expect(tracker.record(byteCount: 500) == nil)
        #expect(tracker.record(byteCount: 500) == .hard(.bytes))
        #expect(tracker.record(byteCount: 1) == nil)
        #expect(tracker.phase == .hard(.bytes))
    }

    @Test func testTracker_packetLimits() {
        var tracker = SALifetimeTracker(limits: SALifetimeLimits(softPackets: 2, hardPackets: 3), installedAt: testInstant)
        #expect(tracker.record(byteCount: 10) == nil)
        #expect(tracker.record(byteCount: 10) == .soft(.packets))
        #expect(tracker.record(byteCount: 10) == .hard(.packets))
    }

    @Test func testTracker_hardLimitReachedFirst_skipsSoft() {
        var tracker = SALifetimeTracker(limits: SALifetimeLimits(softBytes: 100, hardPackets: 1), installedAt: testInstant)
        #expect(tracker.record(byteCount: 5000) == .hard(.packets))
        #expect(tracker.check(now: testInstant.adding(seconds: 1)) == nil)
    }

    @Test func testTracker_timeLimits_measureFromInstallation() {
        var tracker = SALifetimeTracker(limits: SALifetimeLimits(softSeconds: 3000, hardSeconds: 3600), installedAt: testInstant)
        #expect(tracker.check(now: testInstant.adding(seconds: 2999)) == nil)
        #expect(tracker.check(now: testInstant.adding(seconds: 3000)) == .soft(.time))
        #expect(tracker.check(now: testInstant.adding(seconds: 3100)) == nil)
        #expect(tracker.check(now: testInstant.adding(seconds: 3600)) == .hard(.time))
    }

    @Test func testTracker_unlimited_neverMoves() {
        var tracker = SALifetimeTracker(limits: .unlimited, installedAt: testInstant)
        for _ in 0..<1000 { #expect(tracker.record(byteCount: 1500) == nil) }
        #expect(tracker.check(now: testInstant.adding(seconds: 10 * 365 * 86400)) == nil)
        #expect(tracker.phase == .alive)
    }

    @Test func testOutboundSA_softBytes_setsTheEventOnThePacketThatCrossedIt() throws {
        let sa = try ESPOutboundSA(spi: 0x100, suite: Self.suite, keys: Self.keys, lifetime: SALifetimeLimits(softBytes: 150, hardBytes: 10_000),
                                   installedAt: testInstant)
        let packet = ipv4Packet(payloadLength: 52)  // 80 octets
        var events: [SALifetimeEvent?] = []
        for _ in 0..<3 {
            var buffer = [UInt8](repeating: 0, count: 256)
            let sealed = try buffer.withUnsafeMutableBytes { raw in try packet.withUnsafeBytes { try sa.seal($0, nextHeader: 4, into: raw) } }
            events.append(sealed.lifetimeEvent)
        }
        #expect(events == [nil, .rekeyNeeded(sa.identifier, .bytes), nil])
        #expect(sa.lifetimePhase == .soft(.bytes))
    }

    @Test func testOutboundSA_afterHardPackets_refusesToSeal() throws {
        let sa = try ESPOutboundSA(spi: 0x101, suite: Self.suite, keys: Self.keys, lifetime: SALifetimeLimits(hardPackets: 2),
                                   installedAt: testInstant)
        let packet = ipv4Packet()
        #expect(try seal(packet, with: sa).count > 0)
        #expect(try seal(packet, with: sa).count > 0)
        #expect(sealResult(packet, with: sa) == .failure(.saExpired(sa.identifier, .packets)))
        #expect(sa.counters.packets == 2)
        #expect(sa.counters.drops[.saExpired] == 1)
    }

    @Test func testOutboundSA_timeCheck_reportsRekeyThenExpiry() throws {
        let sa = try ESPOutboundSA(spi: 0x102, suite: Self.suite, keys: Self.keys, lifetime: SALifetimeLimits(softSeconds: 60, hardSeconds: 90),
                                   installedAt: testInstant)
        #expect(sa.checkLifetime(now: testInstant.adding(seconds: 30)) == nil)
        #expect(sa.checkLifetime(now: testInstant.adding(seconds: 61)) == .rekeyNeeded(sa.identifier, .time))
        #expect(sa.checkLifetime(now: testInstant.adding(seconds: 62)) == nil)
        #expect(sa.checkLifetime(now: testInstant.adding(seconds: 90)) == .expired(sa.identifier, .time))
        #expect(sealResult(ipv4Packet(), with: sa) == .failure(.saExpired(sa.identifier, .time)))
    }

    @Test func testOutboundSA_without_ESN_lastSequenceNumberIsHardExpiry() throws {
        let sa = try ESPOutboundSA(spi: 0x103, suite: Self.suite, keys: Self.keys, installedAt: testInstant,
                                   lastSequenceNumber: UInt64(UInt32.max) - 1)
        var buffer = [UInt8](repeating: 0, count: 256)
        let packet = ipv4Packet()
        let sealed = try buffer.withUnsafeMutableBytes { raw in try packet.withUnsafeBytes { try sa.seal($0, nextHeader: 4, into: raw) } }
        #expect(sealed.sequenceNumber == UInt64(UInt32.max))
        #expect(sealed.lifetimeEvent == .expired(sa.identifier, .sequenceNumbers))
        #expect(Array(buffer[4..<8]) == [0xff, 0xff, 0xff, 0xff])
        // RFC 4303 §3.3.3: the counter must not cycle.
        #expect(sealResult(packet, with: sa) == .failure(.saExpired(sa.identifier, .sequenceNumbers)))
    }

    @Test func testOutboundSA_restoredAtTheLimit_reportsExhaustion() throws {
        let sa = try ESPOutboundSA(spi: 0x104, suite: Self.suite, keys: Self.keys, installedAt: testInstant, lastSequenceNumber: UInt64(UInt32.max))
        #expect(sealResult(ipv4Packet(), with: sa) == .failure(.sequenceNumbersExhausted(spi: 0x104)))
        #expect(sa.counters.drops[.sequenceNumbersExhausted] == 1)
    }

    @Test func testOutboundSA_nearTheEndOfTheSequenceSpace_asksForARekey() throws {
        let soft = UInt64(UInt32.max) - UInt64(UInt32.max) / 64
        let sa = try ESPOutboundSA(spi: 0x105, suite: Self.suite, keys: Self.keys, installedAt: testInstant, lastSequenceNumber: soft - 1)
        var buffer = [UInt8](repeating: 0, count: 256)
        let packet = ipv4Packet()
        let sealed = try buffer.withUnsafeMutableBytes { raw in try packet.withUnsafeBytes { try sa.seal($0, nextHeader: 4, into: raw) } }
        #expect(sealed.lifetimeEvent == .rekeyNeeded(sa.identifier, .sequenceNumbers))
    }

    @Test func testOutboundSA_withESN_continuesPast2To32() throws {
        let outbound = try ESPOutboundSA(spi: 0x106, suite: Self.suite, keys: Self.keys, extendedSequenceNumbers: true, installedAt: testInstant,
                                         lastSequenceNumber: UInt64(UInt32.max) - 1)
        let inbound = try ESPInboundSA(spi: 0x106, suite: Self.suite, keys: Self.keys, extendedSequenceNumbers: true, installedAt: testInstant,
                                       replayWindowTop: UInt64(UInt32.max) - 2)
        let packet = ipv4Packet()
        let expectedLowBits: [[UInt8]] = [[0xff, 0xff, 0xff, 0xff], [0, 0, 0, 0], [0, 0, 0, 1]]
        for lowBits in expectedLowBits {
            let sealed = try seal(packet, with: outbound)
            #expect(try open(sealed, with: inbound).get() == packet)
            #expect(Array(sealed[4..<8]) == lowBits)
        }
        #expect(inbound.replayWindowTop == 1 << 32 | 1)
        #expect(outbound.lifetimePhase == .alive)
    }

    @Test func testInboundSA_afterHardBytes_dropsAsExpired() throws {
        let outbound = try ESPOutboundSA(spi: 0x107, suite: Self.suite, keys: Self.keys, installedAt: testInstant)
        let inbound = try ESPInboundSA(spi: 0x107, suite: Self.suite, keys: Self.keys, lifetime: SALifetimeLimits(hardBytes: 100),
                                       installedAt: testInstant)
        let first = try seal(ipv4Packet(payloadLength: 100), with: outbound)
        let second = try seal(ipv4Packet(payloadLength: 100), with: outbound)
        var copy = first
        let opened = try copy.withUnsafeMutableBytes { try inbound.open($0) }
        #expect(opened.lifetimeEvent == .expired(inbound.identifier, .bytes))
        #expect(open(second, with: inbound) == .failure(.saExpired(inbound.identifier, .bytes)))
    }
}
