import HubVocabulary

/// `interface NAME`: a virtual-template, a loopback, or an interface of the host that
/// tunnel interfaces borrow addresses from.
public struct Interface: Equatable, Sendable, NamedObject {
    /// `tunnel mode …`.
    public enum TunnelMode: String, Equatable, Sendable {
        case ipsecIPv4 = "ipsec ipv4"
        case ipsecIPv6 = "ipsec ipv6"
        case greIP = "gre ip"
        case greIPv6 = "gre ipv6"
    }
    /// `tunnel source …`.
    public enum TunnelSource: Equatable, Sendable {
        case interface(String)
        case address(IPAddress)
    }
    public var name: String
    /// `type tunnel` was given (required for a virtual-template).
    public var typeTunnel = false
    public var description: String?
    public var ipv4Address: IPv4Address?
    public var ipv4Mask: IPv4Address?
    public var ipUnnumbered: String?
    public var ipv6Unnumbered: String?
    public var ipv6Addresses: [IPv6Pool.PrefixValue] = []
    public var ipv6Enabled = false
    public var mtu: Int?
    public var ipv6MTU: Int?
    public var tcpAdjustMSS: Int?
    /// IOS default for tunnel interfaces: GRE/IP; IKEHub virtual-templates need `ipsec`.
    public var tunnelMode: TunnelMode?
    public var tunnelSource: TunnelSource?
    public var tunnelProtection: String?
    public var accessGroupIn: String?
    public var accessGroupOut: String?
    public var ipv6FilterIn: String?
    public var ipv6FilterOut: String?
    public var shutdown = false

    public init(name: String) { self.name = name }

    /// `Virtual-Template<n>`: cloned into one virtual-access per session.
    public var virtualTemplateNumber: Int? {
        name.hasPrefix("Virtual-Template") ? Int(name.dropFirst("Virtual-Template".count)) : nil
    }
}

extension IPv6Pool {
    /// An IPv6 address with a prefix length (`2001:db8::1/64`).
    public struct PrefixValue: Equatable, Sendable {
        public var address: IPv6Address
        public var length: UInt8
    }
}

/// A standard, extended or IPv6 access list (named or numbered).
public struct AccessList: Equatable, Sendable, NamedObject {
    /// Which kind of list.
    public enum Kind: String, Equatable, Sendable {
        case standard, extended, ipv6
    }
    /// An address part of a rule.
    public enum Address: Equatable, Sendable {
        case any
        case host(IPAddress)
        /// IPv4 address and wildcard bits (`0.0.0.255`).
        case wildcard(IPv4Address, IPv4Address)
        case ipv6Prefix(IPv6Address, UInt8)
    }
    /// A port condition (`eq 443`, `range 1000 2000`).
    public struct Ports: Equatable, Sendable {
        /// The comparison.
        public enum Operator: String, Equatable, Sendable {
            case eq, lt, gt, neq, range
        }
        public var `operator`: Operator
        public var low: UInt16
        public var high: UInt16?
    }
    /// One `permit|deny` line.
    public struct Rule: Equatable, Sendable {
        public var sequence: UInt64?
        public var permit: Bool
        /// The IP protocol number; `nil` is `ip`/`ipv6` (any). Keyword kept for printing.
        public var protocolName: String?
        public var protocolNumber: UInt8?
        public var source: Address
        public var sourcePorts: Ports?
        /// `nil` for standard lists.
        public var destination: Address?
        public var destinationPorts: Ports?
        public var established = false
        public var log = false
    }
    /// A rule or a remark.
    public enum Entry: Equatable, Sendable {
        case rule(Rule)
        case remark(String)
    }
    public var name: String
    public var kind: Kind
    /// Written as `access-list N …` lines rather than an `ip access-list` block.
    public var numbered = false
    public var entries: [Entry] = []
}

// MARK: - Linux additions

/// The `ikehub` mode: settings with no IOS equivalent (see LINUX-ADDITIONS.md).
public struct LinuxSettings: Equatable, Sendable {
    /// `listen address A [port P] [nat-t-port Q]`.
    public struct ListenAddress: Equatable, Sendable {
        public var address: IPAddress
        /// RFC 7296 §2: UDP 500; RFC 3948: NAT-T on 4500.
        public var port: UInt16 = 500
        public var natTraversalPort: UInt16 = 4500
    }
    /// The ESP data plane.
    public enum DataPlane: String, Equatable, Sendable {
        /// Kernel XFRM SAs and xfrm interfaces (production).
        case xfrm
        /// ESP in userspace over TUN devices (any kernel).
        case userspace
    }
    /// The processes whose IPC endpoint can be set.
    public enum Service: String, Equatable, Sendable, CaseIterable {
        case ike, authd, addrd, tunneld, acctd, control
    }
    /// `ipc worker-key NAME KEY`: an auth worker allowed to connect over CURVE.
    public struct WorkerKey: Equatable, Sendable {
        public var name: String
        public var publicKey: String
    }
    /// Default: all IPv4 and IPv6 addresses.
    public var listenAddresses: [ListenAddress] = []
    public var stateDirectory = "/var/lib/ikehub"
    public var dataPlane: DataPlane = .xfrm
    /// Explicit endpoints; `endpoint(for:)` gives the defaults under /run/ikehub.
    public var ipcEndpoints: [Service: String] = [:]
    public var workerKeys: [WorkerKey] = []
    public var curveKeyFile: String?

    public init() {}

    /// The listen addresses in effect (the defaults when none is configured).
    public var effectiveListenAddresses: [ListenAddress] {
        listenAddresses.isEmpty
            ? [ListenAddress(address: .v4(IPv4Address(0))), ListenAddress(address: .v6(IPv6Address(high: 0, low: 0)))]
            : listenAddresses
    }

    /// The endpoint of `service`: configured, or `ipc:///run/ikehub/<service>.sock`.
    public func endpoint(for service: Service) -> String {
        ipcEndpoints[service] ?? "ipc:///run/ikehub/\(service.rawValue).sock"
    }
}
