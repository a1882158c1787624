import Foundation
import HubIPC
import HubVocabulary
import Testing
import ZeroMQ

/// The daemon scaffolding (HubDaemon) as a real process, on `ikehub-addrd`: epoch,
/// metrics, the state-directory lock, SIGHUP reload and graceful stop.
@Suite(.serialized) struct DaemonProcessTests {
    @Test func testEpochMetricsReloadAndGracefulStop_whenDaemonRunsAsAProcess() async throws {
        let sandbox = ProcessHarness.makeSandbox("daemon")
        let port = UInt16.random(in: 20_000...40_000)
        let configuration = "\(sandbox)/ikehub.cfg"
        try Self.pools.write(toFile: configuration, atomically: true, encoding: .utf8)
        let daemon = try SpawnedProcess("ikehub-addrd", ProcessHarness.daemonArguments(sandbox)
            + ["--config", configuration, "--metrics-listen", "127.0.0.1:\(port)"], logDirectory: sandbox)
        let context = try ZMQContext()
        let events = "ipc://\(sandbox)/run/ikehub-addrd.events.sock"
        // The epoch greeting reaches a subscriber that connects after the start.
        try await Task.sleep(for: .milliseconds(500))
        let subscriber = try EventSubscriber(connectingTo: [events], topics: ["epoch"], context: context, logger: LogCapture().logger())
        var iterator = subscriber.events.makeAsyncIterator()
        let epoch = await iterator.next()
        #expect(epoch?.processEpoch.process == "ikehub-addrd")
        #expect(epoch?.processEpoch.pid == UInt32(daemon.pid))
        #expect(epoch?.processEpoch.epoch != 0 && epoch?.processEpoch.schemaMajor == 1)
        // The greeting goes out when the events socket opens, before the start line is logged.
        let started = ContinuousClock.now + .seconds(10)
        while !daemon.log.contains("ikehub-addrd started"), ContinuousClock.now < started { try await Task.sleep(for: .milliseconds(50)) }
        #expect(daemon.log.contains("process.epoch=\(String(epoch?.processEpoch.epoch ?? 0, radix: 16))"))

        // Health over IPC, then the counters of that request on /metrics.
        let client = try IPCClient(connectingTo: "ipc://\(sandbox)/run/addrd.sock", context: context, logger: LogCapture().logger())
        let health = try await client.request(.healthRequest(.init()))
        guard case .healthReply(let reply) = health.body else {
            Issue.record("no health reply")
            return
        }
        #expect(reply.process == "ikehub-addrd" && reply.epoch == epoch?.processEpoch.epoch)
        let metrics = try httpGet(port: port, path: "/metrics")
        #expect(metrics.hasPrefix("HTTP/1.0 200 OK"))
        #expect(metrics.contains("ikehub_ipc_requests_total{role=\"server\",service=\"healthRequest\",outcome=\"ok\"} 1"),
                "no IPC counter in the exposition: \(metrics)")
        #expect(metrics.contains("ikehub_ipc_request_duration_seconds_bucket{role=\"server\",service=\"healthRequest\""))
        #expect(try httpGet(port: port, path: "/other").hasPrefix("HTTP/1.0 404"))

        // A second copy cannot take the same state directory.
        let second = try SpawnedProcess("ikehub-addrd", ProcessHarness.daemonArguments(sandbox), logDirectory: sandbox, logName: "second")
        #expect(await second.waitForExit())
        #expect(second.process.terminationStatus != 0)
        #expect(second.log.contains("is in use by another process"))

        // SIGHUP applies the file: a pool added to it allocates afterwards, not before.
        #expect(try await Self.allocate(client, from: "RELOADED", session: 1) == .noSuchPool)
        try (Self.pools + "ip local pool RELOADED 10.61.0.1 10.61.0.1\n").write(toFile: configuration, atomically: true, encoding: .utf8)
        daemon.kill(SIGHUP)
        let end = ContinuousClock.now + .seconds(10)
        while !daemon.log.contains("address pools reloaded"), ContinuousClock.now < end { try await Task.sleep(for: .milliseconds(50)) }
        #expect(daemon.log.contains("SIGHUP: reloading configuration"))
        #expect(try await Self.allocate(client, from: "RELOADED", session: 2) == .allocated, "\(daemon.log)")
        #expect(try await Self.allocate(client, from: "RELOADED", session: 3) == .exhausted, "the reloaded pool is not the one in the file")
        #expect(daemon.process.isRunning)

        daemon.kill(SIGTERM)
        #expect(await daemon.waitForExit())
        #expect(daemon.process.terminationStatus == 0)
        #expect(daemon.log.contains("graceful shutdown"))
        #expect(daemon.log.contains("ikehub-addrd stopped"))
        client.close()
        subscriber.close()
    }

    @Test func testLinesCarrySyslogPriority_whenStderrIsTheJournal() async throws {
        let sandbox = ProcessHarness.makeSandbox("journal")
        setenv("JOURNAL_STREAM", "8:12345", 1)
        defer { unsetenv("JOURNAL_STREAM") }
        let daemon = try SpawnedProcess("ikehub-acctd", ProcessHarness.daemonArguments(sandbox), logDirectory: sandbox)
        try await Task.sleep(for: .milliseconds(800))
        daemon.kill(SIGTERM)
        #expect(await daemon.waitForExit())
        let lines = daemon.log.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("<6>ikehub-acctd started") }, "\(lines)")
        #expect(lines.allSatisfy { $0.hasPrefix("<") }, "a line without a priority prefix: \(lines)")
    }

    @Test func testDaemonStopsByItself_whenTheProcessThatStartedItDies() async throws {
        let sandbox = ProcessHarness.makeSandbox("orphan")
        let log = "\(sandbox)/orphan.log"
        let binary = ProcessHarness.binDirectory + "/ikehub-tunneld"
        // A shell starts the daemon naming itself as the parent, then exits.
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = ["-c", "export IKEHUB_PARENT_PID=$$; "
            + "\(binary) --runtime-dir \(sandbox)/run --state-dir \(sandbox)/state > \(log) 2>&1 & sleep 1"]
        var environment = ProcessInfo.processInfo.environment
        environment["IKEHUB_PARENT_PID"] = nil
        shell.environment = environment
        try shell.run()
        let end = ContinuousClock.now + .seconds(10)
        var text = ""
        while ContinuousClock.now < end {
            text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if text.contains("ikehub-tunneld stopped") { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(text.contains("is gone: stopping"), "\(text)")
        #expect(text.contains("ikehub-tunneld stopped"))
    }

    static let pools = "ip local pool FIRST 10.60.0.1 10.60.0.4\n"

    /// One IPv4 allocation from `pool` for a session of its own; the result code.
    static func allocate(_ client: IPCClient, from pool: String, session: UInt64) async throws -> IPCv1AllocateAddressReply.Result {
        let reply = try await client.request(.allocateAddressRequest(.with {
            $0.family = .ipv4
            $0.pools = [pool]
            $0.peerIdentity = .with { $0.idType = 3; $0.value = Data("user\(session)@example.com".utf8) }
        }), session: SessionID(high: 0x5e55_1011, low: session), idempotent: false)
        guard case .allocateAddressReply(let allocation) = reply.body else {
            throw HarnessError("no AllocateAddressReply: \(reply.bodyName)")
        }
        return allocation.result
    }

    func httpGet(port: UInt16, path: String) throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw HarnessError("connect to metrics port \(port): errno \(errno)") }
        let request = Array("GET \(path) HTTP/1.0\r\nHost: localhost\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            response += buffer[0..<count]
        }
        return String(decoding: response, as: UTF8.self)
    }
}
