import ESPDataPlane
import Foundation
import HubNetworking
import HubVocabulary

/// `ikehub-bench esp --plane`: UDP traffic from namespace A's inner address to namespace B's,
/// through TUN → data plane A (seal, `sendmmsg`) → veth → data plane B (`recvmmsg`, open) →
/// TUN → a receiving socket. Prints what arrived per second. Needs root (namespaces, TUN).
struct ESPPlaneThroughput {
    let packetSize: Int
    let seconds: Double

    func run() throws {
        guard getuid() == 0, FileManager.default.fileExists(atPath: "/dev/net/tun") else {
            print("plane: skipped (needs root and /dev/net/tun)")
            return
        }
        let tag = "\(getpid() % 100000)"
        let left = "ikehub-bench-a-\(tag)", right = "ikehub-bench-b-\(tag)"
        defer {
            _ = try? shell("ip", "netns", "delete", left)
            _ = try? shell("ip", "netns", "delete", right)
        }
        try shell("ip", "netns", "add", left)
        try shell("ip", "netns", "add", right)
        try shell("ip", "-n", left, "link", "add", "vba\(tag)", "type", "veth", "peer", "name", "vbb\(tag)", "netns", right)
        try shell("ip", "-n", left, "addr", "add", "198.18.1.1/24", "dev", "vba\(tag)")
        try shell("ip", "-n", right, "addr", "add", "198.18.1.2/24", "dev", "vbb\(tag)")
        for (namespace, device) in [(left, "vba\(tag)"), (right, "vbb\(tag)")] {
            try shell("ip", "-n", namespace, "link", "set", device, "up")
            try shell("ip", "-n", namespace, "link", "set", "lo", "up")
        }
        let suite = try ESPCipherSuite(encryption: .aesGCM(.bits256, icv: .octets16))
        let leftToRight = try ESPKeyMaterial(directionKeyMaterial: SecretBytes([UInt8](repeating: 1, count: suite.keyMaterialLength)), for: suite)
        let rightToLeft = try ESPKeyMaterial(directionKeyMaterial: SecretBytes([UInt8](repeating: 2, count: suite.keyMaterialLength)), for: suite)
        let session = SessionID(high: 1, low: 1)
        let now = SystemWallClock().now()

        func makePlane(_ namespace: String, outer: String, inner: String, remote: String, peer: String,
                       inbound: (UInt32, ESPKeyMaterial), outbound: (UInt32, ESPKeyMaterial)) throws -> ESPDataPlane {
            let (socket, interface) = try inNamespace(namespace) {
                (try UDPSocket(binding: SocketAddress(address: IPAddress(outer)!, port: 4500)), try TUNInterface(name: "espb\(tag)"))
            }
            try shell("ip", "-n", namespace, "addr", "add", "\(inner)/32", "dev", interface.name)
            try shell("ip", "-n", namespace, "link", "set", interface.name, "mtu", "1400", "txqueuelen", "1000", "up")
            try shell("ip", "-n", namespace, "route", "add", remote, "dev", interface.name, "src", inner)
            let plane = try ESPDataPlane(socket: socket, nonESPHandler: { _ in }, eventHandler: { _ in })
            try plane.addSession(session, interface: interface, peer: SocketAddress(address: IPAddress(peer)!, port: 4500))
            try plane.installInbound(ESPInboundSA(spi: inbound.0, suite: suite, keys: inbound.1, installedAt: now), for: session)
            try plane.installOutbound(ESPOutboundSA(spi: outbound.0, suite: suite, keys: outbound.1, installedAt: now), for: session)
            try plane.start()
            return plane
        }
        let planeA = try makePlane(left, outer: "198.18.1.1", inner: "198.18.10.1", remote: "198.18.20.0/24", peer: "198.18.1.2",
                                   inbound: (0xb000_0001, rightToLeft), outbound: (0xa000_0001, leftToRight))
        let planeB = try makePlane(right, outer: "198.18.1.2", inner: "198.18.20.1", remote: "198.18.10.0/24", peer: "198.18.1.1",
                                   inbound: (0xa000_0001, leftToRight), outbound: (0xb000_0001, rightToLeft))
        defer {
            planeA.stop()
            planeB.stop()
        }

        let payload = packetSize - 28
        let receiver = try inNamespace(right) { try UDPSocket(binding: SocketAddress(address: IPAddress("198.18.20.1")!, port: 5001)) }
        let sender = try inNamespace(left) { try UDPSocket(binding: SocketAddress(address: IPAddress("198.18.10.1")!, port: 0)) }
        try receiver.setReceiveBufferSize(8 << 20)
        let target = SocketAddress(address: IPAddress("198.18.20.1")!, port: 5001)
        let stop = Atomic(false)
        let received = Atomic(0)
        let sent = Atomic(0)
        let receiveThread = Thread {
            let batch = DatagramBatch(capacity: 64, slotSize: 2048)
            while !stop.value {
                if let count = try? receiver.receive(into: batch, timeoutMilliseconds: 100) { received.add(count) }
            }
        }
        let sendThread = Thread {
            let batch = DatagramBatch(capacity: 32, slotSize: 2048)
            for index in 0..<batch.capacity {
                batch.setLength(payload, at: index)
                batch.setAddress(target, at: index)
            }
            while !stop.value {
                batch.count = batch.capacity
                sent.add(sender.send(batch).sent)
            }
        }
        receiveThread.start()
        sendThread.start()
        Thread.sleep(forTimeInterval: 0.5)
        let startReceived = received.value
        let start = Date()
        Thread.sleep(forTimeInterval: seconds)
        let elapsed = Date().timeIntervalSince(start)
        let count = received.value - startReceived
        stop.value = true
        Thread.sleep(forTimeInterval: 0.2)
        let rate = Double(count) / elapsed
        print("plane: UDP \(packetSize)-octet inner packets A → B through two data planes (\(suite)), \(Int(seconds)) s")
        print("  delivered \(Int(rate.rounded())) pkt/s, \(Self.decimal(rate * Double(packetSize * 8) / 1e9)) Gbit/s inner; offered \(sent.value) in all")
        let a = planeA.counters, b = planeB.counters
        print("  plane A: read \(a.packetsRead), sealed+sent \(a.packetsEncapsulated), send errors \(a.sendErrors); " +
              "plane B: received \(b.datagramsReceived), opened \(b.packetsDecapsulated), drops \(b.inboundDrops)")
    }

    static func decimal(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        return "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100)"
    }
}

/// A counter or flag shared by the benchmark's threads.
private final class Atomic<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    var value: Value {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}

extension Atomic where Value == Int {
    func add(_ amount: Int) { lock.withLock { stored += amount } }
}

/// `ip …` to completion (the first argument names the command, as written at the call sites).
@discardableResult
private func shell(_ arguments: String...) throws -> String {
    try BenchLab.run("/usr/sbin/ip", Array(arguments.dropFirst()))
}

private struct BenchmarkSetupError: Error, CustomStringConvertible {
    let text: String
    var description: String { text }
}

/// Runs `body` with the calling thread in network namespace `name` (setns, found at run time:
/// glibc declares it only under _GNU_SOURCE), then returns to the original namespace.
private func inNamespace<Result>(_ name: String, _ body: () throws -> Result) throws -> Result {
    typealias SetNamespace = @convention(c) (Int32, Int32) -> Int32
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "setns") else { throw BenchmarkSetupError(text: "no setns") }
    let setNamespace = unsafeBitCast(symbol, to: SetNamespace.self)
    let original = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)
    let target = open("/run/netns/\(name)", O_RDONLY | O_CLOEXEC)
    defer {
        close(original)
        close(target)
    }
    guard original >= 0, target >= 0, setNamespace(target, 0x4000_0000) == 0 else {
        throw BenchmarkSetupError(text: "cannot enter namespace \(name)")
    }
    defer { precondition(setNamespace(original, 0x4000_0000) == 0, "could not return to the original network namespace") }
    return try body()
}
