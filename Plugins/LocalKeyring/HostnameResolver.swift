import HubVocabulary
#if canImport(Glibc)
import Glibc
#endif

/// The addresses of a keyring peer's `hostname`, looked up once when the keyring is loaded
/// (like IOS resolves a configured host name: at configuration time, not per packet).
public enum HostnameResolver {
    /// Every IPv4 and IPv6 address `name` resolves to (getaddrinfo: /etc/hosts, then DNS);
    /// empty when it does not resolve.
    public static func addresses(of name: String) -> [IPAddress] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_DGRAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(name, nil, &hints, &list) == 0, let first = list else { return [] }
        defer { freeaddrinfo(first) }
        var result: [IPAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            if let address = entry.pointee.ai_addr {
                switch Int32(address.pointee.sa_family) {
                case AF_INET:
                    address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { v4 in
                        let raw = UInt32(bigEndian: v4.pointee.sin_addr.s_addr)
                        result.append(.v4(IPv4Address(raw)))
                    }
                case AF_INET6:
                    address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { v6 in
                        let bytes = withUnsafeBytes(of: v6.pointee.sin6_addr) { Array($0) }
                        if let parsed = IPAddress(bytes: bytes) { result.append(parsed) }
                    }
                default:
                    break
                }
            }
            cursor = entry.pointee.ai_next
        }
        var unique: [IPAddress] = []
        for address in result where !unique.contains(address) { unique.append(address) }
        return unique
    }
}
