import Foundation
import HubIPC
import HubNetworking
import HubTestSupport
import HubVocabulary
import Logging
import ZeroMQ

/// A real `ikehub-tunneld` in a network namespace of its own, joined to a peer namespace by a
/// veth pair (198.18.1.1 headend, 198.18.1.2 peer), with an IPC client on its endpoint.
final class TunneldHarness: @unchecked Sendable {
    static let headendOuter = "198.18.1.1"
    static let peerOuter = "198.18.1.2"
    /// `interface Loopback0`'s address, which `ip unnumbered Loopback0` lends to each va<n>.
    static let loopback = "198.18.100.1"
    static let loopbackIPv6 = "2001:db8:100::1"
    static let templateMTU = 1380

    static let configuration = """
        interface Loopback0
         ip address \(loopback) 255.255.255.255
         ipv6 address \(loopbackIPv6)/128
        !
        interface Virtual-Template1 type tunnel
         ip unnumbered Loopback0
         ipv6 unnumbered Loopback0
         ip mtu \(templateMTU)
         tunnel mode ipsec ipv4
        !
        ikehub
         dataplane userspace
        !
        """

    let headend: NetworkNamespace
    let peer: NetworkNamespace
    let sandbox: URL
    let daemon: ChildProcess
    let zmq: ZMQContext
    let client: IPCClient

    var runtimeDirectory: String { sandbox.path + "/run" }

    /// With `openFileLimit`, the daemon runs under `prlimit --nofile=N:N` (a hard limit it
    /// cannot lift without CAP_SYS_RESOURCE).
    init(openFileLimit: Int? = nil) throws {
        headend = try NetworkNamespace(prefix: "ikehub-tund")
        peer = try NetworkNamespace(prefix: "ikehub-tunp")
        let suffix = UInt16.random(in: 0...9999)
        try ip("-n", headend.name, "link", "add", "vth\(suffix)", "type", "veth", "peer", "name", "vtp\(suffix)", "netns", peer.name)
        try ip("-n", headend.name, "addr", "add", "\(Self.headendOuter)/24", "dev", "vth\(suffix)")
        try ip("-n", peer.name, "addr", "add", "\(Self.peerOuter)/24", "dev", "vtp\(suffix)")
        try ip("-n", headend.name, "link", "set", "vth\(suffix)", "up")
        try ip("-n", peer.name, "link", "set", "vtp\(suffix)", "up")

        sandbox = try makeTemporaryDirectory("ikehub-tunneld")
        let configPath = sandbox.path + "/ikehub.cfg"
        try Self.configuration.write(toFile: configPath, atomically: true, encoding: .utf8)
        let binary = Self.binDirectory + "/ikehub-tunneld"
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw HarnessError(binary, "not built: run `swift build --scratch-path <same scratch path>` first")
        }
        daemon = try ChildProcess(
            executable: "/usr/sbin/ip",
            arguments: ["netns", "exec", headend.name] + (openFileLimit.map { ["/usr/bin/prlimit", "--nofile=\($0):\($0)"] } ?? []) + [binary,
                        "--runtime-dir", sandbox.path + "/run", "--state-dir", sandbox.path + "/state",
                        "--config", configPath, "--natt-listen", "\(Self.headendOuter):4500", "--log-level", "debug"],
            logURL: sandbox.appendingPathComponent("tunneld.log"))
        guard daemon.waitForLog(timeout: 15, { $0.contains("tunnel manager listening") }) else {
            throw HarnessError("ikehub-tunneld", daemon.log())
        }
        zmq = try ZMQContext()
        client = try IPCClient(connectingTo: "ipc://\(sandbox.path)/run/tunneld.sock", context: zmq,
                               logger: Logger(label: "tunneld-test"))
    }

    deinit {
        client.close()
        daemon.stop()
        try? FileManager.default.removeItem(at: sandbox)
    }

    /// `ip -n <headend> args…`'s output (status and text).
    func headendIP(_ arguments: String...) throws -> (status: Int32, output: String) {
        try runCommand("/usr/sbin/ip", ["-n", headend.name] + arguments)
    }

    /// The directory of the running test binary: SwiftPM puts the package's executables beside it.
    static var binDirectory: String {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: executable).deletingLastPathComponent().path
    }

    /// Waits up to `timeout` seconds for `condition` (short sleeps on this thread; no tasks).
    static func eventually(timeout: Double = 3, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try condition() { return true }
            usleep(50_000)
        }
        return try condition()
    }
}

/// IPC values for the requests.
enum Wire {
    static func address(_ text: String) -> IPCv1IPAddress {
        .with { $0.octets = Data(IPAddress(text)!.bytes) }
    }

    static func prefix(_ text: String, _ length: UInt32) -> IPCv1IPPrefix {
        .with { $0.address = address(text); $0.prefixLength = length }
    }

    static func session(_ low: UInt64) -> SessionID { SessionID(high: 0x7e57, low: low) }

    /// One ChildSA with AES-GCM-16 (ENCR 20) and a 128-bit key (RFC 4106): 16 key octets
    /// followed by the 4-octet salt, UDP-encapsulated between the two outer addresses.
    static func childSA(spi: UInt32, direction: IPCv1ChildSA.Direction, keyMaterial: [UInt8]) -> IPCv1ChildSA {
        .with {
            $0.spi = spi
            $0.protocol = 3
            $0.direction = direction
            $0.localAddress = address(TunneldHarness.headendOuter)
            $0.remoteAddress = address(TunneldHarness.peerOuter)
            $0.encapsulationLocalPort = 4500
            $0.encapsulationRemotePort = 4500
            $0.encryptionTransformID = 20
            $0.encryptionKeyBits = 128
            $0.encryptionKey = .with { $0.octets = Data(keyMaterial) }
        }
    }
}

/// A harness step that failed, with what it saw.
struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ step: String, _ detail: String) { description = "\(step): \(detail)" }
}
