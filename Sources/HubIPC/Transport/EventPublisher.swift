import Foundation
public import Logging
public import ZeroMQ

/// Publishes a process's events (`events.proto`) on an XPUB socket. Frames are
/// `[topic, envelope]`. Every new subscriber is greeted with the process epoch,
/// so a peer that connects late still learns it (ZeroMQ PUB drops what was sent
/// before a subscriber joined).
public final class EventPublisher: Sendable {
    private let loop: IOLoop
    private let core: PublisherCore
    /// The endpoints actually bound.
    public let boundEndpoints: [String]

    /// Binds `endpoints`; `greeting` is the epoch event sent on start and to each
    /// new subscriber.
    public init(binding endpoints: [String], context: ZMQContext, greeting: IPCv1ProcessEpoch, logger: Logger) throws(IPCError) {
        let socket: ZMQSocket
        var bound: [String] = []
        do {
            socket = try ZMQSocket(context: context, type: .extendedPublisher)
            try socket.setPublisherVerbose(true)
            for endpoint in endpoints {
                let actual = try socket.bind(endpoint)
                RuntimeDirectory.restrictSocketFile(of: actual)
                bound.append(actual)
            }
        } catch {
            throw .transport(error)
        }
        boundEndpoints = bound
        loop = try IOLoop(name: "events")
        var event = IPCv1Event()
        event.processEpoch = greeting
        core = PublisherCore(socket: socket, greeting: event, logger: logger)
        let core = self.core, loop = self.loop
        loop.execute {
            loop.addSocket(socket) { socket in core.readSubscriptions(socket) }
            core.publish(core.greeting)
        }
    }

    deinit {
        loop.stop()
    }

    /// Publishes `event` to every subscriber of its topic.
    public func publish(_ event: IPCv1Event) {
        let core = self.core
        loop.execute { core.publish(event) }
    }

    /// Stops publishing.
    public func close() {
        loop.stop()
    }
}

/// The topic frame of an event: subscribers filter on it without decoding.
public func eventTopic(_ event: IPCv1Event) -> String {
    switch event.kind {
    case .processEpoch: "epoch"
    case .sessionUp: "session.up"
    case .sessionDown: "session.down"
    case nil: "unknown"
    }
}

final class PublisherCore: @unchecked Sendable {
    private let socket: ZMQSocket
    let greeting: IPCv1Event
    private let logger: Logger

    init(socket: ZMQSocket, greeting: IPCv1Event, logger: Logger) {
        self.socket = socket
        self.greeting = greeting
        self.logger = logger
    }

    /// XPUB delivers `[0x01, topic…]` for a subscription: greet the newcomer.
    func readSubscriptions(_ socket: ZMQSocket) {
        while let frames = try? socket.receive() {
            guard let first = frames.first, first.first == 1 else { continue }
            let topic = Array(first.dropFirst())
            if topic.isEmpty || "epoch".utf8.starts(with: topic) || topic.starts(with: "epoch".utf8) {
                publish(greeting)
            }
        }
    }

    func publish(_ event: IPCv1Event) {
        var envelope = IPCv1Envelope.request(.event(event))
        envelope.senderEpoch = greeting.processEpoch.epoch
        do {
            try socket.send([Array(eventTopic(event).utf8), EnvelopeCodec.encode(envelope)])
        } catch {
            logger.debug("event not published: \(error)")
        }
    }
}
