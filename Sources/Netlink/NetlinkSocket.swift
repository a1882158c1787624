internal import CLinux
#if canImport(Glibc)
import Glibc
#endif

/// A netlink socket (NETLINK_ROUTE or NETLINK_XFRM) doing request/acknowledge exchanges.
/// The descriptor is owned here and closed in `deinit`. One thread at a time.
public final class NetlinkSocket: @unchecked Sendable {
    /// Which netlink family.
    public enum Family: Int32, Sendable {
        case route = 0   // NETLINK_ROUTE
        case xfrm = 6    // NETLINK_XFRM
    }

    private let descriptor: Int32
    public let family: Family
    private var nextSequence: UInt32 = 1

    /// A socket in the caller's network namespace, or in the named one (`ip netns add`).
    public convenience init(family: Family, networkNamespace: String? = nil) throws(NetlinkError) {
        if let networkNamespace {
            let fd = try NetworkNamespace.run(inNamespaceAt: NetworkNamespace.path(named: networkNamespace)) { () throws(NetlinkError) in
                try Self.openSocket(family: family)
            }
            self.init(descriptor: fd, family: family)
        } else {
            self.init(descriptor: try Self.openSocket(family: family), family: family)
        }
    }

    private init(descriptor: Int32, family: Family) {
        self.descriptor = descriptor
        self.family = family
    }

    deinit {
        close(descriptor)
    }

    private static func openSocket(family: Family) throws(NetlinkError) -> Int32 {
        let fd = socket(AF_NETLINK, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), family.rawValue)
        guard fd >= 0 else { throw .system(call: "socket(AF_NETLINK)", errorNumber: errno) }
        var address = sockaddr_nl()
        address.nl_family = sa_family_t(AF_NETLINK)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_nl>.size))
            }
        }
        guard bound == 0 else {
            let error = errno
            close(fd)
            throw .system(call: "bind(AF_NETLINK)", errorNumber: error)
        }
        return fd
    }

    /// Sends `message` with NLM_F_REQUEST|NLM_F_ACK and waits for the kernel's answer.
    /// Returns the reply messages before the acknowledgement (for NLM_F_ECHO or GET).
    @discardableResult
    public func request(_ message: NetlinkMessage, operation: String) throws(NetlinkError) -> [NetlinkMessage] {
        var message = message
        message.flags |= UInt16(NLM_F_REQUEST | NLM_F_ACK)
        return try exchange(message, operation: operation, isDump: false)
    }

    /// Sends a NLM_F_DUMP request and collects every message until NLMSG_DONE.
    public func dump(_ message: NetlinkMessage, operation: String) throws(NetlinkError) -> [NetlinkMessage] {
        var message = message
        message.flags |= UInt16(NLM_F_REQUEST | NLM_F_DUMP)
        return try exchange(message, operation: operation, isDump: true)
    }

    private func exchange(_ message: NetlinkMessage, operation: String, isDump: Bool) throws(NetlinkError) -> [NetlinkMessage] {
        var message = message
        message.sequence = nextSequence
        nextSequence &+= 1
        let bytes = message.serialize()
        var kernel = sockaddr_nl()
        kernel.nl_family = sa_family_t(AF_NETLINK)
        let sent = withUnsafePointer(to: &kernel) { address in
            address.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bytes.withUnsafeBytes { sendto(descriptor, $0.baseAddress, $0.count, 0, pointer, socklen_t(MemoryLayout<sockaddr_nl>.size)) }
            }
        }
        guard sent == bytes.count else { throw .system(call: "sendto(netlink) for \(operation)", errorNumber: errno) }
        var replies: [NetlinkMessage] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            guard count >= 0 else {
                if errno == EINTR { continue }
                throw .system(call: "recv(netlink) for \(operation)", errorNumber: errno)
            }
            for reply in try NetlinkMessage.parseAll(Array(buffer[0..<count])) where reply.sequence == message.sequence {
                switch Int32(reply.type) {
                case NLMSG_ERROR:
                    guard reply.payload.count >= 4 else { throw .malformed(reason: "short NLMSG_ERROR for \(operation)") }
                    let code = reply.payload.readNative(Int32.self, at: 0)
                    if code == 0 { return replies }
                    throw .kernel(operation: operation, errorNumber: -code)
                case NLMSG_DONE:
                    if isDump { return replies }
                default:
                    replies.append(reply)
                }
            }
        }
    }
}
