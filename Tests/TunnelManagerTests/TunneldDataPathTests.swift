import Foundation
import Testing
import ESPDataPlane
import HubIPC
import HubNetworking
import HubTestSupport
import HubVocabulary

/// The daemon's NAT-T port end to end: ESP to and from a peer data plane in a second
/// namespace (ping through the tunnel), and IKE relayed between the port and the frontend's
/// handoff socket.
@Suite(.enabled(if: canManageNetworkNamespaces, "needs root, /dev/net/tun and iproute2"), .serialized)
final class TunneldDataPathTests {
    static let clientInner = "198.18.50.7"
    static let suite = try! ESPCipherSuite(encryption: .aesGCM(.bits128, icv: .octets16))
    let harness: TunneldHarness

    init() throws {
        harness = try TunneldHarness()
    }

    /// A peer (the client) in the peer namespace: its own data plane on 198.18.1.2:4500 and a
    /// TUN with the client's inner address, routed to the headend's loopback.
    func makePeer() throws -> (plane: ESPDataPlane, interface: TUNInterface) {
        let outer = SocketAddress(address: IPAddress(TunneldHarness.peerOuter)!, port: 4500)
        let name = "tp\(UInt16.random(in: 0...9999))"
        let (socket, raw, interface) = try harness.peer.perform {
            (try UDPSocket(binding: outer), try RawESPSocket(binding: outer.address), try TUNInterface(name: name))
        }
        try ip("-n", harness.peer.name, "addr", "add", "\(Self.clientInner)/32", "dev", interface.name)
        try ip("-n", harness.peer.name, "link", "set", interface.name, "mtu", "1380", "up")
        try ip("-n", harness.peer.name, "route", "add", "\(TunneldHarness.loopback)/32", "dev", interface.name, "src", Self.clientInner)
        let plane = try ESPDataPlane(socket: socket, rawESP: raw, nonESPHandler: { _ in }, eventHandler: { _ in })
        return (plane, interface)
    }

    func request(_ body: IPCv1Envelope.OneOf_Body, session: SessionID? = nil) async throws -> IPCv1Envelope.OneOf_Body? {
        try await harness.client.request(body, session: session).body
    }

    /// A tunnel between the daemon and a peer plane: one virtual-access, one SA pair.
    struct Tunnel {
        let virtualAccess: UInt32
        let plane: ESPDataPlane
        let interface: TUNInterface
        let session = SessionID(high: 1, low: 1)
    }

    static let inboundSPI: UInt32 = 0xc100_0011
    static let outboundSPI: UInt32 = 0xd200_0012

    /// Random keys of one direction: AES-GCM-16 with a 128-bit key is 16 key octets and a
    /// 4-octet salt (RFC 4106 §8.1).
    static func keys() -> [UInt8] { (0..<20).map { _ in UInt8.random(in: 0...255) } }

    /// `plainESP`: the ChildSAs name no UDP ports, so ESP goes straight over IP (protocol 50).
    func establish(softLifetimeSeconds: UInt32 = 0, plainESP: Bool = false) async throws -> Tunnel {
        guard case .createVirtualAccessReply(let created)? = try await request(.createVirtualAccessRequest(.with {
            $0.virtualTemplate = 1
            $0.clientAddresses = [Wire.address(Self.clientInner)]
        }), session: Wire.session(1)) else { throw HarnessError("CreateVirtualAccess", "no reply body") }
        let toHeadend = Self.keys(), toPeer = Self.keys()
        var inbound = Wire.childSA(spi: Self.inboundSPI, direction: .inbound, keyMaterial: toHeadend)
        inbound.softLifetimeSeconds = softLifetimeSeconds
        var outbound = Wire.childSA(spi: Self.outboundSPI, direction: .outbound, keyMaterial: toPeer)
        if plainESP {
            inbound.encapsulationLocalPort = 0
            inbound.encapsulationRemotePort = 0
            outbound.encapsulationLocalPort = 0
            outbound.encapsulationRemotePort = 0
        }
        guard case .installChildSaReply(let installed)? = try await request(.installChildSaRequest(.with {
            $0.virtualAccess = created.virtualAccess
            $0.sas = [inbound, outbound]
        })) else { throw HarnessError("InstallChildSA", "no reply body") }
        guard installed.result == .installed else { throw HarnessError("InstallChildSA", "\(installed)") }

        let peer = try makePeer()
        let tunnel = Tunnel(virtualAccess: created.virtualAccess, plane: peer.plane, interface: peer.interface)
        let headendOuter = SocketAddress(address: IPAddress(TunneldHarness.headendOuter)!, port: plainESP ? 0 : 4500)
        try peer.plane.addSession(tunnel.session, interface: peer.interface, peer: headendOuter)
        try installPeerSAs(tunnel, toHeadendSPI: Self.inboundSPI, toHeadend: toHeadend, toPeerSPI: Self.outboundSPI, toPeer: toPeer)
        try peer.plane.start()
        return tunnel
    }

    /// The mirror image of the daemon's SAs on the peer plane.
    func installPeerSAs(_ tunnel: Tunnel, toHeadendSPI: UInt32, toHeadend: [UInt8], toPeerSPI: UInt32, toPeer: [UInt8]) throws {
        let now = SystemWallClock().now()
        try tunnel.plane.installInbound(ESPInboundSA(spi: toPeerSPI, suite: Self.suite,
                                                     keys: ESPKeyMaterial(encryptionKey: SecretBytes(toPeer)), installedAt: now), for: tunnel.session)
        try tunnel.plane.installOutbound(ESPOutboundSA(spi: toHeadendSPI, suite: Self.suite,
                                                       keys: ESPKeyMaterial(encryptionKey: SecretBytes(toHeadend)), installedAt: now), for: tunnel.session)
    }

    func ping(count: Int) throws -> (status: Int32, output: String) {
        try harness.peer.run(["ping", "-c", "\(count)", "-i", "0.2", "-W", "2", "-I", Self.clientInner, TunneldHarness.loopback])
    }

    func counters(_ virtualAccess: UInt32) async throws -> IPCv1CountersReply {
        guard case .countersReply(let counters)? = try await request(.countersRequest(.with { $0.virtualAccess = virtualAccess })) else {
            throw HarnessError("Counters", "no reply body")
        }
        return counters
    }

    @Test(arguments: [false, true])
    func testPing_crossesTheTunnelToTheVirtualAccessAndBack(plainESP: Bool) async throws {
        let tunnel = try await establish(plainESP: plainESP)
        defer { tunnel.plane.stop() }
        let ping = try ping(count: 3)
        #expect(ping.status == 0, "ping: \(ping.output)\n\(harness.daemon.log())")
        #expect(ping.output.contains("3 received"), "ping: \(ping.output)")

        let counters = try await counters(tunnel.virtualAccess)
        #expect(counters.inputPackets >= 3, "\(counters)")
        #expect(counters.outputPackets >= 3, "\(counters)")
        #expect(counters.inputOctets >= 3 * 84, "\(counters)")
        #expect(counters.integrityFailures == 0)

        guard case .deleteChildSaReply(let deleted)? = try await request(.deleteChildSaRequest(.with {
            $0.virtualAccess = tunnel.virtualAccess
            $0.spis = [Self.inboundSPI, Self.outboundSPI]
        })) else { Issue.record("no DeleteChildSAReply"); return }
        #expect(deleted.deleted == 2)
        let silent = try harness.peer.run(["ping", "-c", "1", "-W", "1", "-I", Self.clientInner, TunneldHarness.loopback])
        #expect(silent.status != 0, "ping still answered after the SAs were deleted")
    }

    @Test func testRekey_newSAsCarryTrafficAndCountersKeepTheOldSAsTraffic() async throws {
        let tunnel = try await establish()
        defer { tunnel.plane.stop() }
        #expect(try ping(count: 2).status == 0)
        let before = try await counters(tunnel.virtualAccess)

        let newInbound: UInt32 = 0xc100_0021, newOutbound: UInt32 = 0xd200_0022
        let toHeadend = Self.keys(), toPeer = Self.keys()
        guard case .rekeyChildSaReply(let rekeyed)? = try await request(.rekeyChildSaRequest(.with {
            $0.virtualAccess = tunnel.virtualAccess
            $0.newSas = [Wire.childSA(spi: newInbound, direction: .inbound, keyMaterial: toHeadend),
                         Wire.childSA(spi: newOutbound, direction: .outbound, keyMaterial: toPeer)]
            $0.oldSpis = [Self.inboundSPI, Self.outboundSPI]
        })) else { Issue.record("no RekeyChildSAReply"); return }
        #expect(rekeyed.rekeyed, "\(rekeyed.reason)")
        try installPeerSAs(tunnel, toHeadendSPI: newInbound, toHeadend: toHeadend, toPeerSPI: newOutbound, toPeer: toPeer)
        tunnel.plane.removeInbound(spi: Self.outboundSPI)

        let ping = try ping(count: 2)
        #expect(ping.status == 0, "ping after the rekey: \(ping.output)")
        let after = try await counters(tunnel.virtualAccess)
        #expect(after.inputPackets >= before.inputPackets + 2, "before \(before), after \(after)")
        #expect(after.outputPackets >= before.outputPackets + 2, "before \(before), after \(after)")
        let statistics = try #require(tunnel.plane.statistics(for: tunnel.session))
        #expect(statistics.inbound.map(\.identifier.spi) == [newOutbound])
        #expect((statistics.inbound.first?.counters.packets ?? 0) >= 2, "the daemon still sends on the old SA")

        // The old SPIs are gone: deleting them again finds nothing.
        guard case .deleteChildSaReply(let deleted)? = try await request(.deleteChildSaRequest(.with {
            $0.virtualAccess = tunnel.virtualAccess
            $0.spis = [Self.inboundSPI, Self.outboundSPI]
        })) else { Issue.record("no DeleteChildSAReply"); return }
        #expect(deleted.deleted == 0)
    }

    @Test func testSoftLifetime_isLoggedAsRekeyNeeded() async throws {
        let tunnel = try await establish(softLifetimeSeconds: 1)
        defer { tunnel.plane.stop() }
        let logged = TunneldHarness.eventually(timeout: 5) { harness.daemon.log().contains("rekey needed") }
        #expect(logged, "\(harness.daemon.log())")
    }

    @Test func testIKEOnTheNATTPort_reachesTheFrontendAndTheFrontendsAnswerReachesThePeer() throws {
        let frontend = try IKEHandoffSocket(bindingPath: harness.runtimeDirectory + "/" + IKEHandoffSocket.frontendSocketName,
                                            peerPath: harness.runtimeDirectory + "/" + IKEHandoffSocket.tunnelManagerSocketName)
        let peerAddress = SocketAddress(address: IPAddress(TunneldHarness.peerOuter)!, port: 4500)
        let headendAddress = SocketAddress(address: IPAddress(TunneldHarness.headendOuter)!, port: 4500)
        let peerSocket = try harness.peer.perform { try UDPSocket(binding: peerAddress) }

        // An IKE header (RFC 7296 §3.1): SPIs, next payload none, version 2.0, INFORMATIONAL (37),
        // flags Initiator, message ID 0, length 28.
        let spi = (0..<8).map { _ in UInt8.random(in: 0...255) }
        let request = spi + spi.reversed() + [0, 0x20, 37, 0x08, 0, 0, 0, 0, 0, 0, 0, 28]
        try peerSocket.send([0, 0, 0, 0] + request, to: headendAddress)
        let handed = try #require(try frontend.receive(timeoutMilliseconds: 3000), "nothing on the frontend socket")
        #expect(handed.ikeMessage == request)
        #expect(handed.remote == peerAddress)
        #expect(handed.local == headendAddress)

        let answer = spi + spi.reversed() + [0, 0x20, 37, 0x20, 0, 0, 0, 0, 0, 0, 0, 28]
        try frontend.send(.init(remote: handed.remote, local: handed.local, ikeMessage: answer))
        let received = try #require(try peerSocket.receive(timeoutMilliseconds: 3000), "nothing came back to the peer")
        #expect(received.bytes == [0, 0, 0, 0] + answer, "the answer must carry the non-ESP marker (RFC 3948 §2.2)")
        #expect(received.from == headendAddress)
    }

    @Test func testSIGTERM_removesTheVirtualAccessInterfaces() async throws {
        _ = try await request(.createVirtualAccessRequest(.with {
            $0.virtualTemplate = 1
            $0.clientAddresses = [Wire.address(Self.clientInner)]
        }), session: Wire.session(1))
        let shown = try harness.headendIP("link", "show", "va1")
        #expect(shown.status == 0)
        // In the virtual-access group, which the shutdown deletes with one request.
        #expect(shown.output.contains("group 4500"), "\(shown.output)")
        harness.daemon.stop(grace: 5)
        #expect(try harness.headendIP("link", "show", "va1").status != 0)
        #expect(harness.daemon.log().contains("1 virtual-access interface(s) deleted at shutdown"), "\(harness.daemon.log())")
        #expect(!harness.daemon.log().contains("not deleted at once"), "\(harness.daemon.log())")
    }
}
