/// One traffic selector (RFC 7296 §3.13.1): an address range, a port range and an IP
/// protocol. Both ends of the address range are of one family.
public struct TrafficSelector: Hashable, Sendable, CustomStringConvertible {
    public var ipProtocol: UInt8
    public var startPort: UInt16
    public var endPort: UInt16
    public var startAddress: IPAddress
    public var endAddress: IPAddress

    public init(ipProtocol: UInt8 = 0, startPort: UInt16 = 0, endPort: UInt16 = 65535,
                startAddress: IPAddress, endAddress: IPAddress) {
        self.ipProtocol = ipProtocol
        self.startPort = startPort
        self.endPort = endPort
        self.startAddress = startAddress
        self.endAddress = endAddress
    }

    /// All IPv4 traffic (0.0.0.0–255.255.255.255, any protocol and port).
    public static let allIPv4 = TrafficSelector(startAddress: .v4(IPv4Address(0)), endAddress: .v4(IPv4Address(.max)))
    /// All IPv6 traffic.
    public static let allIPv6 = TrafficSelector(startAddress: .v6(IPv6Address(high: 0, low: 0)),
                                                endAddress: .v6(IPv6Address(high: .max, low: .max)))

    /// A single host, any protocol and port.
    public static func host(_ address: IPAddress) -> TrafficSelector {
        TrafficSelector(startAddress: address, endAddress: address)
    }

    public var isIPv4: Bool { if case .v4 = startAddress { true } else { false } }

    public var description: String {
        let ports = (startPort == 0 && endPort == 65535) ? "" : "[\(startPort)-\(endPort)]"
        let proto = ipProtocol == 0 ? "" : " proto \(ipProtocol)"
        return "\(startAddress)-\(endAddress)\(ports)\(proto)"
    }
}
