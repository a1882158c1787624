public import ESPDataPlane
public import HubNetworking
public import Netlink

/// Why a tunnel request failed; the text names the request's object and never a key.
public enum TunnelManagerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The configuration has no `interface Virtual-Template N type tunnel`.
    case unknownVirtualTemplate(UInt32)
    /// No virtual-access interface with this number.
    case unknownVirtualAccess(UInt32)
    /// Every Virtual-Access number is taken.
    case virtualAccessNumbersExhausted
    /// One more TUN would pass the open-file limit, less what the daemon needs for itself.
    case openFileLimit(limit: UInt64, virtualAccess: Int)
    /// A request field is out of range; `field` names it (`routes[2].prefix_length`).
    case invalidRequest(field: String, reason: String)
    /// The daemon is shutting down (SIGTERM) and creates nothing more.
    case shuttingDown
    /// A ChildSA field is out of range; `field` names it (`sas[1].spi`).
    case invalidChildSA(field: String, reason: String)
    /// The cipher suite or keys do not fit the userspace data plane.
    case unsupportedChildSA(field: String, reason: String)
    /// No NAT-T port of this daemon serves the SA's local address.
    case noNATTraversalPort(String)
    /// The TUN interface could not be created.
    case interface(SocketError)
    /// A netlink change to the interface failed.
    case netlink(NetlinkError)
    /// The data plane refused a session or SA.
    case dataPlane(ESPDataPlaneError)

    public var description: String {
        switch self {
        case .unknownVirtualTemplate(let number): "no 'interface Virtual-Template\(number) type tunnel' in the configuration"
        case .unknownVirtualAccess(let number): "no Virtual-Access\(number)"
        case .virtualAccessNumbersExhausted: "no free Virtual-Access number"
        case .openFileLimit(let limit, let count):
            "\(count) virtual-access interfaces reach the open-file limit (\(limit), one descriptor each): raise LimitNOFILE of ikehub-tunneld"
        case .invalidChildSA(let field, let reason): "\(field): \(reason)"
        case .invalidRequest(let field, let reason): "\(field): \(reason)"
        case .shuttingDown: "shutting down"
        case .unsupportedChildSA(let field, let reason): "\(field): \(reason)"
        case .noNATTraversalPort(let address): "no NAT-T port is bound for local address \(address)"
        case .interface(let error): error.description
        case .netlink(let error): error.description
        case .dataPlane(let error): error.description
        }
    }
}
