import Foundation
import HubIPC
import Logging
import Synchronization
import Testing
import ZeroMQ

/// Request/reply, retries, idempotency and versioning over real ZeroMQ sockets
/// in one process (the multi-process tests are in ProcessTests).
@Suite struct TransportTests {
    static func echoServer(_ endpoint: String, context: ZMQContext, logger: Logger,
                           executions: ExecutionCounter? = nil) throws -> IPCServer {
        try IPCServer(binding: [endpoint], context: context, logger: logger) { request in
            executions?.value.add(1, ordering: .relaxed)
            guard case .echoRequest(let echo) = request.envelope.body else {
                return .error(.with { $0.code = .rejected; $0.reason = "echo only" })
            }
            if echo.delayMs > 0 { try? await Task.sleep(for: .milliseconds(Int(echo.delayMs))) }
            return .echoReply(.with { $0.payload = echo.payload; $0.servedBy = "test-server" })
        }
    }

    static func echo(_ text: String, delay: UInt32 = 0) -> IPCv1Envelope.OneOf_Body {
        .echoRequest(.with { $0.payload = Data(text.utf8); $0.delayMs = delay })
    }

    @Test func testThousandPipelinedRequestsAllComplete_whenSentConcurrently() async throws {
        let directory = try RuntimeDirectory(path: makeTestDirectory("pipelined"))
        let context = try ZMQContext()
        let capture = LogCapture()
        let server = try Self.echoServer(directory.endpoint("echo"), context: context, logger: capture.logger())
        let client = try IPCClient(connectingTo: server.boundEndpoints[0], context: context, logger: capture.logger())
        let answers = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<1000 {
                group.addTask {
                    let reply = try await client.request(Self.echo("request \(index)"))
                    guard case .echoReply(let echo) = reply.body else { return false }
                    return echo.payload == Data("request \(index)".utf8)
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(answers.count == 1000 && answers.allSatisfy { $0 })
        let statistics = await client.statistics()
        #expect(statistics.completed == 1000 && statistics.duplicateReplies == 0)
        client.close()
        server.close()
    }

    @Test func testRuntimeDirectoryIsOwnerOnly_whenCreated() throws {
        let path = makeTestDirectory("mode")
        _ = try RuntimeDirectory(path: path)
        var info = Foundation.stat()
        #expect(stat(path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o700)
        chmod(path, 0o755)
        _ = try RuntimeDirectory(path: path)
        #expect(stat(path, &info) == 0 && info.st_mode & 0o777 == 0o700, "mode not repaired")
    }

    @Test func testRetriedNonIdempotentRequestRunsOnce_whenAttemptsTimeOut() async throws {
        let directory = try RuntimeDirectory(path: makeTestDirectory("idem"))
        let context = try ZMQContext()
        let capture = LogCapture()
        let executions = ExecutionCounter()
        let server = try Self.echoServer(directory.endpoint("echo"), context: context, logger: capture.logger(),
                                         executions: executions)
        let client = try IPCClient(connectingTo: server.boundEndpoints[0], context: context, logger: capture.logger())
        // Each attempt waits 100 ms; the server takes 450 ms: the request is sent 4-5 times.
        let policy = RetryPolicy(deadline: .seconds(5), attemptTimeout: .milliseconds(100), maximumAttempts: 50)
        let reply = try await client.request(Self.echo("allocate", delay: 450), idempotent: false, policy: policy)
        guard case .echoReply(let echo) = reply.body else {
            Issue.record("no echo reply")
            return
        }
        #expect(echo.payload == Data("allocate".utf8))
        try await Task.sleep(for: .milliseconds(200))
        let statistics = await client.statistics()
        #expect(statistics.retries >= 3, "retries: \(statistics.retries)")
        #expect(executions.value.load(ordering: .relaxed) == 1, "a retried non-idempotent request ran more than once")
        #expect(statistics.completed == 1 && statistics.duplicateReplies == 0)
        client.close()
        server.close()
    }

    @Test func testRequestCompletes_whenServerStartsAfterTheFirstAttempt() async throws {
        let directory = try RuntimeDirectory(path: makeTestDirectory("late"))
        let context = try ZMQContext()
        let capture = LogCapture()
        let endpoint = directory.endpoint("late")
        let client = try IPCClient(connectingTo: endpoint, context: context, logger: capture.logger())
        let policy = RetryPolicy(deadline: .seconds(4), attemptTimeout: .milliseconds(200), maximumAttempts: 20)
        async let reply = client.request(Self.echo("early"), policy: policy)
        try await Task.sleep(for: .milliseconds(500))
        let server = try Self.echoServer(endpoint, context: context, logger: capture.logger())
        guard case .echoReply(let echo) = try await reply.body else {
            Issue.record("no echo reply")
            return
        }
        #expect(echo.payload == Data("early".utf8))
        #expect(await client.statistics().retries >= 1)
        client.close()
        server.close()
    }

    @Test func testDeadlineExceededIsThrown_whenNoServerAnswers() async throws {
        let context = try ZMQContext()
        let client = try IPCClient(connectingTo: "ipc://\(makeTestDirectory("none")).sock", context: context,
                                   logger: LogCapture().logger())
        let started = ContinuousClock.now
        await #expect(throws: IPCError.deadlineExceeded(service: "echo", attempts: 3)) {
            _ = try await client.request(Self.echo("x"), service: "echo",
                                         policy: RetryPolicy(deadline: .milliseconds(600), attemptTimeout: .milliseconds(200), maximumAttempts: 3))
        }
        #expect(ContinuousClock.now - started < .seconds(2))
        client.close()
    }

    @Test func testMajorTwoPeerIsRefusedWithOneClearLogLine_whenItSendsRequests() async throws {
        let directory = try RuntimeDirectory(path: makeTestDirectory("major2"))
        let context = try ZMQContext()
        let capture = LogCapture()
        let server = try Self.echoServer(directory.endpoint("echo"), context: context, logger: capture.logger())
        let v2 = try FixtureFiles.binary("future", "major2")
        let replies = try await ProcessHarness.rawExchange(endpoint: server.boundEndpoints[0], frames: [v2, v2, v2], expecting: 3)
        #expect(replies.count == 3)
        guard case .envelope(let reply) = try EnvelopeCodec.decode(replies[0]), case .error(let error) = reply.body else {
            Issue.record("refusal is not a v1 ErrorReply")
            return
        }
        #expect(reply.schemaMajor == 1)
        #expect(error.code == .unsupportedMajorVersion && error.supportedMajors == [1])
        let lines = capture.all.filter { $0.contains("v2.0") }
        #expect(lines == ["error IPC peer refused: peer speaks ikehub.ipc v2.0, this process v1.\(IPCSchema.minor)"])
        server.close()
    }

    @Test func testNewerMinorWithUnknownFieldIsServed_andUnknownBodyGetsUnsupported() async throws {
        let directory = try RuntimeDirectory(path: makeTestDirectory("minor"))
        let context = try ZMQContext()
        let capture = LogCapture()
        let server = try Self.echoServer(directory.endpoint("echo"), context: context, logger: capture.logger())
        let raw = try await ProcessHarness.rawExchange(
            endpoint: server.boundEndpoints[0],
            frames: [try FixtureFiles.binary("future", "minor2_unknown_field"), try FixtureFiles.binary("future", "minor2_unknown_body")],
            expecting: 2)
        var replies: [UInt64: IPCv1Envelope] = [:]
        for bytes in raw {
            if case .envelope(let reply) = try EnvelopeCodec.decode(bytes) { replies[reply.correlationID] = reply }
        }
        guard case .echoReply(let echo) = replies[77]?.body else {
            Issue.record("the newer-minor echo was not served: \(String(describing: replies[77]?.bodyName))")
            return
        }
        #expect(echo.payload == Data("hello from minor 2".utf8))
        guard case .unsupported(let unsupported) = replies[78]?.body else {
            Issue.record("the unknown body case was not answered Unsupported")
            return
        }
        #expect(unsupported.bodyFieldNumber == 150)
        server.close()
    }

    @Test func testCurveClientIsAdmittedOnlyWithAllowedKey_whenZAPChecksTheAllowList() async throws {
        let context = try ZMQContext()
        let capture = LogCapture()
        let serverKeys = try CurveKeyPair.generate()
        let allowed = try CurveKeyPair.generate()
        let stranger = try CurveKeyPair.generate()
        let zap = try ZAPAuthenticator(context: context, allowList: ["workers": [allowed.publicKey]], logger: capture.logger())
        let server = try IPCServer(binding: ["tcp://127.0.0.1:*"], context: context,
                                   security: CurveServerSecurity(keys: serverKeys, zapDomain: "workers"),
                                   logger: capture.logger()) { request in
            .echoReply(.with { $0.payload = Data("admitted".utf8) })
        }
        let endpoint = server.boundEndpoints[0]
        let good = try IPCClient(connectingTo: endpoint, context: context,
                                 security: CurveClientSecurity(keys: allowed, serverPublicKey: serverKeys.publicKey),
                                 logger: capture.logger())
        let reply = try await good.request(Self.echo("hi"))
        guard case .echoReply(let echo) = reply.body else {
            Issue.record("allowed client not served")
            return
        }
        #expect(echo.payload == Data("admitted".utf8))
        let bad = try IPCClient(connectingTo: endpoint, context: context,
                                security: CurveClientSecurity(keys: stranger, serverPublicKey: serverKeys.publicKey),
                                logger: capture.logger())
        await #expect(throws: IPCError.self) {
            _ = try await bad.request(Self.echo("hi"), policy: .once(deadline: .milliseconds(700)))
        }
        #expect(capture.all.contains { $0.contains("ZAP refused CURVE key \(stranger.publicKey)") })
        good.close()
        bad.close()
        server.close()
        zap.close()
    }

    @Test func testLateSubscriberIsGreetedWithEpoch_whenItConnectsAfterStart() async throws {
        let directory = try RuntimeDirectory(path: makeTestDirectory("events"))
        let context = try ZMQContext()
        let capture = LogCapture()
        let greeting = IPCv1ProcessEpoch.with { $0.process = "ikehub-test"; $0.epoch = 0xfeed; $0.pid = UInt32(getpid()) }
        let publisher = try EventPublisher(binding: [directory.endpoint("events")], context: context, greeting: greeting,
                                           logger: capture.logger())
        try await Task.sleep(for: .milliseconds(100))
        let subscriber = try EventSubscriber(connectingTo: publisher.boundEndpoints, context: context, logger: capture.logger())
        var iterator = subscriber.events.makeAsyncIterator()
        let first = await iterator.next()
        #expect(first?.processEpoch.epoch == 0xfeed && first?.processEpoch.process == "ikehub-test")
        publisher.publish(.with { $0.sessionDown = .with { $0.reason = "test" } })
        let second = await iterator.next()
        #expect(second?.sessionDown.reason == "test")
        subscriber.close()
        publisher.close()
    }
}

/// Counts handler runs across tasks.
final class ExecutionCounter: Sendable {
    let value = Atomic<Int>(0)
}
