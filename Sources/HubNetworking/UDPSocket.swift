import HubVocabulary
// In a whole-module (release) build the clang importer attributes <sys/socket.h>'s SOCK_* to
// CLinux, whose header includes it; without this import they are not in scope here.
internal import CLinux
#if canImport(Glibc)
import Glibc
#endif

/// Why a socket operation failed: the call, the address and `errno`'s text.
public struct SocketError: Error, Equatable, Sendable, CustomStringConvertible {
    public let operation: String
    public let address: SocketAddress?
    public let errorNumber: Int32

    public var description: String {
        let place = address.map { " \($0)" } ?? ""
        return "\(operation)\(place): \(String(cString: strerror(errorNumber)))"
    }
}

/// A bound UDP socket (IKE on 500/4500, RADIUS, tests). The descriptor is owned by the
/// instance and closed in `deinit`. Reads block; the owner gives it a thread.
public final class UDPSocket: @unchecked Sendable {
    /// The descriptor; only this class closes it.
    public let descriptor: Int32
    /// The address actually bound (the kernel's port when 0 was asked for).
    public let localAddress: SocketAddress

    /// Binds `address`. IPv6 sockets are v6-only so that a v4 socket can share the port.
    public init(binding address: SocketAddress, reuseAddress: Bool = true) throws(SocketError) {
        let family: Int32
        switch address.address {
        case .v4: family = AF_INET
        case .v6: family = AF_INET6
        }
        let fd = socket(family, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SocketError(operation: "socket", address: address, errorNumber: errno) }
        var one: Int32 = 1
        if reuseAddress {
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        }
        if family == AF_INET6 {
            setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &one, socklen_t(MemoryLayout<Int32>.size))
        }
        let bound = address.withSockAddr { Glibc.bind(fd, $0, $1) }
        guard bound == 0 else {
            let error = errno
            close(fd)
            throw SocketError(operation: "bind", address: address, errorNumber: error)
        }
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let named = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0, let local = SocketAddress(storage: storage) else {
            let error = errno
            close(fd)
            throw SocketError(operation: "getsockname", address: address, errorNumber: error)
        }
        descriptor = fd
        localAddress = local
    }

    deinit {
        close(descriptor)
    }

    /// Sends one datagram.
    public func send(_ bytes: [UInt8], to destination: SocketAddress) throws(SocketError) {
        let sent = destination.withSockAddr { address, length in
            bytes.withUnsafeBytes { sendto(descriptor, $0.baseAddress, $0.count, 0, address, length) }
        }
        guard sent == bytes.count else { throw SocketError(operation: "sendto", address: destination, errorNumber: errno) }
    }

    /// Waits up to `timeoutMilliseconds` (−1 = forever) for one datagram; `nil` on timeout.
    public func receive(maximumSize: Int = 65535, timeoutMilliseconds: Int32 = -1) throws(SocketError) -> (bytes: [UInt8], from: SocketAddress)? {
        var poll = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let ready = Glibc.poll(&poll, 1, timeoutMilliseconds)
        if ready == 0 { return nil }
        guard ready > 0 else { throw SocketError(operation: "poll", address: localAddress, errorNumber: errno) }
        var buffer = [UInt8](repeating: 0, count: maximumSize)
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let count = buffer.withUnsafeMutableBytes { raw in
            withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    recvfrom(descriptor, raw.baseAddress, raw.count, 0, $0, &length)
                }
            }
        }
        guard count >= 0 else { throw SocketError(operation: "recvfrom", address: localAddress, errorNumber: errno) }
        guard let source = SocketAddress(storage: storage) else {
            throw SocketError(operation: "recvfrom (unknown address family)", address: localAddress, errorNumber: EAFNOSUPPORT)
        }
        return (Array(buffer[0..<count]), source)
    }
}
