#if canImport(Glibc)
import Glibc
#endif

/// Non-blocking packet I/O for the ESP data plane's poll loop (no per-packet allocation).
extension TUNInterface {
    /// Makes `readPacket(into:)` return `nil` instead of blocking when no packet is queued.
    public func setNonBlocking() throws(SocketError) {
        let flags = fcntl(descriptor, F_GETFL)
        guard flags >= 0, fcntl(descriptor, F_SETFL, flags | O_NONBLOCK) == 0 else {
            throw SocketError(operation: "fcntl O_NONBLOCK \(name)", address: nil, errorNumber: errno)
        }
    }

    /// Reads one IP packet into `buffer`; `nil` when none is queued (non-blocking mode). A
    /// packet longer than `buffer` is cut short by the kernel, so size it above the MTU.
    public func readPacket(into buffer: UnsafeMutableRawBufferPointer) throws(SocketError) -> Int? {
        let count = read(descriptor, buffer.baseAddress, buffer.count)
        if count >= 0 { return count }
        if errno == EAGAIN || errno == EINTR { return nil }
        throw SocketError(operation: "read \(name)", address: nil, errorNumber: errno)
    }
}
