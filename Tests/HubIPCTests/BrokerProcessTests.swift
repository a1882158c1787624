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
            frames: [try FixtureFiles.binary("future", "minor1_unknown_field"), try FixtureFiles.binary("future", "minor1_unknown_body")],
            expecting: 2)
        var byCorrelation: [UInt64: IPCv1Envelope] = [:]
        for bytes in minor {
            if case .envelope(let reply) = try EnvelopeCodec.decode(bytes) { byCorrelation[reply.correlationID] = reply }
        }
        guard case .echoReply(let echo) = byCorrelation[77]?.body else {
            Issue.record("a newer-minor request with an unknown field was not served")
            return
        }
        #expect(echo.payload == Data("hello from minor 1".utf8) && echo.servedBy == "w")
        guard case .unsupported(let unsupported) = byCorrelation[78]?.body else {
            Issue.record("an unknown body case was not answered Unsupported")
            return
        }
        #expect(unsupported.bodyFieldNumber == 150)
        client.close()
        _ = worker
    }
}
