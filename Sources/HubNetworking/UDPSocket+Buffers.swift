#if canImport(Glibc)
import Glibc
#endif

/// Kernel buffer sizes for sockets that carry bulk traffic (the ESP data plane's port 4500):
/// the default ~208 KiB receive buffer overflows within a millisecond of a burst.
extension UDPSocket {
    /// Asks for `bytes` of receive buffer; with CAP_NET_ADMIN the `net.core.rmem_max` cap
    /// is bypassed (SO_RCVBUFFORCE), otherwise the kernel caps it there.
    public func setReceiveBufferSize(_ bytes: Int32) throws(SocketError) {
        try setBufferSize(bytes, force: SO_RCVBUFFORCE, plain: SO_RCVBUF, name: "SO_RCVBUF")
    }

    /// Asks for `bytes` of send buffer, like `setReceiveBufferSize`.
    public func setSendBufferSize(_ bytes: Int32) throws(SocketError) {
        try setBufferSize(bytes, force: SO_SNDBUFFORCE, plain: SO_SNDBUF, name: "SO_SNDBUF")
    }

    private func setBufferSize(_ bytes: Int32, force: Int32, plain: Int32, name: String) throws(SocketError) {
        var value = bytes
        let length = socklen_t(MemoryLayout<Int32>.size)
        if setsockopt(descriptor, SOL_SOCKET, force, &value, length) == 0 { return }
        guard setsockopt(descriptor, SOL_SOCKET, plain, &value, length) == 0 else {
            throw SocketError(operation: "setsockopt \(name) \(bytes)", address: localAddress, errorNumber: errno)
        }
    }
}
