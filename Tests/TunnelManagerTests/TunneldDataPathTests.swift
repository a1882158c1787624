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
        let (socket, interface) = try harness.peer.perform { (try UDPSocket(binding: outer), try TUNInterface(name: name)) }
        try ip("-n", harness.peer.name, "addr", "add", "\(Self.clientInner)/32", "dev", interface.name)
        try ip("-n", harness.peer.name, "link", "set", interface.name, "mtu", "1380", "up")
        try ip("-n", harness.peer.name, "route", "add", "\(TunneldHarness.loopback)/32", "dev", interface.name, "src", Self.clientInner)
        let plane = try ESPDataPlane(socket: socket, nonESPHandler: { _ in }, eventHandler: { _ in })
        return (plane, interface)
    }

    func request(_ body: IPCv1Envelope.OneOf_Body, session: SessionID? = nil) async throws -> IPCv1Envelope.OneOf_Body? {
        try await harness.client.request(body, session: session).body
    }

    @Test func testPing_crossesTheTunnelToTheVirtualAccessAndBack() async throws {
        guard case .createVirtualAccessReply(let created)? = try await request(.createVirtualAccessRequest(.with {
            $0.virtualTemplate = 1
            $0.clientAddresses = [Wire.address(Self.clientInner)]
        }), session: Wire.session(1)) else { Issue.record("no CreateVirtualAccessReply"); return }

        // AES-GCM-16 with a 128-bit key: 16 key octets and a 4-octet salt per direction.
        let toHeadend = (0..<20).map { _ in UInt8.random(in: 0...255) }
        let toPeer = (0..<20).map { _ in UInt8.random(in: 0...255) }
        let inboundSPI: UInt32 = 0xc100_0011, outboundSPI: UInt32 = 0xd200_0012
        guard case .installChildSaReply(let installed)? = try await request(.installChildSaRequest(.with {
            $0.virtualAccess = created.virtualAccess
            $0.sas = [Wire.childSA(spi: inboundSPI, direction: .inbound, keyMaterial: toHeadend),
                      Wire.childSA(spi: outboundSPI, direction: .outbound, keyMaterial: toPeer)]
        })) else { Issue.record("no InstallChildSAReply"); return }
        #expect(installed.result == .installed, "\(installed.reason)")

        let peer = try makePeer()
        defer { peer.plane.stop() }
        let session = SessionID(high: 1, low: 1)
        let headendOuter = SocketAddress(address: IPAddress(TunneldHarness.headendOuter)!, port: 4500)
        try peer.plane.addSession(session, interface: peer.interface, peer: headendOuter)
        let now = SystemWallClock().now()
        try peer.plane.installOutbound(ESPOutboundSA(spi: inboundSPI, suite: Self.suite,
                                                     keys: ESPKeyMaterial(encryptionKey: SecretBytes(toHeadend)), installedAt: now), for: session)
        try peer.plane.installInbound(ESPInboundSA(spi: outboundSPI, suite: Self.suite,
                                                   keys: ESPKeyMaterial(encryptionKey: SecretBytes(toPeer)), installedAt: now), for: session)
        try peer.plane.start()

        let ping = try harness.peer.run(["ping", "-c", "3", "-i", "0.2", "-W", "2", "-I", Self.clientInner, TunneldHarness.loopback])
        #expect(ping.status == 0, "ping: \(ping.output)\n\(harness.daemon.log())")
        #expect(ping.output.contains("3 received"), "ping: \(ping.output)")

        guard case .countersReply(let counters)? = try await request(.countersRequest(.with { $0.virtualAccess = created.virtualAccess })) else {
            Issue.record("no CountersReply"); return
        }
        #expect(counters.inputPackets >= 3, "\(counters)")
        #expect(counters.outputPackets >= 3, "\(counters)")
        #expect(counters.inputOctets >= 3 * 84, "\(counters)")
        #expect(counters.integrityFailures == 0)

        guard case .deleteChildSaReply(let deleted)? = try await request(.deleteChildSaRequest(.with {
            $0.virtualAccess = created.virtualAccess
            $0.spis = [inboundSPI, outboundSPI]
        })) else { Issue.record("no DeleteChildSAReply"); return }
        #expect(deleted.deleted == 2)
        let silent = try harness.peer.run(["ping", "-c", "1", "-W", "1", "-I", Self.clientInner, TunneldHarness.loopback])
        #expect(silent.status != 0, "ping still answered after the SAs were deleted")
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
        #expect(try harness.headendIP("link", "show", "va1").status == 0)
        harness.daemon.stop(grace: 5)
        #expect(try harness.headendIP("link", "show", "va1").status != 0)
        #expect(harness.daemon.log().contains("Virtual-Access1 down"), "\(harness.daemon.log())")
    }
}
