internal import CLinux
import HubVocabulary
#if canImport(Glibc)
import Glibc
#endif

/// A raw IP socket for protocol 50 (ESP, RFC 4303) bound to one local address: plain ESP
/// for peers that are not behind a NAT, carried by the userspace data plane on kernels
/// without ESP. The kernel hands raw sockets every datagram of their protocol whether or
/// not it has a handler of its own, and builds the IP header of what we send.
///
/// Needs CAP_NET_RAW; without it `init` throws and the data plane does ESP-in-UDP only.
/// The descriptor is non-blocking, owned by the instance and closed in `deinit`.
public final class RawESPSocket: @unchecked Sendable {
    /// IANA protocol number of ESP.
    public static let protocolNumber: Int32 = 50

    public let descriptor: Int32
    public let localAddress: IPAddress
    private let isIPv4: Bool

    public init(binding address: IPAddress) throws(SocketError) {
        let family: Int32
        switch address {
        case .v4: family = AF_INET
        case .v6: family = AF_INET6
        }
        let where_ = SocketAddress(address: address, port: 0)
        let fd = socket(family, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue),
                        Self.protocolNumber)
        guard fd >= 0 else { throw SocketError(operation: "socket(SOCK_RAW, ESP)", address: where_, errorNumber: errno) }
        let bound = where_.withSockAddr { Glibc.bind(fd, $0, $1) }
        guard bound == 0 else {
            let error = errno
            close(fd)
            throw SocketError(operation: "bind raw ESP", address: where_, errorNumber: error)
        }
        descriptor = fd
        localAddress = address
        isIPv4 = family == AF_INET
    }

    deinit {
        close(descriptor)
    }

    /// Reads one datagram into `buffer`; returns where its ESP packet lies in it and the
    /// source address, or `nil` when nothing is queued. IPv4 raw sockets deliver the IP
    /// header too (RFC 791 IHL), IPv6 ones the payload only.
    public func receive(into buffer: UnsafeMutableRawBufferPointer) throws(SocketError) -> (esp: Range<Int>, source: IPAddress)? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let count = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                recvfrom(descriptor, buffer.baseAddress, buffer.count, Int32(MSG_TRUNC), $0, &length)
            }
        }
        if count < 0 {
            if errno == EAGAIN || errno == EWOULDBLOCK { return nil }
            throw SocketError(operation: "recvfrom raw ESP", address: SocketAddress(address: localAddress, port: 0), errorNumber: errno)
        }
        guard count <= buffer.count, let source = SocketAddress(storage: storage)?.address else {
            return (0..<0, localAddress)   // truncated or unknown family: an empty packet the caller drops
        }
        var start = 0
        if isIPv4 {
            guard count >= 20 else { return (0..<0, source) }
            start = Int(buffer[0] & 0x0f) * 4
            guard start >= 20, start <= count else { return (0..<0, source) }
        }
        return (start..<count, source)
    }

    /// Sends one ESP packet to `destination`; the kernel adds the IP header.
    public func send(_ packet: UnsafeRawBufferPointer, to destination: IPAddress) throws(SocketError) {
        let target = SocketAddress(address: destination, port: 0)
        let sent = target.withSockAddr { address, length in sendto(descriptor, packet.baseAddress, packet.count, 0, address, length) }
        guard sent == packet.count else { throw SocketError(operation: "sendto raw ESP", address: target, errorNumber: errno) }
    }
}
