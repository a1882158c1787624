internal import CZMQ

#if canImport(Glibc)
import Glibc
#endif

/// One libzmq socket. Closed in `deinit` (with the linger set by `linger`).
///
/// **Ownership rule.** A libzmq socket is not thread-safe: exactly one thread may
/// use it at a time, and it may move to another thread only across a full memory
/// barrier (a lock, a thread start). In IKEHub each socket is created and then
/// used only by the I/O thread of its owner (`HubIPC.IOLoop`); other threads talk
/// to that thread, never to the socket. That is why the class is `@unchecked
/// Sendable`: it may be handed to the thread that will own it, nothing more.
public final class ZMQSocket: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer
    /// The context this socket came from, kept alive while the socket exists.
    public let context: ZMQContext
    /// The pattern of this socket.
    public let type: ZMQSocketType

    /// A new socket of `type` in `context`, with linger 0 (pending messages are
    /// dropped on close: a restarted process resends what mattered).
    public init(context: ZMQContext, type: ZMQSocketType) throws(ZMQError) {
        guard let handle = zmq_socket(context.handle, type.rawValue) else { throw ZMQError("zmq_socket") }
        self.handle = handle
        self.context = context
        self.type = type
        try set(ZMQ_LINGER, Int32(0), "ZMQ_LINGER")
    }

    deinit {
        zmq_close(handle)
    }

    // MARK: - Endpoints

    /// Binds to `endpoint` (`ipc:///run/ikehub/authd.sock`, `tcp://10.0.0.1:5555`,
    /// `tcp://127.0.0.1:*`). Returns the endpoint actually bound (the port for `*`).
    @discardableResult
    public func bind(_ endpoint: String) throws(ZMQError) -> String {
        guard zmq_bind(handle, endpoint) == 0 else { throw ZMQError("zmq_bind", endpoint) }
        return (try? lastEndpoint) ?? endpoint
    }

    /// Connects to `endpoint`; libzmq reconnects by itself when the peer restarts.
    public func connect(_ endpoint: String) throws(ZMQError) {
        guard zmq_connect(handle, endpoint) == 0 else { throw ZMQError("zmq_connect", endpoint) }
    }

    /// Drops the connection to `endpoint` made by `connect`.
    public func disconnect(_ endpoint: String) throws(ZMQError) {
        guard zmq_disconnect(handle, endpoint) == 0 else { throw ZMQError("zmq_disconnect", endpoint) }
    }

    /// The last endpoint bound, with the real port after a wildcard bind.
    public var lastEndpoint: String {
        get throws(ZMQError) {
            var buffer = [CChar](repeating: 0, count: 512)
            var size = buffer.count
            guard zmq_getsockopt(handle, ZMQ_LAST_ENDPOINT, &buffer, &size) == 0 else {
                throw ZMQError("zmq_getsockopt", "ZMQ_LAST_ENDPOINT")
            }
            return String(cString: buffer)
        }
    }

    // MARK: - Sending and receiving

    /// Sends one multipart message. With `dontWait`, throws `wouldBlock` instead of
    /// waiting when the queue is full.
    public func send(_ frames: [[UInt8]], dontWait: Bool = true) throws(ZMQError) {
        for (index, frame) in frames.enumerated() {
            var flags: Int32 = dontWait ? ZMQ_DONTWAIT : 0
            if index < frames.count - 1 { flags |= ZMQ_SNDMORE }
            let sent = frame.withUnsafeBytes { zmq_send(handle, $0.baseAddress, $0.count, flags) }
            if sent < 0 { throw ZMQError("zmq_send") }
        }
    }

    /// Receives one whole multipart message; nil when nothing is waiting and
    /// `dontWait` is set.
    public func receive(dontWait: Bool = true) throws(ZMQError) -> [[UInt8]]? {
        var frames: [[UInt8]] = []
        var message = zmq_msg_t()
        zmq_msg_init(&message)
        defer { zmq_msg_close(&message) }
        while true {
            let flags: Int32 = (dontWait && frames.isEmpty) ? ZMQ_DONTWAIT : 0
            if zmq_msg_recv(&message, handle, flags) < 0 {
                let error = ZMQError("zmq_msg_recv")
                if error.wouldBlock && frames.isEmpty { return nil }
                if error.interrupted { continue }
                throw error
            }
            let size = zmq_msg_size(&message)
            if let data = zmq_msg_data(&message), size > 0 {
                frames.append(Array(UnsafeRawBufferPointer(start: data, count: size)))
            } else {
                frames.append([])
            }
            if zmq_msg_more(&message) == 0 { return frames }
        }
    }

    // MARK: - Options

    /// The routing id peers see for this socket (DEALER), at most 255 octets.
    public func setRoutingID(_ id: [UInt8]) throws(ZMQError) {
        try setBytes(ZMQ_ROUTING_ID, id, "ZMQ_ROUTING_ID")
    }

    /// ROUTER: fail with `peerUnreachable` instead of silently dropping a message
    /// for an unknown peer.
    public func setRouterMandatory(_ on: Bool) throws(ZMQError) {
        try set(ZMQ_ROUTER_MANDATORY, Int32(on ? 1 : 0), "ZMQ_ROUTER_MANDATORY")
    }

    /// ROUTER: a new connection with an existing routing id takes it over (a worker
    /// that restarted with its fixed id).
    public func setRouterHandover(_ on: Bool) throws(ZMQError) {
        try set(ZMQ_ROUTER_HANDOVER, Int32(on ? 1 : 0), "ZMQ_ROUTER_HANDOVER")
    }

    /// Queue messages only to completed connections (DEALER): with no peer,
    /// sending reports `wouldBlock` instead of filling a queue for a dead peer.
    public func setImmediate(_ on: Bool) throws(ZMQError) {
        try set(ZMQ_IMMEDIATE, Int32(on ? 1 : 0), "ZMQ_IMMEDIATE")
    }

    /// High-water marks (messages) for sending and receiving.
    public func setHighWaterMarks(send: Int32, receive: Int32) throws(ZMQError) {
        try set(ZMQ_SNDHWM, send, "ZMQ_SNDHWM")
        try set(ZMQ_RCVHWM, receive, "ZMQ_RCVHWM")
    }

    /// Reconnect interval after a lost connection, and its exponential cap, in ms.
    public func setReconnectInterval(milliseconds: Int32, maximum: Int32) throws(ZMQError) {
        try set(ZMQ_RECONNECT_IVL, milliseconds, "ZMQ_RECONNECT_IVL")
        try set(ZMQ_RECONNECT_IVL_MAX, maximum, "ZMQ_RECONNECT_IVL_MAX")
    }

    /// SUB: receive messages whose first frame starts with `prefix` (empty = all).
    public func subscribe(_ prefix: [UInt8]) throws(ZMQError) {
        try setBytes(ZMQ_SUBSCRIBE, prefix, "ZMQ_SUBSCRIBE")
    }

    /// XPUB: pass every subscription up, even repeated ones, so each new
    /// subscriber can be greeted.
    public func setPublisherVerbose(_ on: Bool) throws(ZMQError) {
        try set(ZMQ_XPUB_VERBOSE, Int32(on ? 1 : 0), "ZMQ_XPUB_VERBOSE")
    }

    /// Makes this socket a CURVE server with `secretKey` (Z85). Connecting clients
    /// must know its public key; a ZAP handler decides which clients are admitted.
    public func makeCurveServer(secretKey: String) throws(ZMQError) {
        try set(ZMQ_CURVE_SERVER, Int32(1), "ZMQ_CURVE_SERVER")
        try setString(ZMQ_CURVE_SECRETKEY, secretKey, "ZMQ_CURVE_SECRETKEY")
    }

    /// Makes this socket a CURVE client of the server with public key `serverKey`.
    public func makeCurveClient(keys: CurveKeyPair, serverKey: String) throws(ZMQError) {
        try setString(ZMQ_CURVE_SERVERKEY, serverKey, "ZMQ_CURVE_SERVERKEY")
        try setString(ZMQ_CURVE_PUBLICKEY, keys.publicKey, "ZMQ_CURVE_PUBLICKEY")
        try setString(ZMQ_CURVE_SECRETKEY, keys.secretKey, "ZMQ_CURVE_SECRETKEY")
    }

    /// The ZAP domain of this (server) socket: authentication requests name it.
    /// Setting one also makes libzmq consult ZAP for NULL-mechanism peers.
    public func setZAPDomain(_ domain: String) throws(ZMQError) {
        try setString(ZMQ_ZAP_DOMAIN, domain, "ZMQ_ZAP_DOMAIN")
    }

    /// Whether another frame of the message being received follows.
    public var hasMoreFrames: Bool {
        var value: Int32 = 0
        var size = MemoryLayout<Int32>.size
        return zmq_getsockopt(handle, ZMQ_RCVMORE, &value, &size) == 0 && value != 0
    }

    // MARK: - Raw option setters

    private func set(_ option: Int32, _ value: Int32, _ name: String) throws(ZMQError) {
        var value = value
        guard zmq_setsockopt(handle, option, &value, MemoryLayout<Int32>.size) == 0 else {
            throw ZMQError("zmq_setsockopt", name)
        }
    }

    private func setBytes(_ option: Int32, _ bytes: [UInt8], _ name: String) throws(ZMQError) {
        let result = bytes.withUnsafeBytes { zmq_setsockopt(handle, option, $0.baseAddress, $0.count) }
        guard result == 0 else { throw ZMQError("zmq_setsockopt", name) }
    }

    private func setString(_ option: Int32, _ text: String, _ name: String) throws(ZMQError) {
        try setBytes(option, Array(text.utf8), name)
    }
}
