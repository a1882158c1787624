import Foundation
public import Logging
public import ZeroMQ

/// Subscribes to the events of one or more processes and delivers them as an
/// `AsyncStream`. Envelopes on another major are dropped with one log line.
public final class EventSubscriber: Sendable {
    private let loop: IOLoop
    /// Events in arrival order; ends when the subscriber is closed.
    public let events: AsyncStream<IPCv1Event>
    private let continuation: AsyncStream<IPCv1Event>.Continuation

    /// Connects to `endpoints` and subscribes to `topics` (empty: all).
    public init(connectingTo endpoints: [String], topics: [String] = [], context: ZMQContext, logger: Logger) throws(IPCError) {
        let socket: ZMQSocket
        do {
            socket = try ZMQSocket(context: context, type: .subscriber)
            if topics.isEmpty {
                try socket.subscribe([])
            } else {
                for topic in topics { try socket.subscribe(Array(topic.utf8)) }
            }
            for endpoint in endpoints { try socket.connect(endpoint) }
        } catch {
            throw .transport(error)
        }
        let (stream, continuation) = AsyncStream<IPCv1Event>.makeStream(bufferingPolicy: .bufferingNewest(10_000))
        events = stream
        self.continuation = continuation
        loop = try IOLoop(name: "event-sub")
        let loop = self.loop
        let refusals = RefusalLog(logger: logger)
        loop.execute {
            loop.addSocket(socket) { socket in
                while let frames = try? socket.receive() {
                    guard frames.count == 2 else { continue }
                    switch try? EnvelopeCodec.decode(frames[1]) {
                    case .envelope(let envelope):
                        if case .event(let event) = envelope.body { continuation.yield(event) }
                    case .unsupportedMajor(let major, let minor):
                        refusals.refused(peerMajor: major, peerMinor: minor, peer: frames[0])
                    default:
                        break
                    }
                }
            }
        }
    }

    deinit {
        continuation.finish()
        loop.stop()
    }

    /// Stops receiving and ends `events`.
    public func close() {
        loop.stop()
        continuation.finish()
    }
}
