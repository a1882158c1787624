import Foundation
import HubIPC
import Logging
import Metrics
import ZeroMQ

/// The broker's state and routing, on its I/O thread only.
final class BrokerCore: @unchecked Sendable {
    static let zapDomain = "ikehub.workers"

    let frontend: ZMQSocket
    let backend: ZMQSocket
    unowned let loop: IOLoop
    let configuration: BrokerConfiguration
    let logger: Logger
    let refusals: RefusalLogger

    var workers: [[UInt8]: WorkerRecord] = [:]
    /// Workers per service, in registration order (the round-robin ring).
    var ring: [String: [[UInt8]]] = [:]
    var cursor: [String: Int] = [:]
    /// Dispatched or queued requests by dispatch token.
    var requests: [UInt64: BrokerRequest] = [:]
    var tokenByRequester: [RequesterKey: UInt64] = [:]
    /// Tokens waiting for a worker, per service, oldest first.
    var waiting: [String: [UInt64]] = [:]
    var pins: [PinKey: (worker: [UInt8], lastUsed: MonotonicTime)] = [:]
    var replies = ReplyCache()
    /// EAP MSKs kept for the final AUTH round, by session (BrokerCore+EAP.swift).
    var heldKeys: [[UInt8]: HeldMSK] = [:]
    var nextToken: UInt64 = 1
    let started = MonotonicTime.now()

    let metrics = BrokerMetrics()

    var heartbeatMilliseconds: UInt64 { configuration.heartbeatInterval.componentsMilliseconds }
    var livenessMilliseconds: UInt64 { heartbeatMilliseconds * UInt64(max(1, configuration.heartbeatLiveness)) }

    init(frontend: ZMQSocket, backend: ZMQSocket, loop: IOLoop, configuration: BrokerConfiguration, logger: Logger) {
        self.frontend = frontend
        self.backend = backend
        self.loop = loop
        self.configuration = configuration
        self.logger = logger
        self.refusals = RefusalLogger(logger: logger)
    }

    func start() {
        loop.addSocket(frontend) { [unowned self] socket in readFrontend(socket) }
        loop.addSocket(backend) { [unowned self] socket in readBackend(socket) }
        scheduleTick()
    }

    // MARK: - Timers

    /// Heartbeats go out once per interval; liveness is checked four times as
    /// often so a dead worker is noticed soon after its third missed beat.
    private var lastHeartbeatSent = MonotonicTime(nanoseconds: 0)

    private func scheduleTick() {
        loop.schedule(at: MonotonicTime.now().adding(milliseconds: max(1, heartbeatMilliseconds / 4))) { [unowned self] in
            tick()
            scheduleTick()
        }
    }

    private func tick() {
        let now = MonotonicTime.now()
        if now.nanoseconds &- lastHeartbeatSent.nanoseconds >= heartbeatMilliseconds * 1_000_000 {
            lastHeartbeatSent = now
            let beat = EnvelopeCodec.encode(.request(.workerHeartbeat(.init())))
            for id in Array(workers.keys) { sendToWorker(id, [beat]) }
        }
        for (id, worker) in workers where now.nanoseconds &- worker.lastHeard.nanoseconds > livenessMilliseconds * 1_000_000 {
            workerDied(id, reason: "missed \(configuration.heartbeatLiveness) heartbeats")
        }
        let idle = configuration.pinIdleLifetime.componentsMilliseconds * 1_000_000
        pins = pins.filter { now.nanoseconds &- $0.value.lastUsed.nanoseconds < idle }
        expireWaiting(now)
    }

    // MARK: - Sending

    func sendToClient(_ client: [UInt8], _ bytes: [UInt8]) {
        do {
            try frontend.send([client, bytes])
        } catch {
            logger.debug("reply to requester not sent: \(error)")
        }
    }

    /// Sends to a worker; false if it is gone (ROUTER_MANDATORY reports it).
    @discardableResult
    func sendToWorker(_ id: [UInt8], _ frames: [[UInt8]]) -> Bool {
        do {
            try backend.send([id] + frames)
            return true
        } catch {
            if error.peerUnreachable, workers[id] != nil {
                workerDied(id, reason: "connection gone")
            }
            return false
        }
    }

    func snapshot() -> [BrokerWorkerSnapshot] {
        workers.values.sorted { $0.name < $1.name }.map {
            BrokerWorkerSnapshot(name: $0.name, pid: $0.pid, services: $0.services.sorted(),
                                 outstanding: $0.outstanding.count, answered: $0.answered, leaving: $0.leaving)
        }
    }
}

/// Logs one line per refused peer version, not one per message.
final class RefusalLogger {
    private let logger: Logger
    private var seen: Set<String> = []

    init(logger: Logger) { self.logger = logger }

    func refused(side: String, major: UInt32, minor: UInt32) {
        guard seen.count < 1000, seen.insert("\(side) \(major).\(minor)").inserted else { return }
        logger.error("IPC peer refused on the \(side) socket: \(IPCError.unsupportedMajorVersion(peerMajor: major, peerMinor: minor))")
    }
}

/// Broker counters (Prometheus through swift-metrics).
struct BrokerMetrics {
    let dispatched = Counter(label: "ikehub_broker_dispatched_total")
    let redispatched = Counter(label: "ikehub_broker_redispatched_total")
    let answered = Counter(label: "ikehub_broker_answered_total")
    let cachedAnswers = Counter(label: "ikehub_broker_cached_answers_total")
    let lateReplies = Counter(label: "ikehub_broker_late_replies_total")
    let expired = Counter(label: "ikehub_broker_expired_total")
    let workerDeaths = Counter(label: "ikehub_broker_worker_deaths_total")
    let workersRegistered = Gauge(label: "ikehub_broker_workers")
    let latency = Metrics.Timer(label: "ikehub_broker_request_duration_seconds")
}

extension Duration {
    var componentsMilliseconds: UInt64 {
        let (seconds, attoseconds) = components
        return UInt64(max(0, seconds)) * 1000 + UInt64(max(0, attoseconds) / 1_000_000_000_000_000)
    }
}
