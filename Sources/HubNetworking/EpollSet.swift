internal import CLinux
#if canImport(Glibc)
import Glibc
#endif

/// A Linux epoll instance: level-triggered readability of many descriptors, each
/// registered with a token of the caller's. The data plane's outbound thread waits on one
/// TUN per session; poll(2) made the kernel walk every TUN on each wake-up (`tun_chr_poll`
/// was a tenth of the plane's time with 3,000 sessions), epoll costs only what is ready.
/// Handed to one thread, which alone uses it; the descriptor is closed in `deinit`.
public final class EpollSet: @unchecked Sendable {
    private let descriptor: Int32
    private var ready: [epoll_event]

    /// `batch`: at most this many ready descriptors are reported per wait.
    public init(batch: Int = 256) throws(SocketError) {
        descriptor = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard descriptor >= 0 else { throw SocketError(operation: "epoll_create1", address: nil, errorNumber: errno) }
        ready = [epoll_event](repeating: epoll_event(), count: max(1, batch))
    }

    deinit { close(descriptor) }

    /// Watches `fd` for input; `token` comes back from ``wait(timeoutMilliseconds:_:)``.
    public func add(_ fd: Int32, token: UInt64) throws(SocketError) {
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.u64 = token
        guard epoll_ctl(descriptor, EPOLL_CTL_ADD, fd, &event) == 0 else {
            throw SocketError(operation: "epoll_ctl(ADD, \(fd))", address: nil, errorNumber: errno)
        }
    }

    /// Stops watching `fd` (before it is closed; a closed descriptor leaves the set by itself).
    public func remove(_ fd: Int32) {
        _ = epoll_ctl(descriptor, EPOLL_CTL_DEL, fd, nil)
    }

    /// Waits until something is readable or `timeoutMilliseconds` pass (-1: no limit), then
    /// calls `body` with the token of each ready descriptor. Returns how many were ready
    /// (0 on a timeout or an interrupted wait).
    @discardableResult
    public func wait(timeoutMilliseconds: Int32, _ body: (UInt64) -> Void) -> Int {
        let count = ready.withUnsafeMutableBufferPointer { buffer in
            epoll_wait(descriptor, buffer.baseAddress, Int32(buffer.count), timeoutMilliseconds)
        }
        guard count > 0 else { return 0 }
        for index in 0..<Int(count) { body(ready[index].data.u64) }
        return Int(count)
    }
}
