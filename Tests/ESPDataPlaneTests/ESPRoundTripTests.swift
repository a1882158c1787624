import Testing
import HubVocabulary
@testable import ESPDataPlane

/// Seal then open for every suite, packet size and both IP versions.
struct ESPRoundTripTests {
    static let allSuites: [ESPCipherSuite] = {
        var suites: [ESPCipherSuite] = []
        for size in AESKeySize.allCases {
            for icv in GCMICVLength.allCases { suites.append(try! ESPCipherSuite(encryption: .aesGCM(size, icv: icv))) }
            for integrity in ESPIntegrity.allCases { suites.append(try! ESPCipherSuite(encryption: .aesCBC(size), integrity: integrity)) }
        }
        suites.append(try! ESPCipherSuite(encryption: .chaCha20Poly1305))
        return suites
    }()

    static func pair(_ suite: ESPCipherSuite, spi: UInt32 = 0xc0ff_ee01, esn: Bool = false) throws -> (ESPOutboundSA, ESPInboundSA) {
        let material = SecretBytes((0..<suite.keyMaterialLength).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) })
        let keys = try ESPKeyMaterial(directionKeyMaterial: material, for: suite)
        return (try ESPOutboundSA(spi: spi, suite: suite, keys: keys, extendedSequenceNumbers: esn, installedAt: testInstant),
                try ESPInboundSA(spi: spi, suite: suite, keys: keys, extendedSequenceNumbers: esn, installedAt: testInstant))
    }

    /// An IPv6 UDP packet with `payloadLength` data octets.
    static func ipv6Packet(payloadLength: Int) -> [UInt8] {
        var packet = [UInt8](repeating: 0, count: 40 + 8 + payloadLength)
        packet[0] = 0x60
        let length = 8 + payloadLength
        packet[4] = UInt8(length >> 8)
        packet[5] = UInt8(length & 0xff)
        packet[6] = 17
        packet[7] = 64
        packet[8] = 0x20; packet[9] = 0x01; packet[10] = 0x0d; packet[11] = 0xb8; packet[23] = 1
        packet[24] = 0x20; packet[25] = 0x01; packet[26] = 0x0d; packet[27] = 0xb8; packet[39] = 2
        for index in 48..<packet.count { packet[index] = UInt8(truncatingIfNeeded: index) }
        return packet
    }

    @Test(arguments: allSuites)
    func testSealThenOpen_returnsTheSamePacketForEveryPaddingLength(_ suite: ESPCipherSuite) throws {
        for esn in [false, true] {
            let (outbound, inbound) = try Self.pair(suite, esn: esn)
            // 28…60 octets walk every residue modulo 16; 1400 is the bulk size.
            for length in Array(0...32) + [1372] {
                let packet = ipv4Packet(payloadLength: length)
                let sealed = try seal(packet, with: outbound)
                #expect((sealed.count - suite.headerLength - suite.icvLength) % suite.encryption.alignment == 0)
                #expect(sealed.count <= packet.count + suite.maximumOverhead)
                #expect(try open(sealed, with: inbound).get() == packet)
            }
            let v6 = Self.ipv6Packet(payloadLength: 100)
            #expect(try open(try seal(v6, with: outbound, nextHeader: 41), with: inbound).get() == v6)
            #expect(inbound.counters.packets == 35)
            #expect(inbound.counters.drops.total == 0)
            #expect(outbound.counters.packets == 35)
        }
    }

    @Test(arguments: allSuites)
    func testSealedPackets_neverRepeatAnIV(_ suite: ESPCipherSuite) throws {
        let (outbound, _) = try Self.pair(suite)
        var ivs = Set<[UInt8]>()
        for _ in 0..<200 {
            let sealed = try seal(ipv4Packet(), with: outbound)
            ivs.insert(Array(sealed[8..<suite.headerLength]))
        }
        #expect(ivs.count == 200)
    }

    @Test func testInPlaceSeal_leavesTheHeaderRoomUntouchedByTheCaller() throws {
        let suite = try ESPCipherSuite(encryption: .aesGCM(.bits256, icv: .octets16))
        let (outbound, inbound) = try Self.pair(suite)
        let packet = ipv4Packet(payloadLength: 1372)
        var buffer = [UInt8](repeating: 0xee, count: 2048)
        buffer.replaceSubrange(outbound.payloadOffset..<(outbound.payloadOffset + packet.count), with: packet)
        let sealed = try buffer.withUnsafeMutableBytes { try outbound.seal(payloadLength: packet.count, nextHeader: 4, in: $0) }
        #expect(sealed.length == 16 + 1400 + 2 + 2 + 16)
        #expect(try open(Array(buffer[0..<sealed.length]), with: inbound).get() == packet)
    }

    @Test func testKeyMaterial_wrongLength_isRejectedAtSetup() throws {
        let suite = try ESPCipherSuite(encryption: .aesGCM(.bits128, icv: .octets16))
        #expect(throws: ESPSetupError.self) { try ESPKeyMaterial(directionKeyMaterial: SecretBytes([UInt8](repeating: 1, count: 16)), for: suite) }
        #expect(throws: ESPSetupError.self) {
            try ESPOutboundSA(spi: 1, suite: suite, keys: ESPKeyMaterial(encryptionKey: SecretBytes([UInt8](repeating: 1, count: 16))),
                              installedAt: testInstant)
        }
    }

    @Test func testSuiteRules_AEADWithIntegrityAndCBCWithoutAreRefused() {
        #expect(throws: ESPSetupError.self) { try ESPCipherSuite(encryption: .chaCha20Poly1305, integrity: .hmacSHA2_256_128) }
        #expect(throws: ESPSetupError.self) { try ESPCipherSuite(encryption: .aesCBC(.bits128)) }
    }

    @Test func testSuiteFromTransformIDs_matchesTheIANANumbers() throws {
        #expect(try ESPCipherSuite(encryptionTransformID: 20, keyLengthBits: 256, integrityTransformID: nil)
                == ESPCipherSuite(encryption: .aesGCM(.bits256, icv: .octets16)))
        #expect(try ESPCipherSuite(encryptionTransformID: 12, keyLengthBits: 128, integrityTransformID: 12)
                == ESPCipherSuite(encryption: .aesCBC(.bits128), integrity: .hmacSHA2_256_128))
        #expect(try ESPCipherSuite(encryptionTransformID: 28, keyLengthBits: nil, integrityTransformID: 0)
                == ESPCipherSuite(encryption: .chaCha20Poly1305))
        #expect(throws: ESPSetupError.self) { try ESPCipherSuite(encryptionTransformID: 3, keyLengthBits: nil, integrityTransformID: 2) }
        #expect(throws: ESPSetupError.self) { try ESPCipherSuite(encryptionTransformID: 20, keyLengthBits: 64, integrityTransformID: nil) }
        #expect(throws: ESPSetupError.self) { try ESPCipherSuite(encryptionTransformID: 12, keyLengthBits: 128, integrityTransformID: 5) }
    }

    @Test func testSPIZero_isRefused() throws {
        let suite = try ESPCipherSuite(encryption: .chaCha20Poly1305)
        let keys = ESPKeyMaterial(encryptionKey: SecretBytes([UInt8](repeating: 0, count: 36)))
        #expect(throws: ESPSetupError.self) { try ESPOutboundSA(spi: 0, suite: suite, keys: keys, installedAt: testInstant) }
        #expect(throws: ESPSetupError.self) { try ESPInboundSA(spi: 0, suite: suite, keys: keys, installedAt: testInstant) }
    }
}
