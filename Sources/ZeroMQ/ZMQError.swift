internal import CZMQ

#if canImport(Glibc)
import Glibc
#endif

/// A failed libzmq call: which call, on what, and libzmq's errno and message.
public struct ZMQError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The libzmq function that failed, e.g. `zmq_bind`.
    public let operation: String
    /// What the call was about (an endpoint, an option name).
    public let subject: String
    /// The errno value libzmq reported.
    public let code: Int32

    /// Builds an error from the calling thread's current `zmq_errno()`.
    init(_ operation: String, _ subject: String = "") {
        self.operation = operation
        self.subject = subject
        self.code = zmq_errno()
    }

    init(_ operation: String, _ subject: String, code: Int32) {
        self.operation = operation
        self.subject = subject
        self.code = code
    }

    /// The call would block (`EAGAIN`): nothing to receive, or the send queue is full.
    public var wouldBlock: Bool { code == EAGAIN }
    /// The context was terminated while the call ran (`ETERM`).
    public var contextTerminated: Bool { code == ETERM }
    /// A ROUTER with `routerMandatory` could not route to the peer (`EHOSTUNREACH`).
    public var peerUnreachable: Bool { code == EHOSTUNREACH }
    /// Interrupted by a signal (`EINTR`); the caller retries.
    public var interrupted: Bool { code == EINTR }

    public var description: String {
        let message = String(cString: zmq_strerror(code))
        return subject.isEmpty ? "\(operation): \(message) (errno \(code))"
            : "\(operation) \(subject): \(message) (errno \(code))"
    }
}
