internal import CZMQ

#if canImport(Glibc)
import Glibc
#endif

/// Waits until one of a fixed set of sockets or file descriptors can be read
/// (`zmq_poll`). Owned by one thread, like the sockets it polls.
public struct ZMQPoller {
    /// What to watch.
    public enum Item {
        /// A ZeroMQ socket; ready when a whole message can be received.
        case socket(ZMQSocket)
        /// A plain file descriptor (an eventfd that wakes the I/O thread).
        case fileDescriptor(Int32)
    }

    private var items: [zmq_pollitem_t]
    private let sockets: [ZMQSocket?]

    /// A poller over `items`, all watched for input.
    public init(_ items: [Item]) {
        var raw: [zmq_pollitem_t] = []
        var kept: [ZMQSocket?] = []
        for item in items {
            switch item {
            case .socket(let socket):
                raw.append(zmq_pollitem_t(socket: socket.handle, fd: -1, events: Int16(ZMQ_POLLIN), revents: 0))
                kept.append(socket)
            case .fileDescriptor(let fd):
                raw.append(zmq_pollitem_t(socket: nil, fd: fd, events: Int16(ZMQ_POLLIN), revents: 0))
                kept.append(nil)
            }
        }
        self.items = raw
        self.sockets = kept
    }

    /// Blocks until something is readable or `timeoutMilliseconds` pass (-1 waits
    /// for ever). Returns the indices, in `items` order, that are readable.
    public mutating func wait(timeoutMilliseconds: Int) throws(ZMQError) -> [Int] {
        let count = Int32(items.count)
        let result = items.withUnsafeMutableBufferPointer { zmq_poll($0.baseAddress, count, timeoutMilliseconds) }
        if result < 0 {
            let error = ZMQError("zmq_poll")
            if error.interrupted { return [] }
            throw error
        }
        if result == 0 { return [] }
        var ready: [Int] = []
        for index in items.indices where items[index].revents & Int16(ZMQ_POLLIN) != 0 {
            ready.append(index)
        }
        return ready
    }
}
