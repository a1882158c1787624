import Foundation
public import HubVocabulary
public import Logging
import Synchronization
public import ZeroMQ

/// The requesting side of a request/reply conversation: one DEALER connected to
/// a ROUTER (a daemon, or the auth broker), with many requests in flight at
/// once, matched to their replies by correlation id (DESIGN.md §3: pipelined,
/// never one blocking REQ per request).
///
/// Each request has a deadline and is resent, with the same correlation id and
/// idempotency key, when an attempt gets no reply in time. A late reply to a
/// request already answered is dropped and counted (`statistics`).
public final class IPCClient: Sendable {
    private let loop: IOLoop
    private let core: ClientCore
    private let nextCorrelationID = Atomic<UInt64>(1)
    /// The endpoint this client connects to.
    public let endpoint: String

    /// Connects to `endpoint` (`ipc://…` or `tcp://…`; with `security` for CURVE).
    /// Connecting never waits for the server: requests made before it is up are
    /// retried by their policy.
    public init(
        connectingTo endpoint: String, context: ZMQContext, security: CurveClientSecurity? = nil,
        routingID: [UInt8]? = nil, name: String = "ipc-client", logger: Logger
    ) throws(IPCError) {
        let socket: ZMQSocket
        do {
            socket = try ZMQSocket(context: context, type: .dealer)
            try socket.setImmediate(true)
            try socket.setHighWaterMarks(send: 100_000, receive: 100_000)
            try socket.setReconnectInterval(milliseconds: 100, maximum: 1000)
            if let routingID { try socket.setRoutingID(routingID) }
            try security?.apply(to: socket)
            try socket.connect(endpoint)
        } catch {
            throw .transport(error)
        }
        self.endpoint = endpoint
        self.loop = try IOLoop(name: name)
        self.core = ClientCore(socket: socket, loop: loop, endpoint: endpoint, logger: logger)
        let core = self.core
        loop.execute { core.attach() }
    }

    deinit {
        loop.stop()
    }

    /// Sends `body` and waits for its reply.
    ///
    /// - Parameters:
    ///   - service: the broker routes on it; empty for point-to-point servers.
    ///   - session: the session the request is about, if any.
    ///   - idempotent: false for requests that must not run twice (allocation, an
    ///     EAP round): they get a fresh idempotency key, and retries reuse it.
    /// - Returns: the reply envelope; an `ErrorReply` or `UnsupportedReply` body is
    ///   thrown as `IPCError.remote` / `.unsupportedByPeer` instead.
    public func request(
        _ body: IPCv1Envelope.OneOf_Body, service: String = "", session: SessionID? = nil,
        idempotent: Bool = true, policy: RetryPolicy = .standard
    ) async throws(IPCError) -> IPCv1Envelope {
        var envelope = IPCv1Envelope.request(body, service: service, session: session,
                                             idempotencyKey: idempotent ? [] : Self.randomKey())
        envelope.correlationID = nextCorrelationID.wrappingAdd(1, ordering: .relaxed).oldValue
        return try await send(envelope, policy: policy)
    }

    /// Sends a fully built envelope (its correlation id is replaced) and waits.
    public func send(_ envelope: IPCv1Envelope, policy: RetryPolicy = .standard) async throws(IPCError) -> IPCv1Envelope {
        var envelope = envelope
        if envelope.correlationID == 0 {
            envelope.correlationID = nextCorrelationID.wrappingAdd(1, ordering: .relaxed).oldValue
        }
        let correlationID = envelope.correlationID
        let core = self.core
        let outcome: Result<IPCv1Envelope, IPCError> = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<IPCv1Envelope, IPCError>, Never>) in
                let request = PendingRequest(envelope: envelope, policy: policy, continuation: continuation)
                if !loop.execute({ core.submit(request) }) {
                    continuation.resume(returning: .failure(.closed))
                }
            }
        } onCancel: {
            loop.execute { core.cancel(correlationID) }
        }
        return try outcome.get()
    }

    /// Counters of this client, read on its I/O thread.
    public func statistics() async -> IPCClientStatistics {
        let core = self.core
        return await withCheckedContinuation { continuation in
            if !loop.execute({ continuation.resume(returning: core.statistics) }) {
                continuation.resume(returning: IPCClientStatistics())
            }
        }
    }

    /// Fails every outstanding request with `.closed` and stops the I/O thread.
    public func close() {
        let core = self.core
        loop.execute { core.failAll(.closed) }
        loop.stop()
    }

    static func randomKey() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).flatMap { _ -> [UInt8] in
            let value = generator.next() as UInt64
            return (0..<8).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
        }
    }
}

/// What an `IPCClient` has seen.
public struct IPCClientStatistics: Sendable, Equatable {
    /// Requests answered (with any body).
    public var completed = 0
    /// Requests that failed (deadline, refusal, cancellation).
    public var failed = 0
    /// Attempts after the first.
    public var retries = 0
    /// Replies for a request already answered or unknown (dropped).
    public var duplicateReplies = 0
    /// Replies whose major version was not ours.
    public var refusedReplies = 0
}

struct PendingRequest: @unchecked Sendable {
    var envelope: IPCv1Envelope
    let policy: RetryPolicy
    let continuation: CheckedContinuation<Result<IPCv1Envelope, IPCError>, Never>
}

/// The loop-thread half of `IPCClient`: everything here runs on its `IOLoop`.
final class ClientCore: @unchecked Sendable {
    private struct InFlight {
        var request: PendingRequest
        var attempt: Int
        let deadline: MonotonicTime
        let started: MonotonicTime
    }

    private let socket: ZMQSocket
    private unowned let loop: IOLoop
    private let endpoint: String
    private let logger: Logger
    private var inFlight: [UInt64: InFlight] = [:]
    private var loggedRefusal = false
    private let metrics: IPCMetrics
    var statistics = IPCClientStatistics()

    init(socket: ZMQSocket, loop: IOLoop, endpoint: String, logger: Logger) {
        self.socket = socket
        self.loop = loop
        self.endpoint = endpoint
        self.logger = logger
        self.metrics = IPCMetrics(role: "client")
    }

    func attach() {
        loop.addSocket(socket) { [unowned self] socket in readReplies(socket) }
    }

    func submit(_ request: PendingRequest) {
        let now = MonotonicTime.now()
        let deadline = now.adding(milliseconds: request.policy.deadline.wholeMilliseconds)
        let correlationID = request.envelope.correlationID
        inFlight[correlationID] = InFlight(request: request, attempt: 0, deadline: deadline, started: now)
        transmit(correlationID, now: now)
    }

    func cancel(_ correlationID: UInt64) {
        finish(correlationID, .failure(.closed))
    }

    func failAll(_ error: IPCError) {
        for correlationID in Array(inFlight.keys) { finish(correlationID, .failure(error)) }
    }

    /// Sends attempt n+1 of a request and arms its attempt timer.
    private func transmit(_ correlationID: UInt64, now: MonotonicTime) {
        guard var state = inFlight[correlationID] else { return }
        state.attempt += 1
        state.request.envelope.attempt = UInt32(state.attempt)
        state.request.envelope.deadlineMs = UInt32(clamping: state.deadline.millisecondsFromNow(now))
        if state.attempt > 1 {
            statistics.retries += 1
            metrics.retried(service: state.request.envelope.service)
        }
        inFlight[correlationID] = state
        do {
            try socket.send([EnvelopeCodec.encodeVerbatim(state.request.envelope)])
        } catch {
            // No connected peer (ZMQ_IMMEDIATE) or a full queue: the attempt timer resends.
            logger.debug("IPC send deferred", metadata: ["ipc.endpoint": "\(endpoint)", "ipc.error": "\(error)"])
        }
        let attemptEnds = now.adding(milliseconds: state.request.policy.attemptTimeout.wholeMilliseconds)
        let attempt = state.attempt
        loop.schedule(at: min(attemptEnds, state.deadline)) { [unowned self] in
            attemptTimedOut(correlationID, attempt: attempt)
        }
    }

    private func attemptTimedOut(_ correlationID: UInt64, attempt: Int) {
        guard let state = inFlight[correlationID], state.attempt == attempt else { return }
        let now = MonotonicTime.now()
        if state.attempt < state.request.policy.maximumAttempts, now < state.deadline {
            transmit(correlationID, now: now)
        } else {
            finish(correlationID, .failure(.deadlineExceeded(service: state.request.envelope.service, attempts: state.attempt)))
        }
    }

    private func readReplies(_ socket: ZMQSocket) {
        for _ in 0..<1024 {
            guard let frames = try? socket.receive(), let frame = frames.last else { return }
            handleReply(frame)
        }
    }

    private func handleReply(_ bytes: [UInt8]) {
        let decoded: ReceivedEnvelope
        do {
            decoded = try EnvelopeCodec.decode(bytes)
        } catch {
            logger.warning("IPC reply dropped", metadata: ["ipc.endpoint": "\(endpoint)", "ipc.error": "\(error)"])
            return
        }
        switch decoded {
        case .unsupportedMajor(let major, let minor):
            statistics.refusedReplies += 1
            if !loggedRefusal {
                loggedRefusal = true
                logger.error("IPC peer refused: \(IPCError.unsupportedMajorVersion(peerMajor: major, peerMinor: minor))",
                             metadata: ["ipc.endpoint": "\(endpoint)"])
            }
            // A DEALER has one server: none of our requests can succeed there.
            failAll(.unsupportedMajorVersion(peerMajor: major, peerMinor: minor))
        case .unknownBody(let envelope, _), .envelope(let envelope):
            guard inFlight[envelope.correlationID] != nil else {
                statistics.duplicateReplies += 1
                metrics.duplicateReply()
                return
            }
            switch envelope.body {
            case .error(let error) where error.code == .unsupportedMajorVersion:
                if !loggedRefusal {
                    loggedRefusal = true
                    logger.error("IPC server refused our schema: \(error.reason)", metadata: ["ipc.endpoint": "\(endpoint)"])
                }
                finish(envelope.correlationID, .failure(.remote(code: error.code, reason: error.reason)))
            case .error(let error):
                finish(envelope.correlationID, .failure(.remote(code: error.code, reason: error.reason)))
            case .unsupported(let unsupported):
                finish(envelope.correlationID, .failure(.unsupportedByPeer(
                    bodyFieldNumber: unsupported.bodyFieldNumber, peerMinor: unsupported.receiverMinor)))
            default:
                finish(envelope.correlationID, .success(envelope))
            }
        }
    }

    private func finish(_ correlationID: UInt64, _ outcome: Result<IPCv1Envelope, IPCError>) {
        guard let state = inFlight.removeValue(forKey: correlationID) else { return }
        let service = state.request.envelope.service
        switch outcome {
        case .success:
            statistics.completed += 1
            metrics.completed(service: service, outcome: "ok", since: state.started)
        case .failure(let error):
            statistics.failed += 1
            metrics.completed(service: service, outcome: error.metricsOutcome, since: state.started)
        }
        state.request.continuation.resume(returning: outcome)
    }
}
