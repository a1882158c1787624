import Foundation
public import HubIPC

/// One service a worker offers (`auth.psk`, `authz.radius`, `echo`, …). The
/// worker routes each request to the service named in its envelope.
public protocol WorkerService: Sendable {
    /// The name and kind the worker registers with the broker.
    var offer: IPCv1ServiceOffer { get }
    /// Answers one request. Runs concurrently with other requests.
    func handle(_ request: IPCRequest) async -> IPCv1Envelope.OneOf_Body

    /// The answer if it is known at once without waiting for anything (a pure
    /// computation): the worker then replies from its I/O thread and saves two
    /// thread hand-offs. Nil (the default): `handle` runs in a task.
    func answerImmediately(_ request: IPCRequest) -> IPCv1Envelope.OneOf_Body?
}

extension WorkerService {
    public func answerImmediately(_ request: IPCRequest) -> IPCv1Envelope.OneOf_Body? { nil }
}

/// `echo`: answers the payload with the name of the worker that served it, after
/// `delay_ms` if asked. The spine's end-to-end service: it proves routing, load
/// spreading, re-dispatch and de-duplication without any auth plugin.
public struct EchoService: WorkerService {
    /// The name put in `served_by`.
    public let workerName: String

    public init(workerName: String) { self.workerName = workerName }

    public var offer: IPCv1ServiceOffer { .with { $0.name = "echo" } }

    public func answerImmediately(_ request: IPCRequest) -> IPCv1Envelope.OneOf_Body? {
        guard case .echoRequest(let echo) = request.envelope.body, echo.delayMs == 0 else { return nil }
        return .echoReply(.with {
            $0.payload = echo.payload
            $0.servedBy = workerName
        })
    }

    public func handle(_ request: IPCRequest) async -> IPCv1Envelope.OneOf_Body {
        guard case .echoRequest(let echo) = request.envelope.body else {
            return .error(.with { $0.code = .rejected; $0.reason = "echo answers EchoRequest only" })
        }
        if echo.delayMs > 0 {
            // Bounded: a test aid must not let a caller park a worker for ever.
            try? await Task.sleep(for: .milliseconds(Int(min(echo.delayMs, 30_000))))
        }
        return .echoReply(.with {
            $0.payload = echo.payload
            $0.servedBy = workerName
        })
    }
}

/// `health`: the worker's liveness and load.
public struct HealthService: WorkerService {
    let process: String
    let started = MonotonicTime.now()
    let epoch: UInt64

    public init(process: String, epoch: UInt64) {
        self.process = process
        self.epoch = epoch
    }

    public var offer: IPCv1ServiceOffer { .with { $0.name = "health" } }

    public func handle(_ request: IPCRequest) async -> IPCv1Envelope.OneOf_Body {
        .healthReply(.with {
            $0.process = process
            $0.epoch = epoch
            $0.uptimeMs = (MonotonicTime.now().nanoseconds &- started.nanoseconds) / 1_000_000
        })
    }
}
