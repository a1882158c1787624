import ArgumentParser
import Foundation
import HubIPC
import Logging
import ZeroMQ

/// `ikehub-bench ipc`: request/reply through the auth broker (real processes:
/// `ikehub-authd` and N `ikehub-auth-worker`, spawned from beside this binary)
/// with 1, 2 and 4 workers, the worker link over ipc:// and over tcp:// with
/// CURVE; compared with raw libzmq pipelined DEALER/ROUTER in one thread.
/// Prints figures; asserts nothing.
struct IPCBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ipc", abstract: "Auth broker throughput and latency against raw libzmq.")

    @Option(help: "Requests per measurement.")
    var requests: Int = 100_000

    @Option(help: "Requests kept in flight by the caller.")
    var window: Int = 256

    @Option(help: "Worker counts to measure.")
    var workers: [Int] = [1, 2, 4]

    @Option(help: "Payload bytes per request.")
    var payload: Int = 64

    @Flag(help: "A short smoke run (2,000 requests, 1 worker) that only proves the benchmark still works.")
    var quick = false

    func run() async throws {
        let requests = quick ? 2000 : self.requests
        let workers = quick ? [1] : self.workers
        let raw = try RawZeroMQBaseline.measure(messages: quick ? 20_000 : 500_000, window: 100, size: payload)
        print("raw libzmq DEALER<->ROUTER, ipc://, one thread, window 100, \(payload) B: \(Self.thousands(raw)) msgs/s (request+reply)")
        print("")
        print("through ikehub-authd, \(requests) echo requests of \(payload) B, window \(window), caller on ipc://")
        print("worker link       workers   requests/s   msgs/s (req+rep)   p50 µs   p99 µs   vs raw")
        for transport in [WorkerLink.ipc, .tcpCurve] {
            for count in workers {
                let result = try await BrokerRun.measure(link: transport, workers: count, requests: requests,
                                                         window: window, payload: payload)
                let messages = result.requestsPerSecond * 2
                let line = [
                    transport.label.padding(toLength: 17, withPad: " ", startingAt: 0),
                    String(count).leftPadded(7),
                    Self.thousands(result.requestsPerSecond).leftPadded(12),
                    Self.thousands(messages).leftPadded(18),
                    String(format: "%.0f", result.p50Microseconds).leftPadded(8),
                    String(format: "%.0f", result.p99Microseconds).leftPadded(8),
                    String(format: "%.1f×", raw / max(messages, 1)).leftPadded(8),
                ]
                print(line.joined(separator: " "))
            }
        }
        let direct = try await BrokerRun.measureDirect(requests: requests, window: window)
        print(["point-to-point, no broker (health → ikehub-addrd)".padding(toLength: 42, withPad: " ", startingAt: 0),
               Self.thousands(direct.requestsPerSecond).leftPadded(4),
               Self.thousands(direct.requestsPerSecond * 2).leftPadded(18),
               String(format: "%.0f", direct.p50Microseconds).leftPadded(8),
               String(format: "%.0f", direct.p99Microseconds).leftPadded(8),
               String(format: "%.1f×", raw / max(direct.requestsPerSecond * 2, 1)).leftPadded(8)].joined(separator: " "))
        print("")
        print("vs raw = raw msgs/s ÷ broker msgs/s (each broker request is 4 hops: caller→broker→worker→broker→caller)")
    }

    static func thousands(_ value: Double) -> String {
        value >= 10_000 ? String(format: "%.0fk", value / 1000) : String(format: "%.0f", value)
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}

/// Which transport carries broker↔worker traffic.
enum WorkerLink {
    case ipc
    case tcpCurve

    var label: String { self == .ipc ? "ipc://" : "tcp:// + CURVE" }
}

/// One measurement with spawned broker and worker processes.
enum BrokerRun {
    struct Result {
        let requestsPerSecond: Double
        let p50Microseconds: Double
        let p99Microseconds: Double
    }

    static func measure(link: WorkerLink, workers: Int, requests: Int, window: Int, payload: Int) async throws -> Result {
        let sandbox = "/tmp/ikehub-bench-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: sandbox, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: sandbox) }
        let common = ["--runtime-dir", "\(sandbox)/run", "--state-dir", "\(sandbox)/state", "--log-level", "warning"]
        var brokerArguments = common
        var workerArguments = common
        if link == .tcpCurve {
            let brokerKeys = try CurveKeyPair.generate()
            let port = Int.random(in: 30_000...50_000)
            try (brokerKeys.secretKey + "\n").write(toFile: "\(sandbox)/broker.key", atomically: true, encoding: .utf8)
            brokerArguments += ["--workers-listen", "tcp://127.0.0.1:\(port)", "--curve-secret-key-file", "\(sandbox)/broker.key"]
            workerArguments += ["--broker", "tcp://127.0.0.1:\(port)", "--broker-public-key=\(brokerKeys.publicKey)"]
            var allow: [String] = []
            for index in 0..<workers {
                let keys = try CurveKeyPair.generate()
                try (keys.secretKey + "\n").write(toFile: "\(sandbox)/w\(index).key", atomically: true, encoding: .utf8)
                allow += ["--allow-worker-key=\(keys.publicKey)"]
            }
            brokerArguments += allow
        }
        var processes = [try spawn("ikehub-authd", brokerArguments)]
        defer { for process in processes { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() } }
        try await Task.sleep(for: .milliseconds(300))
        for index in 0..<workers {
            var arguments = workerArguments + ["--name", "bench-\(index)"]
            if link == .tcpCurve { arguments += ["--curve-secret-key-file", "\(sandbox)/w\(index).key"] }
            processes.append(try spawn("ikehub-auth-worker", arguments))
        }
        let context = try ZMQContext()
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let client = try IPCClient(connectingTo: "ipc://\(sandbox)/run/authd.sock", context: context, logger: logger)
        defer { client.close() }
        try await waitForWorkers(client, count: workers)
        let body = IPCv1Envelope.OneOf_Body.echoRequest(.with { $0.payload = Data(repeating: 0x5a, count: payload) })
        _ = try await drive(client, body: body, requests: min(requests, 5000), window: window)  // warm-up
        return try await drive(client, body: body, requests: requests, window: window)
    }

    /// The same caller against one point-to-point IPCServer (`ikehub-addrd`'s
    /// health endpoint): the cost of the caller and server without the broker hop.
    static func measureDirect(requests: Int, window: Int) async throws -> Result {
        let sandbox = "/tmp/ikehub-bench-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: sandbox, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: sandbox) }
        let process = try spawn("ikehub-addrd", ["--runtime-dir", "\(sandbox)/run", "--state-dir", "\(sandbox)/state",
                                                 "--log-level", "warning"])
        defer { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
        let context = try ZMQContext()
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let client = try IPCClient(connectingTo: "ipc://\(sandbox)/run/addrd.sock", context: context, logger: logger)
        defer { client.close() }
        let body = IPCv1Envelope.OneOf_Body.healthRequest(.init())
        _ = try await drive(client, body: body, requests: min(requests, 5000), window: window, service: "")
        return try await drive(client, body: body, requests: requests, window: window, service: "")
    }

    private static func drive(_ client: IPCClient, body: IPCv1Envelope.OneOf_Body, requests: Int, window: Int,
                              service: String = "echo") async throws -> Result {
        let started = ContinuousClock.now
        let perTask = max(1, requests / window)
        let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
            for _ in 0..<window {
                group.addTask {
                    var samples: [Double] = []
                    samples.reserveCapacity(perTask)
                    for _ in 0..<perTask {
                        let sent = ContinuousClock.now
                        _ = try await client.request(body, service: service)
                        let elapsed = ContinuousClock.now - sent
                        samples.append(Double(elapsed.components.attoseconds) / 1e12 + Double(elapsed.components.seconds) * 1e6)
                    }
                    return samples
                }
            }
            return try await group.reduce(into: [Double]()) { $0 += $1 }
        }
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let sorted = latencies.sorted()
        return Result(requestsPerSecond: Double(sorted.count) / seconds,
                      p50Microseconds: sorted[sorted.count / 2],
                      p99Microseconds: sorted[min(sorted.count - 1, sorted.count * 99 / 100)])
    }

    static func waitForWorkers(_ client: IPCClient, count: Int) async throws {
        let end = ContinuousClock.now + .seconds(15)
        while ContinuousClock.now < end {
            if let reply = try? await client.request(.showRequest(.with { $0.topic = .authWorkers }), policy: .once(deadline: .seconds(1))),
               case .showReply(let table) = reply.body, table.rows.count == count {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ValidationError("\(count) workers did not register with the broker")
    }

    static func spawn(_ executable: String, _ arguments: [String]) throws -> Process {
        let own = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let path = URL(fileURLWithPath: own).deletingLastPathComponent().appendingPathComponent(executable).path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw ValidationError("\(path) not found: build the package (swift build -c release) first")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        try process.run()
        return process
    }
}

/// The reference figure of reference/swift-on-linux.md §1(a), measured again
/// here: one thread, a DEALER keeping `window` requests in flight to a ROUTER
/// that echoes them, over ipc://.
enum RawZeroMQBaseline {
    static func measure(messages: Int, window: Int, size: Int) throws -> Double {
        let context = try ZMQContext()
        let path = "/tmp/ikehub-bench-raw-\(getpid()).sock"
        defer { unlink(path) }
        let router = try ZMQSocket(context: context, type: .router)
        try router.bind("ipc://\(path)")
        let dealer = try ZMQSocket(context: context, type: .dealer)
        try dealer.connect("ipc://\(path)")
        let request = [UInt8](repeating: 0x5a, count: size)
        var poller = ZMQPoller([.socket(router), .socket(dealer)])
        let roundTrips = messages / 2
        var sent = 0, received = 0
        let started = ContinuousClock.now
        while received < roundTrips {
            while sent < roundTrips, sent - received < window {
                try dealer.send([request])
                sent += 1
            }
            _ = try poller.wait(timeoutMilliseconds: 1000)
            while let frames = try router.receive() { try router.send(frames) }
            while try dealer.receive() != nil { received += 1 }
        }
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Double(roundTrips * 2) / seconds
    }
}
