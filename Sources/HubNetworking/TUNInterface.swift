internal import CLinux
#if canImport(Glibc)
import Glibc
#endif

/// A Linux TUN interface (layer 3, no packet-information header): the userspace data
/// plane's virtual-access interface. The descriptor is owned by this instance and closed in
/// `deinit`. A plain interface lives as long as the descriptor; a `persistent` one
/// (TUNSETPERSIST) outlives the process, addresses and routes included, so a restarted
/// tunnel manager attaches to it again — it is deleted only by `setPersistent(false)`
/// followed by the close.
public final class TUNInterface: @unchecked Sendable {
    public let descriptor: Int32
    /// The name the kernel gave the interface (the requested one, or `tun%d`'s result).
    public let name: String

    /// Creates (or attaches to) TUN interface `name` (at most 15 characters; `%d` allowed).
    public init(name requested: String, persistent: Bool = false) throws(SocketError) {
        guard requested.utf8.count < Int(IFNAMSIZ), !requested.isEmpty else {
            throw SocketError(operation: "TUN interface name '\(requested)' (1–\(IFNAMSIZ - 1) characters)", address: nil, errorNumber: EINVAL)
        }
        let fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { throw SocketError(operation: "open /dev/net/tun", address: nil, errorNumber: errno) }
        var request = ifreq()
        shim_ifreq_set_name(&request, requested)
        shim_ifreq_set_flags(&request, Int16(IFF_TUN | IFF_NO_PI))
        guard ioctl(fd, SHIM_TUNSETIFF, &request) == 0 else {
            let error = errno
            close(fd)
            throw SocketError(operation: "TUNSETIFF \(requested)", address: nil, errorNumber: error)
        }
        if persistent, ioctl(fd, SHIM_TUNSETPERSIST, 1) != 0 {
            let error = errno
            close(fd)
            throw SocketError(operation: "TUNSETPERSIST \(requested)", address: nil, errorNumber: error)
        }
        descriptor = fd
        name = String(cString: shim_ifreq_name(&request))
    }

    /// Turns persistence on or off; off makes the close in `deinit` delete the interface.
    public func setPersistent(_ on: Bool) throws(SocketError) {
        guard ioctl(descriptor, SHIM_TUNSETPERSIST, on ? 1 : 0) == 0 else {
            throw SocketError(operation: "TUNSETPERSIST \(name)", address: nil, errorNumber: errno)
        }
    }

    deinit {
        close(descriptor)
    }

    /// Reads one IP packet; waits up to `timeoutMilliseconds` (−1 = forever); `nil` on timeout.
    public func readPacket(into buffer: inout [UInt8], timeoutMilliseconds: Int32 = -1) throws(SocketError) -> Int? {
        var poll = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let ready = Glibc.poll(&poll, 1, timeoutMilliseconds)
        if ready == 0 { return nil }
        guard ready > 0 else { throw SocketError(operation: "poll \(name)", address: nil, errorNumber: errno) }
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        guard count >= 0 else { throw SocketError(operation: "read \(name)", address: nil, errorNumber: errno) }
        return count
    }

    /// Writes one IP packet into the interface (the kernel routes it onward).
    public func writePacket(_ bytes: UnsafeRawBufferPointer) throws(SocketError) {
        let written = write(descriptor, bytes.baseAddress, bytes.count)
        guard written == bytes.count else { throw SocketError(operation: "write \(name)", address: nil, errorNumber: errno) }
    }
}
