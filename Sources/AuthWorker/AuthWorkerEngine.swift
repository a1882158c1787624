import Foundation
public import HubIPC
public import Logging
public import ZeroMQ

/// Where a worker connects and what it offers.
public struct WorkerConfiguration: Sendable {
    /// The broker's worker endpoint (`ipc://…/authd-workers.sock` or `tcp://host:port`).
    public var brokerEndpoint: String
    /// CURVE for a `tcp://` broker: our key pair and the broker's public key.
    public var security: CurveClientSecurity?
    /// Name shown in `show auth workers`.
    public var name: String
    /// Requests taken at once (announced to the broker).
    public var capacity: Int = 256
    /// Heartbeat period until the broker says otherwise.
    public var heartbeatInterval: Duration = .seconds(1)
    /// Missed broker heartbeats after which we register again.
    public var heartbeatLiveness: Int = 3

    public init(brokerEndpoint: String, security: CurveClientSecurity? = nil, name: String) {
        self.brokerEndpoint = brokerEndpoint
        self.security = security
        self.name = name
    }
}

/// The worker side of the broker protocol (Protocols/README.md "ZeroMQ
/// framing"): registers its services, heartbeats, answers `[token, envelope]`
/// requests, registers again when the broker restarts, and leaves gracefully.
/// A repeated idempotency key is answered from its first result here too, so a
/// retry that reaches the same worker through a restarted broker runs once.
public final class AuthWorkerEngine: Sendable {
    private let loop: IOLoop
    private let core: WorkerCore

    /// Connects and registers. `services` are matched by `offer.name`.
    public init(configuration: WorkerConfiguration, services: [any WorkerService], context: ZMQContext,
                logger: Logger) throws(IPCError) {
        let socket: ZMQSocket
        do {
            socket = try ZMQSocket(context: context, type: .dealer)
            try socket.setHighWaterMarks(send: 200_000, receive: 200_000)
            try socket.setReconnectInterval(milliseconds: 100, maximum: 1000)
            // A fresh routing id per incarnation (a restarted worker is a new
            // worker): 8 random octets, short because the broker hashes it per message.
            // The first octet is non-zero: ZeroMQ reserves ids starting with 0.
            var generator = SystemRandomNumberGenerator()
            var routingID = (0..<8).map { _ in UInt8.random(in: 0...255, using: &generator) }
            routingID[0] = routingID[0] | 1
            try socket.setRoutingID(routingID)
            try configuration.security?.apply(to: socket)
            try socket.connect(configuration.brokerEndpoint)
        } catch {
            throw .transport(error)
        }
        loop = try IOLoop(name: "auth-worker")
        core = WorkerCore(socket: socket, loop: loop, configuration: configuration, services: services, logger: logger)
        let core = self.core
        loop.execute { core.start() }
    }

    deinit {
        loop.stop()
    }

    /// Whether the broker has acknowledged our registration (and not lost us since).
    public func isRegistered() async -> Bool {
        let core = self.core
        return await withCheckedContinuation { continuation in
            if !loop.execute({ continuation.resume(returning: core.registered) }) {
                continuation.resume(returning: false)
            }
        }
    }

    /// Tells the broker we leave, waits up to `grace` for requests in flight to be
    /// answered, then stops.
    public func leave(reason: String, grace: Duration = .seconds(5)) async {
        let core = self.core
        loop.execute { core.leave(reason: reason) }
        // Give the leave message time to reach the broker (sockets linger 0).
        try? await Task.sleep(for: .milliseconds(100))
        let end = ContinuousClock.now + grace
        while ContinuousClock.now < end {
            let busy = await withCheckedContinuation { continuation in
                if !loop.execute({ continuation.resume(returning: core.inFlight) }) {
                    continuation.resume(returning: 0)
                }
            }
            if busy == 0 { break }
            try? await Task.sleep(for: .milliseconds(50))
        }
        loop.stop()
    }

    /// Serves new requests with `services` from now on (a reload). Requests already
    /// running finish on the services they started on, and so do EAP conversations
    /// between rounds (`ServiceRoutes`). When the offer changed (a service added or
    /// removed) the worker registers again; the broker then re-dispatches what this
    /// worker held and ends its pinned conversations (CONVERSATION_LOST), as for any
    /// re-registration. Returns whether the offer changed.
    @discardableResult
    public func replaceServices(_ services: [any WorkerService]) async -> Bool {
        let core = self.core
        return await withCheckedContinuation { continuation in
            if !loop.execute({ continuation.resume(returning: core.replaceServices(services)) }) {
                continuation.resume(returning: false)
            }
        }
    }

    /// Stops at once (requests in flight are re-dispatched by the broker).
    public func close() {
        loop.stop()
    }
}

/// The loop-thread half of `AuthWorkerEngine`.
final class WorkerCore: @unchecked Sendable {
    private let socket: ZMQSocket
    private unowned let loop: IOLoop
    private let configuration: WorkerConfiguration
    private var routes: ServiceRoutes
    private let logger: Logger
    private var heartbeatMilliseconds: UInt64
    private var liveness: UInt64
    private var lastHeardFromBroker = MonotonicTime.now()
    private var lastRegisterSent = MonotonicTime(nanoseconds: 0)
    private var replies = ReplyCache()
    private var leaving = false
    /// Heartbeat rounds in a row with the broker silent.
    private var silentRounds = 0
    var registered = false
    var inFlight = 0

    init(socket: ZMQSocket, loop: IOLoop, configuration: WorkerConfiguration, services: [any WorkerService], logger: Logger) {
        self.socket = socket
        self.loop = loop
        self.configuration = configuration
        self.routes = ServiceRoutes(services)
        self.logger = logger
        self.heartbeatMilliseconds = max(10, UInt64(configuration.heartbeatInterval.components.seconds) * 1000
            + UInt64(configuration.heartbeatInterval.components.attoseconds / 1_000_000_000_000_000))
        self.liveness = UInt64(max(1, configuration.heartbeatLiveness))
    }

    func start() {
        loop.addSocket(socket) { [unowned self] socket in read(socket) }
        register()
        scheduleHeartbeat()
    }

    private func register() {
        lastRegisterSent = .now()
        let message = IPCv1Envelope.request(.workerRegister(.with {
            $0.services = routes.offers
            $0.capacity = UInt32(clamping: configuration.capacity)
            $0.workerName = configuration.name
            $0.pid = UInt32(clamping: getpid())
        }))
        send([EnvelopeCodec.encode(message)])
    }

    func replaceServices(_ services: [any WorkerService]) -> Bool {
        let changed = routes.replace(with: services)
        if changed, !leaving {
            logger.notice("offered services changed to \(routes.offers.map(\.name).joined(separator: ", ")): registering again")
            register()
        }
        return changed
    }

    func leave(reason: String) {
        leaving = true
        send([EnvelopeCodec.encode(.request(.workerLeave(.with { $0.reason = reason })))])
    }

    private func scheduleHeartbeat() {
        loop.schedule(at: MonotonicTime.now().adding(milliseconds: heartbeatMilliseconds)) { [unowned self] in
            heartbeat()
            scheduleHeartbeat()
        }
    }

    private func heartbeat() {
        guard !leaving else { return }
        routes.expireIdle()
        let now = MonotonicTime.now()
        let silentFor = (now.nanoseconds &- lastHeardFromBroker.nanoseconds) / 1_000_000
        if silentFor > heartbeatMilliseconds * liveness {
            // The broker is gone or restarted without us noticing: offer ourselves
            // again (once per interval) until it answers.
            if registered { logger.warning("broker silent for \(silentFor) ms: registering again") }
            registered = false
            silentRounds += 1
            if silentRounds % 3 == 0 {
                // libzmq does not retry a CURVE handshake the broker's ZAP handler
                // refused; a fresh connection asks again (our key may have been
                // added to the allow-list since).
                try? socket.disconnect(configuration.brokerEndpoint)
                try? socket.connect(configuration.brokerEndpoint)
            }
            register()
            return
        }
        silentRounds = 0
        send([EnvelopeCodec.encode(.request(.workerHeartbeat(.with { $0.requestsInFlight = UInt32(clamping: inFlight) })))])
    }

    private func send(_ frames: [[UInt8]]) {
        do {
            try socket.send(frames)
        } catch {
            logger.debug("to broker not sent: \(error)")
        }
    }

    private func read(_ socket: ZMQSocket) {
        for _ in 0..<1024 {
            guard let frames = try? socket.receive() else { return }
            lastHeardFromBroker = .now()
            if frames.count == 2 {
                request(token: frames[0], bytes: frames[1])
            } else if let only = frames.first {
                control(only)
            }
        }
    }

    private func control(_ bytes: [UInt8]) {
        guard case .envelope(let envelope) = try? EnvelopeCodec.decode(bytes) else { return }
        switch envelope.body {
        case .workerRegistered(let welcome):
            if !registered { logger.info("registered with the broker at \(configuration.brokerEndpoint)") }
            registered = true
            if welcome.heartbeatIntervalMs > 0 { heartbeatMilliseconds = UInt64(welcome.heartbeatIntervalMs) }
            if welcome.heartbeatLiveness > 0 { liveness = UInt64(welcome.heartbeatLiveness) }
        case .error(let error) where error.code == .notRegistered:
            registered = false
            if !leaving, (MonotonicTime.now().nanoseconds &- lastRegisterSent.nanoseconds) / 1_000_000 >= heartbeatMilliseconds / 2 {
                register()
            }
        case .error(let error):
            logger.error("broker refused us: \(error.reason)")
        default:
            break
        }
    }

    private func request(token: [UInt8], bytes: [UInt8]) {
        let envelope: IPCv1Envelope
        switch try? EnvelopeCodec.decode(bytes) {
        case .envelope(let known):
            envelope = known
        case .unknownBody(let unknown, let field):
            send([token, EnvelopeCodec.encode(unknown.unsupportedReply(fieldNumber: field))])
            return
        case .unsupportedMajor(let major, let minor):
            send([token, EnvelopeCodec.encode(.unsupportedMajorReply(peerMajor: major, peerMinor: minor))])
            return
        case nil:
            return
        }
        let key = [UInt8](envelope.idempotencyKey)
        if !key.isEmpty {
            switch replies.entry(for: key) {
            case .completed(let reply):
                send([token, reply])
                return
            case .inProgress:
                // The first run answers with its own token; this token's request
                // was re-sent by a restarted broker, so answer it too when done.
                replies.redirect(key, to: token)
                return
            case nil:
                replies.begin(key, peer: token)
            }
        }
        guard let service = routes.service(for: envelope) else {
            send([token, EnvelopeCodec.encode(envelope.errorReply(.noSuchService, "\(configuration.name) does not offer \(envelope.service)"))])
            return
        }
        let deadline = envelope.deadlineMs > 0 ? MonotonicTime.now().adding(milliseconds: UInt64(envelope.deadlineMs)) : nil
        let request = IPCRequest(envelope: envelope, deadline: deadline)
        if let body = service.answerImmediately(request) {
            routes.answered(envelope, by: service, with: body)
            finish(token: token, key: key, reply: EnvelopeCodec.encode(envelope.reply(body)))
            return
        }
        inFlight += 1
        let loop = self.loop
        Task {
            let body = await service.handle(request)
            let reply = EnvelopeCodec.encode(envelope.reply(body))
            loop.execute { [self] in
                inFlight -= 1
                routes.answered(envelope, by: service, with: body)
                finish(token: token, key: key, reply: reply)
            }
        }
    }

    private func finish(token: [UInt8], key: [UInt8], reply: [UInt8]) {
        if key.isEmpty {
            send([token, reply])
        } else {
            let latest = replies.complete(key, reply: reply) ?? token
            send([latest, reply])
            if latest != token { send([token, reply]) }
        }
    }
}
