import Testing
import Foundation
import HubNetworking
import HubTestSupport
import HubVocabulary
@testable import ESPDataPlane

/// Whether Debian's python3 has scapy's IPsec layer (package python3-scapy).
let scapyIsAvailable: Bool = {
    guard canManageNetworkNamespaces, FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") else { return false }
    return (try? runCommand("/usr/bin/python3", ["-c", "import scapy.layers.ipsec"]))?.status == 0
}()

/// Interoperability with an independent ESP implementation: scapy's `SecurityAssociation`
/// (its own RFC 4303/4106/3602/7634 code over the `cryptography` library) acts as the peer in
/// a namespace of its own. It encrypts ICMP echo requests in tunnel mode, sends them as
/// ESP-in-UDP to our data plane, whose namespace's kernel answers through the TUN; the peer
/// decrypts and checks each echo reply. So both directions are checked by the other side's
/// code, not ours.
@Suite(.enabled(if: scapyIsAvailable, "needs root, iproute2 and /usr/bin/python3 with scapy (python3-scapy)"), .serialized)
final class ScapyInteropTests {
    static let peerScript = #"""
    import socket, sys
    from scapy.all import IP, UDP, ICMP, Raw
    from scapy.layers.ipsec import SecurityAssociation, ESP
    crypt, auth, spi_out, spi_in, key_out, key_in, auth_out, auth_in, count = sys.argv[1:10]
    auth = None if auth == 'NULL' else auth
    def sa(spi, key, auth_key, src, dst):
        return SecurityAssociation(ESP, spi=int(spi, 16), crypt_algo=crypt, crypt_key=bytes.fromhex(key),
                                   auth_algo=auth, auth_key=bytes.fromhex(auth_key) if auth else None,
                                   tunnel_header=IP(src=src, dst=dst), nat_t_header=UDP(sport=4500, dport=4500))
    out_sa = sa(spi_out, key_out, auth_out, '198.18.1.1', '198.18.1.2')
    in_sa = sa(spi_in, key_in, auth_in, '198.18.1.2', '198.18.1.1')
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(('198.18.1.1', 4500))
    s.settimeout(3)
    for seq in range(1, int(count) + 1):
        payload = (b'ikehub-interop-%d ' % seq) * 20
        inner = IP(src='198.18.10.1', dst='198.18.20.1') / ICMP(type=8, id=0x4242, seq=seq) / Raw(payload)
        s.sendto(bytes(out_sa.encrypt(inner)[ESP]), ('198.18.1.2', 4500))
        for attempt in range(20):
            data, source = s.recvfrom(65535)
            reply = in_sa.decrypt(IP(bytes(IP(src='198.18.1.2', dst='198.18.1.1') / UDP(sport=4500, dport=4500) / Raw(data))))
            if reply.haslayer(ICMP) and reply[ICMP].type == 0 and reply[ICMP].seq == seq:
                assert reply[IP].src == '198.18.20.1' and reply[IP].dst == '198.18.10.1'
                assert reply[ICMP].id == 0x4242 and bytes(reply[Raw]) == payload, 'echo reply differs'
                print('reply', seq, flush=True)
                break
            print('skipped', reply.summary(), flush=True)
        else:
            sys.exit('no echo reply for %d' % seq)
    print('OK', count, flush=True)
    """#

    struct Case: CustomTestStringConvertible, Sendable {
        let suite: ESPCipherSuite
        let scapyCipher: String
        let scapyIntegrity: String
        var testDescription: String { suite.description }
    }

    static let cases: [Case] = [
        Case(suite: try! ESPCipherSuite(encryption: .aesGCM(.bits128, icv: .octets16)), scapyCipher: "AES-GCM", scapyIntegrity: "NULL"),
        Case(suite: try! ESPCipherSuite(encryption: .aesGCM(.bits256, icv: .octets16)), scapyCipher: "AES-GCM", scapyIntegrity: "NULL"),
        Case(suite: try! ESPCipherSuite(encryption: .chaCha20Poly1305), scapyCipher: "CHACHA20-POLY1305", scapyIntegrity: "NULL"),
        Case(suite: try! ESPCipherSuite(encryption: .aesCBC(.bits128), integrity: .hmacSHA1_96), scapyCipher: "AES-CBC", scapyIntegrity: "HMAC-SHA1-96"),
        Case(suite: try! ESPCipherSuite(encryption: .aesCBC(.bits256), integrity: .hmacSHA2_256_128), scapyCipher: "AES-CBC", scapyIntegrity: "SHA2-256-128"),
        Case(suite: try! ESPCipherSuite(encryption: .aesCBC(.bits128), integrity: .hmacSHA2_384_192), scapyCipher: "AES-CBC", scapyIntegrity: "SHA2-384-192"),
        Case(suite: try! ESPCipherSuite(encryption: .aesCBC(.bits256), integrity: .hmacSHA2_512_256), scapyCipher: "AES-CBC", scapyIntegrity: "SHA2-512-256"),
    ]

    let hub: NetworkNamespace
    let peer: NetworkNamespace
    let directory: URL

    init() throws {
        hub = try NetworkNamespace(prefix: "ikehub-esph")
        peer = try NetworkNamespace(prefix: "ikehub-espp")
        let suffix = UInt16.random(in: 0...9999)
        try ip("-n", peer.name, "link", "add", "vep\(suffix)", "type", "veth", "peer", "name", "veh\(suffix)", "netns", hub.name)
        try ip("-n", peer.name, "addr", "add", "198.18.1.1/24", "dev", "vep\(suffix)")
        try ip("-n", hub.name, "addr", "add", "198.18.1.2/24", "dev", "veh\(suffix)")
        try ip("-n", peer.name, "link", "set", "vep\(suffix)", "up")
        try ip("-n", hub.name, "link", "set", "veh\(suffix)", "up")
        directory = try makeTemporaryDirectory("ikehub-scapy")
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    @Test(arguments: cases)
    func testScapyPeer_pingsThroughOurDataPlaneAndDecryptsTheReplies(_ testCase: Case) throws {
        let suite = testCase.suite
        let address = SocketAddress(address: IPAddress("198.18.1.2")!, port: UDPEncapsulation.port)
        let (socket, interface) = try hub.perform { (try UDPSocket(binding: address), try TUNInterface(name: "esphub\(UInt16.random(in: 0...999))")) }
        try ip("-n", hub.name, "addr", "add", "198.18.20.1/32", "dev", interface.name)
        try ip("-n", hub.name, "link", "set", interface.name, "up")
        try ip("-n", hub.name, "route", "add", "198.18.10.0/24", "dev", interface.name, "src", "198.18.20.1")

        func material() -> [UInt8] { (0..<suite.keyMaterialLength).map { _ in UInt8.random(in: 0...255) } }
        let peerToHub = material()
        let hubToPeer = material()
        let encryptionLength = suite.encryption.keyMaterialLength
        let session = SessionID(high: 7, low: 7)
        let plane = try ESPDataPlane(socket: socket, nonESPHandler: { _ in }, eventHandler: { _ in })
        defer { plane.stop() }
        try plane.addSession(session, interface: interface, peer: SocketAddress(address: IPAddress("198.18.1.1")!, port: 4500))
        try plane.installInbound(ESPInboundSA(spi: 0x5ca9_0001, suite: suite, keys: ESPKeyMaterial(directionKeyMaterial: SecretBytes(peerToHub), for: suite),
                                              installedAt: testInstant,
                                              remoteSelectors: [TrafficSelector(startAddress: IPAddress("198.18.10.0")!, endAddress: IPAddress("198.18.10.255")!)]),
                                 for: session)
        try plane.installOutbound(ESPOutboundSA(spi: 0x5ca9_0002, suite: suite, keys: ESPKeyMaterial(directionKeyMaterial: SecretBytes(hubToPeer), for: suite),
                                                installedAt: testInstant), for: session)
        try plane.start()

        let script = directory.appendingPathComponent("peer.py")
        try Self.peerScript.write(to: script, atomically: true, encoding: .utf8)
        let arguments = [testCase.scapyCipher, testCase.scapyIntegrity, "5ca90001", "5ca90002",
                         Hex.encode(peerToHub.prefix(encryptionLength)), Hex.encode(hubToPeer.prefix(encryptionLength)),
                         Hex.encode(peerToHub.dropFirst(encryptionLength)), Hex.encode(hubToPeer.dropFirst(encryptionLength)), "5"]
        let result = try peer.run(["/usr/bin/timeout", "60", "/usr/bin/python3", script.path] + arguments)
        #expect(result.status == 0, "peer output: \(result.output)")
        #expect(result.output.contains("OK 5"), "peer output: \(result.output)")
        let statistics = try #require(plane.statistics(for: session))
        #expect(statistics.inbound.first?.counters.packets == 5)
        #expect(statistics.inbound.first?.counters.drops.total == 0)
        #expect(statistics.outbound?.counters.packets ?? 0 >= 5)
    }
}
