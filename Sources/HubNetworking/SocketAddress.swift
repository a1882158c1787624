import HubVocabulary
#if canImport(Glibc)
import Glibc
#endif

/// An IP address and UDP port: where a datagram came from or goes to.
public struct SocketAddress: Hashable, Sendable, CustomStringConvertible {
    public let address: IPAddress
    public let port: UInt16

    public init(address: IPAddress, port: UInt16) {
        self.address = address
        self.port = port
    }

    public var description: String {
        switch address {
        case .v4: "\(address):\(port)"
        case .v6: "[\(address)]:\(port)"
        }
    }

    /// Calls `body` with this address as a `sockaddr` of the right family and length.
    func withSockAddr<Result>(_ body: (UnsafePointer<sockaddr>, socklen_t) throws -> Result) rethrows -> Result {
        switch address {
        case .v4(let v4):
            var storage = sockaddr_in()
            storage.sin_family = sa_family_t(AF_INET)
            storage.sin_port = port.bigEndian
            storage.sin_addr.s_addr = v4.rawValue.bigEndian
            return try withUnsafePointer(to: &storage) {
                try $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    try body($0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        case .v6(let v6):
            var storage = sockaddr_in6()
            storage.sin6_family = sa_family_t(AF_INET6)
            storage.sin6_port = port.bigEndian
            withUnsafeMutableBytes(of: &storage.sin6_addr) { raw in
                for (index, byte) in v6.bytes.enumerated() { raw[index] = byte }
            }
            return try withUnsafePointer(to: &storage) {
                try $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    try body($0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        }
    }

    /// Reads a `sockaddr_storage` filled in by the kernel; `nil` for other families.
    init?(storage: sockaddr_storage) {
        var copy = storage
        switch Int32(storage.ss_family) {
        case AF_INET:
            let v4 = withUnsafeBytes(of: &copy) { $0.load(as: sockaddr_in.self) }
            address = .v4(IPv4Address(UInt32(bigEndian: v4.sin_addr.s_addr)))
            port = UInt16(bigEndian: v4.sin_port)
        case AF_INET6:
            let v6 = withUnsafeBytes(of: &copy) { $0.load(as: sockaddr_in6.self) }
            let bytes = withUnsafeBytes(of: v6.sin6_addr) { Array($0) }
            guard let parsed = IPv6Address(bytes: bytes) else { return nil }
            address = .v6(parsed)
            port = UInt16(bigEndian: v6.sin6_port)
        default:
            return nil
        }
    }
}
