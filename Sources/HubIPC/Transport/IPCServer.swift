import Foundation
import HubVocabulary
public import Logging
public import ZeroMQ

/// One request as a handler sees it.
public struct IPCRequest: Sendable {
    /// The decoded request (version checked, body known).
    public let envelope: IPCv1Envelope
    /// When the caller's budget runs out here (receipt time + `deadline_ms`);
    /// nil if the request has none.
    public let deadline: MonotonicTime?

    public init(envelope: IPCv1Envelope, deadline: MonotonicTime?) {
        self.envelope = envelope
        self.deadline = deadline
    }
}

/// Answers one request with a reply body. Runs concurrently for requests in flight.
public typealias IPCRequestHandler = @Sendable (IPCRequest) async -> IPCv1Envelope.OneOf_Body

/// The answering side of point-to-point request/reply: one ROUTER bound to one or
/// more endpoints. It enforces the version rules, answers an unknown body case
/// with `UnsupportedReply`, and answers a repeated idempotency key from the first
/// result (`ReplyCache`). Each request runs in its own task, so a slow one does
/// not hold up the others.
public final class IPCServer: Sendable {
    private let loop: IOLoop
    private let core: ServerCore
    /// The endpoints actually bound (with real ports after `tcp://…:*`).
    public let boundEndpoints: [String]

    /// Binds `endpoints`; `security` makes `tcp://` endpoints CURVE servers.
    public init(
        binding endpoints: [String], context: ZMQContext, security: CurveServerSecurity? = nil,
        name: String = "ipc-server", logger: Logger, handler: @escaping IPCRequestHandler
    ) throws(IPCError) {
        let socket: ZMQSocket
        var bound: [String] = []
        do {
            socket = try ZMQSocket(context: context, type: .router)
            try socket.setHighWaterMarks(send: 100_000, receive: 100_000)
            if let security { try security.apply(to: socket) }
            for endpoint in endpoints {
                let actual = try socket.bind(endpoint)
                RuntimeDirectory.restrictSocketFile(of: actual)
                bound.append(actual)
            }
        } catch {
            throw .transport(error)
        }
        boundEndpoints = bound
        loop = try IOLoop(name: name)
        core = ServerCore(socket: socket, loop: loop, logger: logger, handler: handler)
        let core = self.core
        loop.execute { core.attach() }
    }

    deinit {
        loop.stop()
    }

    /// Stops answering and closes the socket.
    public func close() {
        loop.stop()
    }
}

/// The loop-thread half of `IPCServer`.
final class ServerCore: @unchecked Sendable {
    private let socket: ZMQSocket
    private unowned let loop: IOLoop
    private let logger: Logger
    private let handler: IPCRequestHandler
    private var replies = ReplyCache()
    private let refusals: RefusalLog
    private let metrics = IPCMetrics(role: "server")

    init(socket: ZMQSocket, loop: IOLoop, logger: Logger, handler: @escaping IPCRequestHandler) {
        self.socket = socket
        self.loop = loop
        self.logger = logger
        self.handler = handler
        self.refusals = RefusalLog(logger: logger)
    }

    func attach() {
        loop.addSocket(socket) { [unowned self] socket in readRequests(socket) }
    }

    private func readRequests(_ socket: ZMQSocket) {
        for _ in 0..<1024 {
            guard let frames = try? socket.receive() else { return }
            guard frames.count >= 2, let body = frames.last else { continue }
            handle(peer: frames[0], bytes: body)
        }
    }

    private func handle(peer: [UInt8], bytes: [UInt8]) {
        let received: ReceivedEnvelope
        do {
            received = try EnvelopeCodec.decode(bytes)
        } catch {
            logger.warning("IPC request dropped: \(error)")
            var reply = IPCv1Envelope()
            reply.body = .error(.with { $0.code = .malformed; $0.reason = "\(error)" })
            send(to: peer, EnvelopeCodec.encode(reply))
            return
        }
        switch received {
        case .unsupportedMajor(let major, let minor):
            refusals.refused(peerMajor: major, peerMinor: minor, peer: peer)
            metrics.refused()
            send(to: peer, EnvelopeCodec.encode(.unsupportedMajorReply(peerMajor: major, peerMinor: minor)))
        case .unknownBody(let envelope, let field):
            logger.info("IPC request with unknown body case \(field) from schema v\(envelope.schemaMajor).\(envelope.schemaMinor): answered Unsupported")
            send(to: peer, EnvelopeCodec.encode(envelope.unsupportedReply(fieldNumber: field)))
        case .envelope(let envelope):
            dispatch(envelope, peer: peer)
        }
    }

    private func dispatch(_ envelope: IPCv1Envelope, peer: [UInt8]) {
        let key = [UInt8](envelope.idempotencyKey)
        if !key.isEmpty {
            switch replies.entry(for: key) {
            case .completed(let reply):
                send(to: peer, reply)
                return
            case .inProgress:
                replies.redirect(key, to: peer)
                return
            case nil:
                replies.begin(key, peer: peer)
            }
        }
        let now = MonotonicTime.now()
        let deadline = envelope.deadlineMs > 0 ? now.adding(milliseconds: UInt64(envelope.deadlineMs)) : nil
        let request = IPCRequest(envelope: envelope, deadline: deadline)
        let handler = self.handler
        let loop = self.loop
        let label = envelope.service.isEmpty ? envelope.bodyName : envelope.service
        Task {
            let body = await handler(request)
            let outcome = if case .error = body { "error_reply" } else { "ok" }
            let reply = EnvelopeCodec.encode(envelope.reply(body))
            loop.execute { [self] in
                metrics.completed(service: label, outcome: outcome, since: now)
                complete(key: key, peer: peer, reply: reply)
            }
        }
    }

    private func complete(key: [UInt8], peer: [UInt8], reply: [UInt8]) {
        if key.isEmpty {
            send(to: peer, reply)
        } else if let latestPeer = replies.complete(key, reply: reply) {
            send(to: latestPeer, reply)
        }
    }

    private func send(to peer: [UInt8], _ reply: [UInt8]) {
        do {
            try socket.send([peer, reply])
        } catch {
            logger.debug("IPC reply not sent: \(error)")
        }
    }
}

/// One clear log line per peer and version when a peer on another major is
/// refused, not one per message.
final class RefusalLog: @unchecked Sendable {  // loop-thread only
    private let logger: Logger
    private var seen: Set<String> = []

    init(logger: Logger) { self.logger = logger }

    func refused(peerMajor: UInt32, peerMinor: UInt32, peer: [UInt8]) {
        let key = "\(peerMajor).\(peerMinor)/\(peer)"
        guard seen.count < 10_000, seen.insert(key).inserted else { return }
        logger.error("IPC peer refused: \(IPCError.unsupportedMajorVersion(peerMajor: peerMajor, peerMinor: peerMinor))",
                     metadata: ["ipc.peer": "\(Hex.encode(peer))"])
    }
}
