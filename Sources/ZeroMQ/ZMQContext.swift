internal import CZMQ

/// A libzmq context: owns the I/O threads and every socket created from it.
///
/// Thread-safe (libzmq contexts are). `deinit` terminates it, which blocks until
/// every socket of the context is closed; sockets keep their context alive.
public final class ZMQContext: @unchecked Sendable {
    // Immutable after init; libzmq's context functions are thread-safe.
    let handle: UnsafeMutableRawPointer

    /// A new context with `ioThreads` libzmq I/O threads.
    public init(ioThreads: Int32 = 1) throws(ZMQError) {
        guard let handle = zmq_ctx_new() else { throw ZMQError("zmq_ctx_new") }
        self.handle = handle
        zmq_ctx_set(handle, ZMQ_IO_THREADS, ioThreads)
        // Our processes open few sockets; the default (1023) is plenty, keep it.
    }

    deinit {
        while zmq_ctx_term(handle) != 0 && zmq_errno() == EINTR {}
    }

    /// The libzmq version, e.g. `4.3.4`.
    public static var libraryVersion: String {
        var major: Int32 = 0, minor: Int32 = 0, patch: Int32 = 0
        zmq_version(&major, &minor, &patch)
        return "\(major).\(minor).\(patch)"
    }

    /// True when libzmq was built with CURVE (libsodium or tweetnacl).
    public static var hasCurve: Bool { zmq_has("curve") == 1 }
}
