internal import CZMQ

/// The ZeroMQ socket patterns IKEHub uses.
public enum ZMQSocketType: Sendable {
    /// Asynchronous requester: many requests in flight (our request side, and workers).
    case dealer
    /// Addressed replier: prefixes each message with the peer's routing id.
    case router
    /// Event publisher.
    case publisher
    /// Event publisher that also receives subscriptions (to greet new subscribers).
    case extendedPublisher
    /// Event subscriber.
    case subscriber
    /// Strict request/reply (only for ZAP, where libzmq demands REP semantics).
    case reply
    /// One-to-one (in-process wake-ups and tests).
    case pair

    var rawValue: Int32 {
        switch self {
        case .dealer: ZMQ_DEALER
        case .router: ZMQ_ROUTER
        case .publisher: ZMQ_PUB
        case .extendedPublisher: ZMQ_XPUB
        case .subscriber: ZMQ_SUB
        case .reply: ZMQ_REP
        case .pair: ZMQ_PAIR
        }
    }
}
