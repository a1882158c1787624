internal import CLinux
import HubVocabulary
#if canImport(Glibc)
import Glibc
#endif

/// How IKE messages that arrive on the NAT-T port reach the IKE frontend when the
/// userspace data plane owns UDP 4500 (DESIGN §5: ESP must not pass through the frontend
/// or ZeroMQ, so tunneld holds 4500 and hands only IKE across).
///
/// Two `AF_UNIX` datagram sockets in the runtime directory (mode 0600): tunneld binds
/// `tunneld-natt.sock` and the frontend `ike-natt.sock`. Each datagram is one IKE message
/// (without the non-ESP marker) behind a fixed 40-octet header:
///
/// ```
///  0      version (1)            1  address family of both endpoints (4 or 6)
///  2..3   remote port            4..5 local port          (big-endian)
///  6..7   reserved (0)
///  8..23  remote address (IPv4 in the first 4 octets)
/// 24..39  local address
/// ```
/// From tunneld: "this arrived from remote at local"; to tunneld: "send this from local
/// to remote" (tunneld adds the marker).
public final class IKEHandoffSocket: @unchecked Sendable {
    public static let headerSize = 40
    public static let version: UInt8 = 1
    /// Socket file names inside the runtime directory.
    public static let frontendSocketName = "ike-natt.sock"
    public static let tunnelManagerSocketName = "tunneld-natt.sock"

    /// One handed-over message.
    public struct Message: Hashable, Sendable {
        public var remote: SocketAddress
        public var local: SocketAddress
        public var ikeMessage: [UInt8]

        public init(remote: SocketAddress, local: SocketAddress, ikeMessage: [UInt8]) {
            self.remote = remote
            self.local = local
            self.ikeMessage = ikeMessage
        }

        /// The datagram on the handoff socket.
        public func encoded() -> [UInt8]? {
            let family: UInt8
            switch (remote.address, local.address) {
            case (.v4, .v4): family = 4
            case (.v6, .v6): family = 6
            default: return nil
            }
            var bytes = [UInt8](repeating: 0, count: IKEHandoffSocket.headerSize)
            bytes[0] = IKEHandoffSocket.version
            bytes[1] = family
            bytes[2] = UInt8(remote.port >> 8); bytes[3] = UInt8(remote.port & 0xff)
            bytes[4] = UInt8(local.port >> 8); bytes[5] = UInt8(local.port & 0xff)
            for (index, byte) in remote.address.bytes.enumerated() { bytes[8 + index] = byte }
            for (index, byte) in local.address.bytes.enumerated() { bytes[24 + index] = byte }
            return bytes + ikeMessage
        }

        /// Reads a handoff datagram; `nil` for a wrong version, family or size.
        public init?(decoding bytes: [UInt8]) {
            guard bytes.count >= IKEHandoffSocket.headerSize, bytes[0] == IKEHandoffSocket.version else { return nil }
            let length = bytes[1] == 4 ? 4 : (bytes[1] == 6 ? 16 : 0)
            guard length > 0,
                  let remoteAddress = IPAddress(bytes: bytes[8..<(8 + length)]),
                  let localAddress = IPAddress(bytes: bytes[24..<(24 + length)]) else { return nil }
            remote = SocketAddress(address: remoteAddress, port: UInt16(bytes[2]) << 8 | UInt16(bytes[3]))
            local = SocketAddress(address: localAddress, port: UInt16(bytes[4]) << 8 | UInt16(bytes[5]))
            ikeMessage = Array(bytes[IKEHandoffSocket.headerSize...])
        }
    }

    public let descriptor: Int32
    public let path: String
    private let peerPath: String

    /// Binds `path` (replacing a stale socket file) and sends to `peerPath`.
    public init(bindingPath path: String, peerPath: String) throws(SocketError) {
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SocketError(operation: "socket(AF_UNIX)", address: nil, errorNumber: errno) }
        unlink(path)
        let bound = Self.withUnixAddress(path) { bind(fd, $0, $1) }
        guard bound == 0 else {
            let error = errno
            close(fd)
            throw SocketError(operation: "bind \(path)", address: nil, errorNumber: error)
        }
        chmod(path, 0o600)
        var size: Int32 = 4 * 1024 * 1024
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        descriptor = fd
        self.path = path
        self.peerPath = peerPath
    }

    deinit {
        close(descriptor)
        unlink(path)
    }

    /// Hands `message` to the peer. Fails (ENOENT/ECONNREFUSED) while the peer is not up;
    /// IKE retransmits, so the caller just counts the drop.
    public func send(_ message: Message) throws(SocketError) {
        guard let bytes = message.encoded() else {
            throw SocketError(operation: "handoff (mixed address families)", address: message.remote, errorNumber: EAFNOSUPPORT)
        }
        // The peer's queue holds only net.unix.max_dgram_qlen (10) datagrams whatever its
        // buffer: a burst meets EAGAIN. The peer drains it at once, so wait a little (≤ 10 ms)
        // rather than drop an answer — a lost final IKE_AUTH answer leaves a client hanging.
        for attempt in 0..<50 {
            let sent = Self.withUnixAddress(peerPath) { address, length in
                bytes.withUnsafeBytes { sendto(descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT), address, length) }
            }
            if sent == bytes.count { return }
            let error = errno
            guard error == EAGAIN || error == EWOULDBLOCK, attempt < 49 else {
                throw SocketError(operation: "handoff to \(peerPath)", address: message.remote, errorNumber: error)
            }
            usleep(200)
        }
    }

    /// Waits up to `timeoutMilliseconds` (−1 = forever) for one message; `nil` on timeout.
    /// Malformed datagrams are skipped.
    public func receive(timeoutMilliseconds: Int32 = -1) throws(SocketError) -> Message? {
        var poll = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let ready = Glibc.poll(&poll, 1, timeoutMilliseconds)
        if ready == 0 { return nil }
        guard ready > 0 else {
            if errno == EINTR { return nil }
            throw SocketError(operation: "poll \(path)", address: nil, errorNumber: errno)
        }
        var buffer = [UInt8](repeating: 0, count: 65535 + Self.headerSize)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        guard count >= 0 else { throw SocketError(operation: "recv \(path)", address: nil, errorNumber: errno) }
        return Message(decoding: Array(buffer[0..<count]))
    }

    private static func withUnixAddress<Result>(_ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> Result) -> Result {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.utf8.prefix(capacity - 1).enumerated() { raw[index] = byte }
        }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
    }
}
