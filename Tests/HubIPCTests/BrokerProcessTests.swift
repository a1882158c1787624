import Foundation
import HubIPC
import Testing
import ZeroMQ

/// The auth broker and workers as real processes over real sockets (issue 5,
/// "Tests"). The executables must have been built (`swift build`) first.
@Suite(.serialized) struct BrokerProcessTests {
    static func echo(_ text: String, delay: UInt32) -> IPCv1Envelope.OneOf_Body {
        .echoRequest(.with { $0.payload = Data(text.utf8); $0.delayMs = delay })
    }

    /// SIGKILL: the connection drops (the broker notices on its next send).
    /// SIGSTOP: the connection stays up but the worker falls silent, so only the
    /// missed heartbeats (3 × 1 s) reveal it; after SIGCONT it answers the
    /// requests it held late, and the broker must drop those answers.
    @Test(arguments: [SIGKILL, SIGSTOP])
    func testEveryRequestCompletesOnceOnAnotherWorker_whenAWorkerDiesMidRequests(signal: Int32) async throws {
        let sandbox = ProcessHarness.makeSandbox("kill-worker")
        let arguments = ProcessHarness.daemonArguments(sandbox)
        let broker = try SpawnedProcess("ikehub-authd", arguments, logDirectory: sandbox)
        let doomed = try SpawnedProcess("ikehub-auth-worker", arguments + ["--name", "doomed"], logDirectory: sandbox, logName: "doomed")
        let survivor = try SpawnedProcess("ikehub-auth-worker", arguments + ["--name", "survivor"], logDirectory: sandbox, logName: "survivor")
        let context = try ZMQContext()
        let client = try IPCClient(connectingTo: "ipc://\(sandbox)/run/authd.sock", context: context, logger: LogCapture().logger())
        let names = await ProcessHarness.waitForWorkers(client) { $0 == ["doomed", "survivor"] }
        try #require(names == ["doomed", "survivor"], "workers did not register: \(names)\n\(broker.log)")
        let before = await client.statistics()

        // 200 non-idempotent requests that each take 400 ms: half land on the
        // doomed worker, which is killed before it can answer any of them.
        let policy = RetryPolicy(deadline: .seconds(20), attemptTimeout: .seconds(2), maximumAttempts: 8)
        async let results = withThrowingTaskGroup(of: (Int, String).self) { group in
            for index in 0..<200 {
                group.addTask {
                    let reply = try await client.request(Self.echo("r\(index)", delay: 400), service: "echo",
                                                         idempotent: false, policy: policy)
                    guard case .echoReply(let echo) = reply.body, echo.payload == Data("r\(index)".utf8) else {
                        return (index, "wrong reply")
                    }
                    return (index, echo.servedBy)
                }
            }
            return try await group.reduce(into: [Int: String]()) { $0[$1.0] = $1.1 }
        }
        try await Task.sleep(for: .milliseconds(150))
        doomed.kill(signal)
        let servedBy = try await results
        if signal == SIGSTOP {
            doomed.kill(SIGCONT)
            try await Task.sleep(for: .milliseconds(1500))  // its late answers arrive now
        }
        #expect(servedBy.count == 200)
        #expect(servedBy.values.allSatisfy { $0 == "survivor" }, "served: \(Set(servedBy.values))")
        let statistics = await client.statistics()
        #expect(statistics.completed - before.completed == 200 && statistics.failed == before.failed)
        #expect(statistics.duplicateReplies == 0, "a request was answered twice")
        #expect(broker.log.contains("worker doomed"), "the broker did not notice the death")
        #expect(broker.log.contains("re-dispatching"))
        if signal == SIGSTOP {
            #expect(broker.log.contains("missed 3 heartbeats"))
            #expect(await client.statistics().duplicateReplies == 0, "a late answer from the revived worker got through")
        }
        client.close()
        _ = survivor
    }

    /// Issue 5: "load is spread across them". 200 requests, at most 50 in flight at
    /// once, each held 20 ms by the worker: both workers serve a substantial share.
    @Test func testBothWorkersServeAShare_whenManyRequestsAreInFlight() async throws {
        let sandbox = ProcessHarness.makeSandbox("spread")
        let arguments = ProcessHarness.daemonArguments(sandbox)
        let broker = try SpawnedProcess("ikehub-authd", arguments, logDirectory: sandbox)
        let left = try SpawnedProcess("ikehub-auth-worker", arguments + ["--name", "left"], logDirectory: sandbox, logName: "left")
        let right = try SpawnedProcess("ikehub-auth-worker", arguments + ["--name", "right"], logDirectory: sandbox, logName: "right")
        let context = try ZMQContext()
        let client = try IPCClient(connectingTo: "ipc://\(sandbox)/run/authd.sock", context: context, logger: LogCapture().logger())
        let names = await ProcessHarness.waitForWorkers(client) { $0 == ["left", "right"] }
        try #require(names == ["left", "right"], "workers did not register: \(names)\n\(broker.log)")
        // Workers side by side in one runtime directory each have their own events socket
        // (one shared name made the second bind fail with EADDRINUSE when both started at once).
        for name in ["left", "right"] {
            #expect(FileManager.default.fileExists(atPath: "\(sandbox)/run/ikehub-auth-worker-\(name).events.sock"))
        }

        let total = 200
        let window = 50
        let policy = RetryPolicy(deadline: .seconds(20), attemptTimeout: .seconds(10), maximumAttempts: 2)
        let servedBy = try await withThrowingTaskGroup(of: String.self) { group in
            func send(_ index: Int) {
                group.addTask {
                    let reply = try await client.request(Self.echo("s\(index)", delay: 20), service: "echo", policy: policy)
                    guard case .echoReply(let echo) = reply.body, echo.payload == Data("s\(index)".utf8) else { return "wrong reply" }
                    return echo.servedBy
                }
            }
            for index in 0..<window { send(index) }
            var next = window
            var counts: [String: Int] = [:]
            while let name = try await group.next() {
                counts[name, default: 0] += 1
                if next < total {
                    send(next)
                    next += 1
                }
            }
            return counts
        }
        #expect(servedBy.values.reduce(0, +) == total)
        #expect(Set(servedBy.keys) == ["left", "right"], "served by: \(servedBy)")
        for name in ["left", "right"] {
            #expect(servedBy[name, default: 0] * 4 >= total, "\(name) served \(servedBy[name, default: 0]) of \(total): \(servedBy)")
        }
        client.close()
        _ = (left, right)
    }

    @Test func testInFlightRequestsAreRetriedAndComplete_whenTheBrokerRestarts() async throws {
        let sandbox = ProcessHarness.makeSandbox("restart-broker")
        let arguments = ProcessHarness.daemonArguments(sandbox)
        var broker = try SpawnedProcess("ikehub-authd", arguments, logDirectory: sandbox, logName: "authd-1")
        let worker = try SpawnedProcess("ikehub-auth-worker", arguments + ["--name", "steady"], logDirectory: sandbox, logName: "steady")
        let context = try ZMQContext()
        let client = try IPCClient(connectingTo: "ipc://\(sandbox)/run/authd.sock", context: context, logger: LogCapture().logger())
        try #require(await ProcessHarness.waitForWorkers(client) { $0 == ["steady"] } == ["steady"])

        let policy = RetryPolicy(deadline: .seconds(20), attemptTimeout: .milliseconds(1500), maximumAttempts: 12)
        async let results = withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<50 {
                group.addTask {
                    let reply = try await client.request(Self.echo("b\(index)", delay: 600), service: "echo",
                                                         idempotent: false, policy: policy)
                    guard case .echoReply(let echo) = reply.body else { return false }
                    return echo.payload == Data("b\(index)".utf8)
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        try await Task.sleep(for: .milliseconds(200))
        broker.kill(SIGKILL)
        #expect(await broker.waitForExit())
        broker = try SpawnedProcess("ikehub-authd", arguments, logDirectory: sandbox, logName: "authd-2")
        let answers = try await results
        #expect(answers.count == 50 && answers.allSatisfy { $0 })
        let statistics = await client.statistics()
        #expect(statistics.retries > 0, "nothing was retried: the broker restart was not exercised")
        #expect(statistics.duplicateReplies == 0)
        #expect(broker.log.contains("worker steady"), "the worker did not re-register with the new broker")
        #expect(await ProcessHarness.waitForWorkers(client) { $0 == ["steady"] } == ["steady"])
        client.close()
        _ = worker
    }

    @Test func testMajorTwoPeerIsRefusedWithOneLogLine_andNewerMinorIsServed_byRealBroker() async throws {
        let sandbox = ProcessHarness.makeSandbox("versions")
        let arguments = ProcessHarness.daemonArguments(sandbox)
        let broker = try SpawnedProcess("ikehub-authd", arguments, logDirectory: sandbox)
        let worker = try SpawnedProcess("ikehub-auth-worker", arguments + ["--name", "w"], logDirectory: sandbox, logName: "w")
        let context = try ZMQContext()
        let client = try IPCClient(connectingTo: "ipc://\(sandbox)/run/authd.sock", context: context, logger: LogCapture().logger())
        try #require(await ProcessHarness.waitForWorkers(client) { $0 == ["w"] } == ["w"])
        let endpoint = "ipc://\(sandbox)/run/authd.sock"

        let v2 = try FixtureFiles.binary("future", "major2")
        let refusals = try await ProcessHarness.rawExchange(endpoint: endpoint, frames: [v2, v2, v2], expecting: 3)
        #expect(refusals.count == 3)
        for refusal in refusals {
            guard case .envelope(let reply) = try EnvelopeCodec.decode(refusal), case .error(let error) = reply.body else {
                Issue.record("refusal is not a v1 ErrorReply")
                continue
            }
            #expect(error.code == .unsupportedMajorVersion && error.supportedMajors == [1])
        }
        let lines = broker.log.split(separator: "\n").filter { $0.contains("peer speaks ikehub.ipc v2.0, this process v1.\(IPCSchema.minor)") }
        #expect(lines.count == 1, "expected one clear log line, got: \(lines)")

        let minor = try await ProcessHarness.rawExchange(
            endpoint: endpoint,
            frames: [try FixtureFiles.binary("future", "minor2_unknown_field"), try FixtureFiles.binary("future", "minor2_unknown_body")],
            expecting: 2)
        var byCorrelation: [UInt64: IPCv1Envelope] = [:]
        for bytes in minor {
            if case .envelope(let reply) = try EnvelopeCodec.decode(bytes) { byCorrelation[reply.correlationID] = reply }
        }
        guard case .echoReply(let echo) = byCorrelation[77]?.body else {
            Issue.record("a newer-minor request with an unknown field was not served")
            return
        }
        #expect(echo.payload == Data("hello from minor 2".utf8) && echo.servedBy == "w")
        guard case .unsupported(let unsupported) = byCorrelation[78]?.body else {
            Issue.record("an unknown body case was not answered Unsupported")
            return
        }
        #expect(unsupported.bodyFieldNumber == 150)
        client.close()
        _ = worker
    }

    /// A newer-minor request passes through the real broker untouched: the worker (here
    /// the test, speaking the worker framing of Protocols/README.md) receives the
    /// fixture's exact bytes, its unknown header field and unknown body field included,
    /// and its reply reaches the requester.
    @Test func testNewerMinorRequestReachesTheWorkerWithItsUnknownFields_throughRealBroker() async throws {
        let sandbox = ProcessHarness.makeSandbox("minor-passthrough")
        let broker = try SpawnedProcess("ikehub-authd", ProcessHarness.daemonArguments(sandbox), logDirectory: sandbox)
        let request = try FixtureFiles.binary("future", "minor2_unknown_field")
        let workers = "ipc://\(sandbox)/run/authd-workers.sock"
        let front = "ipc://\(sandbox)/run/authd.sock"
        let (received, answer) = try await offPool { () throws -> ([UInt8]?, [UInt8]?) in
            let context = try ZMQContext()
            let worker = try ZMQSocket(context: context, type: .dealer)
            try worker.connect(workers)
            let register = IPCv1Envelope.request(.workerRegister(.with {
                $0.services = [.with { $0.name = "echo" }]
                $0.capacity = 4
                $0.workerName = "raw-peer"
                $0.pid = UInt32(getpid())
            }))
            // The broker may still be binding: offer ourselves until it welcomes us.
            var welcomed = false
            let end = ContinuousClock.now + .seconds(10)
            while !welcomed, ContinuousClock.now < end {
                try worker.send([EnvelopeCodec.encode(register)], dontWait: false)
                welcomed = try Self.receive(worker, milliseconds: 500) { frames in
                    guard frames.count == 1, case .envelope(let envelope)? = try? EnvelopeCodec.decode(frames[0]),
                          case .workerRegistered = envelope.body else { return false }
                    return true
                } != nil
            }
            guard welcomed else { return (nil, nil) }
            let client = try ZMQSocket(context: context, type: .dealer)
            try client.connect(front)
            try client.send([request], dontWait: false)
            guard let dispatched = try Self.receive(worker, milliseconds: 5000, where: { $0.count == 2 }),
                  case .envelope(let envelope)? = try? EnvelopeCodec.decode(dispatched[1]) else { return (nil, nil) }
            try worker.send([dispatched[0], EnvelopeCodec.encode(envelope.reply(.echoReply(.with {
                $0.payload = Data("seen by the raw peer".utf8)
                $0.servedBy = "raw-peer"
            })))], dontWait: false)
            let reply = try Self.receive(client, milliseconds: 5000) { _ in true }
            return (dispatched[1], reply?.first)
        }
        let forwarded = try #require(received, "the broker did not dispatch the request to the registered peer\n\(broker.log)")
        #expect(forwarded == request, "the broker changed the bytes of a newer-minor request")
        guard case .envelope(let envelope) = try EnvelopeCodec.decode(forwarded), case .echoRequest(let echo) = envelope.body else {
            Issue.record("the forwarded request is not the echo request")
            return
        }
        #expect(envelope.schemaMinor > IPCSchema.minor)
        #expect(!envelope.unknownFields.data.isEmpty && !echo.unknownFields.data.isEmpty, "unknown fields were dropped on the way")
        let replyBytes = try #require(answer, "no reply reached the requester")
        guard case .envelope(let reply) = try EnvelopeCodec.decode(replyBytes), case .echoReply(let echoed) = reply.body else {
            Issue.record("the requester did not get the echo reply")
            return
        }
        #expect(reply.correlationID == 77 && echoed.servedBy == "raw-peer")
    }

    /// The first message on `socket` within `milliseconds` that `accept` takes.
    static func receive(_ socket: ZMQSocket, milliseconds: Int,
                        where accept: ([[UInt8]]) -> Bool) throws -> [[UInt8]]? {
        var poller = ZMQPoller([.socket(socket)])
        let end = ContinuousClock.now + .milliseconds(milliseconds)
        while ContinuousClock.now < end {
            _ = try poller.wait(timeoutMilliseconds: 100)
            while let frames = try socket.receive() {
                if accept(frames) { return frames }
            }
        }
        return nil
    }
}
