/// Why a netlink operation failed, naming the operation.
public enum NetlinkError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A system call failed (`socket`, `bind`, `sendto`, `recv`, `setns`, …).
    case system(call: String, errorNumber: Int32)
    /// The kernel answered the request with an error (NLMSG_ERROR, negative errno).
    case kernel(operation: String, errorNumber: Int32)
    /// A reply that does not parse.
    case malformed(reason: String)
    /// No link with that name.
    case noSuchInterface(String)

    public var description: String {
        switch self {
        case .system(let call, let errorNumber): "\(call): \(errorText(errorNumber))"
        case .kernel(let operation, let errorNumber): "\(operation): kernel says \(errorText(errorNumber))"
        case .malformed(let reason): "malformed netlink reply: \(reason)"
        case .noSuchInterface(let name): "no interface named \(name)"
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif

private func errorText(_ number: Int32) -> String {
    String(cString: strerror(number)) + " (errno \(number))"
}
