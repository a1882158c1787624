import Testing
import HubVocabulary
@testable import ESPDataPlane

/// Every reason an SA drops a packet, each named by its typed error and counted.
struct ESPDropReasonTests {
    static let gcm = try! ESPCipherSuite(encryption: .aesGCM(.bits128, icv: .octets16))
    static let cbc = try! ESPCipherSuite(encryption: .aesCBC(.bits128), integrity: .hmacSHA2_256_128)
    static let gcmKey = [UInt8](repeating: 0x5a, count: 16) + [0xca, 0xfe, 0xba, 0xbe]
    static let spi: UInt32 = 0x0bad_cafe

    static func gcmInbound(window: Int = 64, remote: [TrafficSelector] = [], local: [TrafficSelector] = []) throws -> ESPInboundSA {
        try ESPInboundSA(spi: spi, suite: gcm, keys: ESPKeyMaterial(encryptionKey: SecretBytes(gcmKey)), replayWindowSize: window,
                         installedAt: testInstant, remoteSelectors: remote, localSelectors: local)
    }

    static func gcmOutbound() throws -> ESPOutboundSA {
        try ESPOutboundSA(spi: spi, suite: gcm, keys: ESPKeyMaterial(encryptionKey: SecretBytes(gcmKey)), installedAt: testInstant)
    }

    /// An authentic AES-GCM ESP packet whose ciphertext is exactly `plaintext` (payload and a
    /// trailer of the test's choosing), sealed with the AEAD primitive and the RFC 4106 layout.
    static func craftedPacket(plaintext: [UInt8], sequence: UInt32) throws -> [UInt8] {
        let context = try gcmKey.prefix(16).withUnsafeBytes {
            try AEADCipherContext(cipherName: "AES-128-GCM", key: UnsafeRawBufferPointer(rebasing: $0[0..<16]), encrypting: true, tagLength: 16)
        }
        let iv: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8]
        let header: [UInt8] = [0x0b, 0xad, 0xca, 0xfe] + (0..<4).map { UInt8(truncatingIfNeeded: sequence >> (24 - 8 * $0)) }
        let nonce = Array(gcmKey.suffix(4)) + iv
        var data = plaintext
        var tag = [UInt8](repeating: 0, count: 16)
        let sealed = nonce.withUnsafeBufferPointer { nonce in
            header.withUnsafeBytes { aad in
                data.withUnsafeMutableBufferPointer { data in
                    tag.withUnsafeMutableBufferPointer { tag in
                        context.seal(nonce: nonce.baseAddress!, aad: aad, data: data.baseAddress!, length: data.count, tag: tag.baseAddress!)
                    }
                }
            }
        }
        #expect(sealed)
        return header + iv + data + tag
    }

    @Test func testTruncated_shorterThanHeaderIVTrailerAndICV() throws {
        let sa = try Self.gcmInbound()
        #expect(open([0x0b, 0xad, 0xca, 0xfe, 0, 0, 0, 1] + [UInt8](repeating: 0, count: 27), with: sa)
                == .failure(.truncated(length: 35, needed: 36)))
        #expect(sa.counters.drops[.truncated] == 1)
    }

    @Test func testMisalignedCBCCiphertext_isDroppedBeforeAnyCrypto() throws {
        let (outbound, inbound) = try ESPRoundTripTests.pair(Self.cbc, spi: Self.spi)
        var packet = try seal(ipv4Packet(), with: outbound)
        packet.remove(at: 30)
        #expect(open(packet, with: inbound) == .failure(.misalignedCiphertext(spi: Self.spi, length: packet.count - 24 - 16)))
    }

    @Test func testReplayedPacket_isDroppedTheSecondTime() throws {
        let outbound = try Self.gcmOutbound()
        let inbound = try Self.gcmInbound()
        let packet = try seal(ipv4Packet(), with: outbound)
        #expect(open(packet, with: inbound).isSuccess)
        #expect(open(packet, with: inbound) == .failure(.replayed(spi: Self.spi, sequenceNumber: 1)))
        #expect(inbound.counters.drops[.replayed] == 1)
        #expect(inbound.counters.packets == 1)
    }

    @Test func testPacketLeftOfTheWindow_isDropped() throws {
        let outbound = try Self.gcmOutbound()
        let inbound = try Self.gcmInbound(window: 32)
        let first = try seal(ipv4Packet(), with: outbound)
        for _ in 0..<40 { #expect(open(try seal(ipv4Packet(), with: outbound), with: inbound).isSuccess) }
        #expect(open(first, with: inbound) == .failure(.outsideReplayWindow(spi: Self.spi, sequenceNumber: 1, windowTop: 41)))
    }

    @Test(arguments: [0, 8, 20, 60, 75])
    func testAnyFlippedBit_failsTheICVAndDoesNotMoveTheWindow(offset: Int) throws {
        for suite in [Self.gcm, Self.cbc] {
            let (outbound, inbound) = try ESPRoundTripTests.pair(suite, spi: Self.spi)
            let packet = try seal(ipv4Packet(payloadLength: 36), with: outbound)
            var tampered = packet
            tampered[min(offset, packet.count - 1)] ^= 0x80
            let result = open(tampered, with: inbound)
            if offset < 4 {
                // A different SPI still reaches this SA here (the plane would not route it); the
                // ICV covers the SPI, so it fails all the same.
                #expect(result == .failure(.authenticationFailed(spi: Self.spi, sequenceNumber: 1)))
            } else if offset < 8 {
                #expect(result == .failure(.authenticationFailed(spi: Self.spi, sequenceNumber: 0x8000_0001)))
            } else {
                #expect(result == .failure(.authenticationFailed(spi: Self.spi, sequenceNumber: 1)))
            }
            // The genuine packet is still accepted: a forgery must not burn its sequence number.
            #expect(open(packet, with: inbound).isSuccess)
        }
    }

    @Test func testPadLengthBeyondThePayload_isBadPadding() throws {
        let packet = try Self.craftedPacket(plaintext: [0x45, 0, 0, 20, 200, 4], sequence: 1)
        #expect(open(packet, with: try Self.gcmInbound()) == .failure(.badPadding(spi: Self.spi, sequenceNumber: 1, offset: 20)))
    }

    @Test func testPaddingOtherThanOneTwoThree_isBadPadding() throws {
        let inner = ipv4Packet(payloadLength: 0)  // 28 octets
        let packet = try Self.craftedPacket(plaintext: inner + [1, 7, 2, 4], sequence: 1)
        #expect(open(packet, with: try Self.gcmInbound()) == .failure(.badPadding(spi: Self.spi, sequenceNumber: 1, offset: 16 + 28 + 1)))
    }

    @Test func testNextHeaderOtherThanIP_isUnsupportedInTunnelMode() throws {
        let packet = try seal(ipv4Packet(), with: Self.gcmOutbound(), nextHeader: 17)
        #expect(open(packet, with: try Self.gcmInbound()) == .failure(.unsupportedNextHeader(spi: Self.spi, nextHeader: 17)))
    }

    @Test func testNextHeader59_isADummyPacket() throws {
        let inbound = try Self.gcmInbound()
        let packet = try seal([0xde, 0xad], with: Self.gcmOutbound(), nextHeader: 59)
        #expect(open(packet, with: inbound) == .failure(.dummyPacket(spi: Self.spi)))
        #expect(inbound.counters.drops[.dummyPacket] == 1)
    }

    @Test func testInnerPacket_versionMismatchOrShortHeader_isMalformed() throws {
        let outbound = try Self.gcmOutbound()
        let inbound = try Self.gcmInbound()
        var v6InV4 = ipv4Packet()
        v6InV4[0] = 0x65
        #expect(open(try seal(v6InV4, with: outbound), with: inbound) == .failure(.malformedInnerPacket(spi: Self.spi, offset: 0)))
        #expect(open(try seal([0x45, 0, 0], with: outbound), with: inbound) == .failure(.malformedInnerPacket(spi: Self.spi, offset: 3)))
        var overlong = ipv4Packet()
        overlong[2] = 0x10
        #expect(open(try seal(overlong, with: outbound), with: inbound) == .failure(.malformedInnerPacket(spi: Self.spi, offset: 2)))
    }

    @Test func testTFCPaddingAfterTheInnerPacket_isCutOffByTheIPLength() throws {
        let packet = ipv4Packet()
        let sealed = try seal(packet + [UInt8](repeating: 0, count: 40), with: Self.gcmOutbound())
        #expect(try open(sealed, with: try Self.gcmInbound()).get() == packet)
    }

    @Test func testInnerAddressesOutsideTheSelectors_areRefused() throws {
        let clients = TrafficSelector(startAddress: IPAddress("10.8.0.0")!, endAddress: IPAddress("10.8.0.255")!)
        let webOnly = TrafficSelector(ipProtocol: 6, startPort: 443, endPort: 443,
                                      startAddress: IPAddress("192.0.2.0")!, endAddress: IPAddress("192.0.2.255")!)
        let outbound = try Self.gcmOutbound()
        let inbound = try Self.gcmInbound(remote: [clients], local: [webOnly])
        let allowed = ipv4Packet(source: 0x0a08_0005, destination: 0xc000_0201, protocol: 6, ports: (50000, 443))
        #expect(try open(try seal(allowed, with: outbound), with: inbound).get() == allowed)
        let spoofed = ipv4Packet(source: 0x0a09_0005, destination: 0xc000_0201, protocol: 6, ports: (50000, 443))
        #expect(open(try seal(spoofed, with: outbound), with: inbound) == .failure(.selectorMismatch(spi: Self.spi)))
        let wrongPort = ipv4Packet(source: 0x0a08_0005, destination: 0xc000_0201, protocol: 6, ports: (50000, 80))
        #expect(open(try seal(wrongPort, with: outbound), with: inbound) == .failure(.selectorMismatch(spi: Self.spi)))
        let wrongProtocol = ipv4Packet(source: 0x0a08_0005, destination: 0xc000_0201, protocol: 17, ports: (50000, 443))
        #expect(open(try seal(wrongProtocol, with: outbound), with: inbound) == .failure(.selectorMismatch(spi: Self.spi)))
        let v6 = ESPRoundTripTests.ipv6Packet(payloadLength: 10)
        #expect(open(try seal(v6, with: outbound, nextHeader: 41), with: inbound) == .failure(.selectorMismatch(spi: Self.spi)))
        #expect(inbound.counters.drops[.selectorMismatch] == 4)
    }

    @Test func testBufferTooSmall_isReportedNotOverrun() throws {
        let outbound = try Self.gcmOutbound()
        let packet = ipv4Packet(payloadLength: 100)
        let result = sealResult(packet, with: outbound, bufferSize: packet.count + 20)
        #expect(result == .failure(.bufferTooSmall(needed: 16 + 128 + 2 + 2 + 16, available: packet.count + 20)))
        #expect(outbound.counters.drops[.bufferTooSmall] == 1)
        #expect(outbound.counters.packets == 0)
    }

    @Test func testEveryDropReason_hasADistinctCounterSlot() {
        var counts = ESPDropCounts()
        for reason in ESPDropReason.allCases { counts.record(reason); counts.record(reason) }
        #expect(counts.total == UInt64(2 * ESPDropReason.allCases.count))
        #expect(ESPDropReason.allCases.allSatisfy { counts[$0] == 2 })
    }
}

extension Result {
    var isSuccess: Bool { if case .success = self { true } else { false } }
}
