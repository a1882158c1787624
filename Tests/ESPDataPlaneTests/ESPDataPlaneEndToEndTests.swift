import Testing
import Foundation
import HubNetworking
import HubTestSupport
import HubVocabulary
@testable import ESPDataPlane

/// Two real data planes, each in a network namespace the test creates, joined by a veth pair
/// (198.18.1.0/24, the outer network). Each plane's UDP socket and TUN interface are created
/// inside its namespace (`NetworkNamespace.perform` switches the creating thread), so the ESP
/// datagrams cross the veth like they would cross a wire. `ping` in one namespace reaches
/// the other's inner address (198.18.10.1 → 198.18.20.1) only through ESP-in-UDP.
@Suite(.enabled(if: canManageNetworkNamespaces, "needs root, /dev/net/tun and iproute2"), .serialized)
final class ESPDataPlaneEndToEndTests {
    struct Side {
        let namespace: NetworkNamespace
        let plane: ESPDataPlane
        let interface: TUNInterface
        let outer: SocketAddress
    }

    let session = SessionID(high: 0x1111, low: 0x2222)
    let ikeMessages = Recorder<NonESPDatagram>()
    let events = Recorder<ESPDataPlaneEvent>()
    let left: Side
    let right: Side

    init() throws {
        let leftNamespace = try NetworkNamespace(prefix: "ikehub-espl")
        let rightNamespace = try NetworkNamespace(prefix: "ikehub-espr")
        let suffix = UInt16.random(in: 0...9999)
        try ip("-n", leftNamespace.name, "link", "add", "vel\(suffix)", "type", "veth", "peer", "name", "ver\(suffix)", "netns", rightNamespace.name)
        try ip("-n", leftNamespace.name, "addr", "add", "198.18.1.1/24", "dev", "vel\(suffix)")
        try ip("-n", rightNamespace.name, "addr", "add", "198.18.1.2/24", "dev", "ver\(suffix)")
        try ip("-n", leftNamespace.name, "link", "set", "vel\(suffix)", "up")
        try ip("-n", rightNamespace.name, "link", "set", "ver\(suffix)", "up")
        let ikeMessages = self.ikeMessages
        let events = self.events
        func makeSide(_ namespace: NetworkNamespace, outer: String, inner: String, remoteInner: String) throws -> Side {
            let address = SocketAddress(address: IPAddress(outer)!, port: UDPEncapsulation.port)
            let (socket, raw, interface) = try namespace.perform {
                (try UDPSocket(binding: address), try RawESPSocket(binding: address.address), try TUNInterface(name: "esp\(suffix)"))
            }
            try ip("-n", namespace.name, "addr", "add", "\(inner)/32", "dev", interface.name)
            try ip("-n", namespace.name, "link", "set", interface.name, "mtu", "1400", "up")
            try ip("-n", namespace.name, "route", "add", "\(remoteInner)/24", "dev", interface.name, "src", inner)
            let plane = try ESPDataPlane(socket: socket, rawESP: raw, nonESPHandler: { datagram in ikeMessages.append(datagram) },
                                         eventHandler: { event in events.append(event) })
            return Side(namespace: namespace, plane: plane, interface: interface, outer: address)
        }
        left = try makeSide(leftNamespace, outer: "198.18.1.1", inner: "198.18.10.1", remoteInner: "198.18.20.0")
        right = try makeSide(rightNamespace, outer: "198.18.1.2", inner: "198.18.20.1", remoteInner: "198.18.10.0")
    }

    deinit {
        left.plane.stop()
        right.plane.stop()
    }

    static func range(_ start: String, _ end: String) -> TrafficSelector {
        TrafficSelector(startAddress: IPAddress(start)!, endAddress: IPAddress(end)!)
    }

    /// Installs a pair of SAs (one per direction) between the two planes with `suite`.
    func installSAs(_ suite: ESPCipherSuite, leftToRightSPI: UInt32, rightToLeftSPI: UInt32, esn: Bool = false,
                    plainESP: Bool = false) throws {
        func keys() -> ESPKeyMaterial {
            let material = (0..<suite.keyMaterialLength).map { _ in UInt8.random(in: 0...255) }
            return try! ESPKeyMaterial(directionKeyMaterial: SecretBytes(material), for: suite)
        }
        let leftToRight = keys()
        let rightToLeft = keys()
        let leftNet = Self.range("198.18.10.0", "198.18.10.255")
        let rightNet = Self.range("198.18.20.0", "198.18.20.255")
        // Port 0 = plain ESP (IP protocol 50) on the raw sockets instead of ESP-in-UDP.
        let rightPeer = plainESP ? SocketAddress(address: right.outer.address, port: 0) : right.outer
        let leftPeer = plainESP ? SocketAddress(address: left.outer.address, port: 0) : left.outer
        try left.plane.addSession(session, interface: left.interface, peer: rightPeer)
        try right.plane.addSession(session, interface: right.interface, peer: leftPeer)
        try left.plane.installOutbound(ESPOutboundSA(spi: leftToRightSPI, suite: suite, keys: leftToRight, extendedSequenceNumbers: esn,
                                                     installedAt: testInstant), for: session)
        try right.plane.installInbound(ESPInboundSA(spi: leftToRightSPI, suite: suite, keys: leftToRight, extendedSequenceNumbers: esn,
                                                    installedAt: testInstant, remoteSelectors: [leftNet], localSelectors: [rightNet]), for: session)
        try right.plane.installOutbound(ESPOutboundSA(spi: rightToLeftSPI, suite: suite, keys: rightToLeft, extendedSequenceNumbers: esn,
                                                      installedAt: testInstant), for: session)
        try left.plane.installInbound(ESPInboundSA(spi: rightToLeftSPI, suite: suite, keys: rightToLeft, extendedSequenceNumbers: esn,
                                                   installedAt: testInstant, remoteSelectors: [rightNet], localSelectors: [leftNet]), for: session)
    }

    static let suites: [ESPCipherSuite] = [
        try! ESPCipherSuite(encryption: .aesGCM(.bits256, icv: .octets16)),
        try! ESPCipherSuite(encryption: .aesCBC(.bits128), integrity: .hmacSHA2_256_128),
        try! ESPCipherSuite(encryption: .chaCha20Poly1305),
    ]

    @Test(arguments: suites)
    func testPing_crossesTheTunnelBothWays(_ suite: ESPCipherSuite) throws {
        try installSAs(suite, leftToRightSPI: 0xa100_0001, rightToLeftSPI: 0xb200_0002)
        try left.plane.start()
        try right.plane.start()
        let result = try left.namespace.run(["ping", "-c", "5", "-i", "0.2", "-W", "2", "-s", "1300", "198.18.20.1"])
        #expect(result.status == 0, "ping output: \(result.output)")
        #expect(result.output.contains("5 received"), "ping output: \(result.output)")

        let leftStats = try #require(left.plane.statistics(for: session))
        let rightStats = try #require(right.plane.statistics(for: session))
        #expect(leftStats.outbound?.counters.packets ?? 0 >= 5)
        #expect(rightStats.inbound.first?.counters.packets ?? 0 >= 5)
        #expect(rightStats.outbound?.counters.packets ?? 0 >= 5)
        #expect(leftStats.inbound.first?.counters.packets ?? 0 >= 5)
        // The only drops allowed are the kernels' own IPv6 link-local chatter on the TUNs
        // (router and MLD solicitations from fe80::), which the IPv4-only selectors refuse.
        for stats in [leftStats, rightStats] {
            let drops = try #require(stats.inbound.first?.counters.drops)
            #expect(drops.total == drops[.selectorMismatch], "drops: \(ESPDropReason.allCases.map { "\($0)=\(drops[$0])" })")
        }
        // Plane-wide counters are merged once per batch, so they may trail the SA counters briefly.
        let deadline = Date().addingTimeInterval(2)
        while Date() < deadline, right.plane.counters.packetsDecapsulated < 5 { usleep(5_000) }
        #expect(right.plane.counters.packetsDecapsulated >= 5)
        #expect(right.plane.counters.unknownSPI == 0)
    }

    /// RFC 4303 ESP straight over IP (protocol 50), for peers without a NAT: this host's
    /// kernel has no ESP of its own, and hands the packets to the raw sockets.
    @Test func testPlainESP_pingCrossesTheRawSocketsAndNotTheUDPPort() throws {
        try installSAs(Self.suites[0], leftToRightSPI: 0xa100_0071, rightToLeftSPI: 0xb200_0072, plainESP: true)
        try left.plane.start()
        try right.plane.start()
        let result = try left.namespace.run(["ping", "-c", "5", "-i", "0.2", "-W", "2", "198.18.20.1"])
        #expect(result.status == 0, "ping output: \(result.output)")
        #expect(result.output.contains("5 received"), "ping output: \(result.output)")
        let deadline = Date().addingTimeInterval(2)
        while Date() < deadline, right.plane.counters.packetsDecapsulated < 5 { usleep(5_000) }
        #expect(right.plane.counters.rawESPReceived >= 5)
        #expect(left.plane.counters.rawESPSent >= 5)
        #expect(right.plane.counters.datagramsReceived == 0)
        #expect(right.plane.statistics(for: session)?.inbound.first?.counters.packets ?? 0 >= 5)
    }

    @Test func testPlainESPPeer_isRefusedWithoutARawSocket() throws {
        let plane = try ESPDataPlane(socket: try UDPSocket(binding: SocketAddress(address: IPAddress("127.0.0.1")!, port: 0)),
                                     nonESPHandler: { _ in }, eventHandler: { _ in })
        let peer = SocketAddress(address: IPAddress("127.0.0.2")!, port: 0)
        #expect(throws: ESPDataPlaneError.rawESPUnavailable(peer)) {
            try plane.addSession(self.session, interface: self.left.interface, peer: peer)
        }
    }

    @Test func testExtendedSequenceNumbers_pingAcrossThePlanes() throws {
        try installSAs(Self.suites[1], leftToRightSPI: 0xa100_0061, rightToLeftSPI: 0xb200_0062, esn: true)
        try left.plane.start()
        try right.plane.start()
        let result = try left.namespace.run(["ping", "-c", "3", "-i", "0.2", "-W", "2", "198.18.20.1"])
        #expect(result.status == 0, "ping output: \(result.output)")
        #expect(right.plane.statistics(for: session)?.inbound.first?.counters.packets ?? 0 >= 3)
    }

    @Test func testIPv6InsideTheTunnel_pingsThroughWithIPv6Selectors() throws {
        let suite = try ESPCipherSuite(encryption: .aesGCM(.bits128, icv: .octets16))
        for (namespace, interface, inner, remote) in [(left.namespace, left.interface, "fd00:10::1", "fd00:20::/64"),
                                                      (right.namespace, right.interface, "fd00:20::1", "fd00:10::/64")] {
            try ip("-n", namespace.name, "-6", "addr", "add", "\(inner)/128", "dev", interface.name, "nodad")
            try ip("-n", namespace.name, "-6", "route", "add", remote, "dev", interface.name, "src", inner)
        }
        let material = { (0..<suite.keyMaterialLength).map { _ in UInt8.random(in: 0...255) } }
        let leftToRight = try ESPKeyMaterial(directionKeyMaterial: SecretBytes(material()), for: suite)
        let rightToLeft = try ESPKeyMaterial(directionKeyMaterial: SecretBytes(material()), for: suite)
        let leftNet = Self.range("fd00:10::", "fd00:10::ffff:ffff:ffff:ffff")
        let rightNet = Self.range("fd00:20::", "fd00:20::ffff:ffff:ffff:ffff")
        try left.plane.addSession(session, interface: left.interface, peer: right.outer)
        try right.plane.addSession(session, interface: right.interface, peer: left.outer)
        try left.plane.installOutbound(ESPOutboundSA(spi: 0x6600_0001, suite: suite, keys: leftToRight, installedAt: testInstant), for: session)
        try right.plane.installInbound(ESPInboundSA(spi: 0x6600_0001, suite: suite, keys: leftToRight, installedAt: testInstant,
                                                    remoteSelectors: [leftNet], localSelectors: [rightNet]), for: session)
        try right.plane.installOutbound(ESPOutboundSA(spi: 0x6600_0002, suite: suite, keys: rightToLeft, installedAt: testInstant), for: session)
        try left.plane.installInbound(ESPInboundSA(spi: 0x6600_0002, suite: suite, keys: rightToLeft, installedAt: testInstant,
                                                   remoteSelectors: [rightNet], localSelectors: [leftNet]), for: session)
        try left.plane.start()
        try right.plane.start()
        let result = try left.namespace.run(["ping", "-6", "-c", "3", "-i", "0.2", "-W", "2", "fd00:20::1"])
        #expect(result.status == 0, "ping output: \(result.output)")
        #expect(result.output.contains("3 received"), "ping output: \(result.output)")
        let rightInbound = try #require(right.plane.statistics(for: session)?.inbound.first)
        #expect(rightInbound.counters.packets >= 3)
    }

    @Test func testRekey_newOutboundSATakesOverWhileTheOldInboundStillDecrypts() throws {
        let suite = try ESPCipherSuite(encryption: .aesGCM(.bits256, icv: .octets16))
        try installSAs(suite, leftToRightSPI: 0xa100_0041, rightToLeftSPI: 0xb200_0042)
        try left.plane.start()
        try right.plane.start()
        #expect(try left.namespace.run(["ping", "-c", "2", "-i", "0.2", "-W", "2", "198.18.20.1"]).status == 0)
        // RFC 7296 §2.8: the new inbound SA is installed first, then the sender switches; the
        // old inbound SA stays until it is deleted.
        let keys = try ESPKeyMaterial(directionKeyMaterial: SecretBytes([UInt8](repeating: 9, count: suite.keyMaterialLength)), for: suite)
        try right.plane.installInbound(ESPInboundSA(spi: 0xa100_0043, suite: suite, keys: keys, installedAt: testInstant), for: session)
        let old = try left.plane.installOutbound(ESPOutboundSA(spi: 0xa100_0043, suite: suite, keys: keys, installedAt: testInstant), for: session)
        #expect(old?.identifier.spi == 0xa100_0041)
        #expect(try left.namespace.run(["ping", "-c", "2", "-i", "0.2", "-W", "2", "198.18.20.1"]).status == 0)
        let inbound = try #require(right.plane.statistics(for: session)?.inbound)
        #expect(inbound.map(\.identifier.spi) == [0xa100_0041, 0xa100_0043])
        #expect(inbound[1].counters.packets >= 2)
        #expect(right.plane.removeInbound(spi: 0xa100_0041) != nil)
        #expect(right.plane.statistics(for: session)?.inbound.count == 1)
    }

    @Test func testStopThenStart_resumesTraffic() throws {
        try installSAs(Self.suites[2], leftToRightSPI: 0xa100_0071, rightToLeftSPI: 0xb200_0072)
        try left.plane.start()
        try right.plane.start()
        #expect(try left.namespace.run(["ping", "-c", "1", "-W", "2", "198.18.20.1"]).status == 0)
        right.plane.stop()
        #expect(try left.namespace.run(["ping", "-c", "1", "-W", "1", "198.18.20.1"]).status != 0)
        try right.plane.start()
        #expect(try left.namespace.run(["ping", "-c", "2", "-i", "0.2", "-W", "2", "198.18.20.1"]).status == 0)
    }

    @Test(arguments: [false, true])
    func testRemovedSession_releasesItsInterface_whileThePlaneRuns(addedBeforeStart: Bool) throws {
        if !addedBeforeStart { try left.plane.start() }
        weak var released: TUNInterface?
        do {
            let extra = try left.namespace.perform { try TUNInterface(name: "espx\(UInt16.random(in: 0...9999))") }
            released = extra
            let id = SessionID(high: 0x7777, low: 0x7777)
            try left.plane.addSession(id, interface: extra, peer: right.outer)
            if addedBeforeStart { try left.plane.start() }   // then it comes from the start's snapshot
            usleep(200_000)   // the outbound thread has put it in its epoll set
            left.plane.removeSession(id)
        }
        // The thread drops its reference once it takes the removal (dropping the last one
        // deletes the interface): within a wake-up, not at the next restart.
        let deadline = Date().addingTimeInterval(2)
        while released != nil, Date() < deadline { usleep(10_000) }
        #expect(released == nil)
    }

    @Test func testPacketLargerThanASlot_isCountedNotSentTruncated() throws {
        try installSAs(Self.suites[0], leftToRightSPI: 0xa100_0051, rightToLeftSPI: 0xb200_0052)
        try ip("-n", left.namespace.name, "link", "set", left.interface.name, "mtu", "4000")
        try left.plane.start()
        try right.plane.start()
        let result = try left.namespace.run(["ping", "-c", "1", "-W", "1", "-s", "3000", "-M", "do", "198.18.20.1"])
        #expect(result.status != 0)
        #expect(left.plane.counters.oversizedTUNPackets >= 1)
        // Nothing cut short reached the other side.
        let drops = try #require(right.plane.statistics(for: session)?.inbound.first?.counters.drops)
        #expect(drops[.malformedInnerPacket] == 0)
    }

    @Test func testIKEAndKeepalives_onThePortAreSeparatedFromESP() throws {
        try installSAs(Self.suites[0], leftToRightSPI: 0xa100_0011, rightToLeftSPI: 0xb200_0012)
        try right.plane.start()
        let ikeHeader = (0..<28).map { UInt8($0) }
        // From the left namespace: an IKE message behind the marker, a keepalive, an ESP packet
        // for an SPI nobody has, and a 3-octet runt.
        let sender = try left.namespace.perform { try UDPSocket(binding: SocketAddress(address: IPAddress("198.18.1.1")!, port: 0)) }
        try sender.send(UDPEncapsulation.prependingNonESPMarker(to: ikeHeader), to: right.outer)
        try sender.send([0xff], to: right.outer)
        try sender.send([0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 1] + [UInt8](repeating: 0, count: 40), to: right.outer)
        try sender.send([1, 2, 3], to: right.outer)
        let deadline = Date().addingTimeInterval(3)
        while Date() < deadline, right.plane.counters.datagramsReceived < 4 { usleep(10_000) }
        let counters = right.plane.counters
        #expect(counters.ikeMessages == 1)
        #expect(counters.natKeepalives == 1)
        #expect(counters.unknownSPI == 1)
        #expect(counters.malformedDatagrams == 1)
        let received = ikeMessages.all
        #expect(received == [NonESPDatagram(message: ikeHeader, source: sender.localAddress)])

        // And the plane answers IKE from the same socket, behind the marker.
        try right.plane.sendIKE(ikeHeader, to: sender.localAddress)
        let answer = try #require(try sender.receive(timeoutMilliseconds: 2000))
        #expect(answer.bytes == UDPEncapsulation.prependingNonESPMarker(to: ikeHeader))
        #expect(answer.from == right.outer)
        try right.plane.sendNATKeepalive(to: sender.localAddress)
        #expect(try sender.receive(timeoutMilliseconds: 2000)?.bytes == [0xff])
    }

    @Test func testESPFromANewSourcePort_isReportedAsAMappingChangeOnce() throws {
        let suite = Self.suites[0]
        try installSAs(suite, leftToRightSPI: 0xa100_0021, rightToLeftSPI: 0xb200_0022)
        // Right believes the left peer is at port 4500; ESP arrives from another port (a NAT rebinding).
        let keys = try ESPKeyMaterial(directionKeyMaterial: SecretBytes([UInt8](repeating: 7, count: suite.keyMaterialLength)), for: suite)
        try right.plane.installInbound(ESPInboundSA(spi: 0xa100_0099, suite: suite, keys: keys, installedAt: testInstant), for: session)
        let sealer = try ESPOutboundSA(spi: 0xa100_0099, suite: suite, keys: keys, installedAt: testInstant)
        try right.plane.start()
        let sender = try left.namespace.perform { try UDPSocket(binding: SocketAddress(address: IPAddress("198.18.1.1")!, port: 0)) }
        for _ in 0..<3 {
            let packet = try seal(ipv4Packet(source: 0xc612_0a01, destination: 0xc612_1401), with: sealer)
            try sender.send(packet, to: right.outer)
        }
        let deadline = Date().addingTimeInterval(3)
        while Date() < deadline, right.plane.counters.packetsDecapsulated < 3 { usleep(10_000) }
        #expect(right.plane.counters.packetsDecapsulated == 3)
        let changes = events.all.filter { if case .peerAddressChanged = $0 { true } else { false } }
        #expect(changes == [.peerAddressChanged(session, current: left.outer, observed: sender.localAddress)])
    }

    @Test func testTimeLifetimes_areReportedByTheOutboundThreadFromTheInjectedClock() throws {
        let clock = ManualClock(testInstant)
        let suite = Self.suites[0]
        let keys = try ESPKeyMaterial(directionKeyMaterial: SecretBytes([UInt8](repeating: 1, count: suite.keyMaterialLength)), for: suite)
        let socket = try left.namespace.perform { try UDPSocket(binding: SocketAddress(address: IPAddress("198.18.1.1")!, port: 0)) }
        let plane = try ESPDataPlane(socket: socket, configuration: ESPDataPlane.Configuration(lifetimeCheckIntervalMilliseconds: 20),
                                     clock: clock, nonESPHandler: { _ in }, eventHandler: { [events] event in events.append(event) })
        defer { plane.stop() }
        let outbound = try ESPOutboundSA(spi: 0xa100_0031, suite: suite, keys: keys,
                                         lifetime: SALifetimeLimits(softSeconds: 3000, hardSeconds: 3600), installedAt: testInstant)
        let inbound = try ESPInboundSA(spi: 0xb200_0031, suite: suite, keys: keys,
                                       lifetime: SALifetimeLimits(softSeconds: 3100, hardSeconds: 3600), installedAt: testInstant)
        try plane.addSession(session, interface: left.interface, peer: right.outer)
        try plane.installOutbound(outbound, for: session)
        try plane.installInbound(inbound, for: session)
        try plane.start()
        func waitForEvents(_ count: Int) {
            let deadline = Date().addingTimeInterval(3)
            while Date() < deadline, events.all.count < count { usleep(5_000) }
        }
        usleep(100_000)
        #expect(events.all.isEmpty)
        clock.set(testInstant.adding(seconds: 3050))
        waitForEvents(1)
        #expect(events.all == [.lifetime(session, .rekeyNeeded(outbound.identifier, .time))])
        clock.set(testInstant.adding(seconds: 3600))
        waitForEvents(3)
        let expected: Set<ESPDataPlaneEvent> = [.lifetime(session, .rekeyNeeded(outbound.identifier, .time)),
                                                .lifetime(session, .expired(outbound.identifier, .time)),
                                                .lifetime(session, .expired(inbound.identifier, .time))]
        #expect(Set(events.all) == expected)
        #expect(events.all.count == 3)
        #expect(outbound.lifetimePhase == .hard(.time))
    }
}
