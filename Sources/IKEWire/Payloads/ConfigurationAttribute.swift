import HubVocabulary

/// One configuration attribute of a CP payload (RFC 7296 §3.15.1). The value is kept as
/// received; ``decodedValue()`` interprets it by type.
public struct ConfigurationAttribute: Hashable, Sendable {
    public var type: ConfigurationAttributeType
    /// The Value octets (empty in a CFG_REQUEST that only asks for the attribute).
    public var value: [UInt8]
    /// The R bit: "MUST be set to zero and MUST be ignored on receipt"; kept as received.
    public var reservedBit: Bool

    public init(type: ConfigurationAttributeType, value: [UInt8] = [], reservedBit: Bool = false) {
        self.type = type
        self.value = value
        self.reservedBit = reservedBit
    }

    // MARK: - Builders

    /// An IPv4 address attribute (INTERNAL_IP4_ADDRESS, _NETMASK, _DNS, _NBNS, _DHCP, P_CSCF_IP4).
    public static func ipv4(_ type: ConfigurationAttributeType, _ address: IPv4Address) -> ConfigurationAttribute {
        ConfigurationAttribute(type: type, value: address.bytes)
    }

    /// An IPv6 address attribute without prefix (INTERNAL_IP6_DNS, _DHCP).
    public static func ipv6(_ type: ConfigurationAttributeType, _ address: IPv6Address) -> ConfigurationAttribute {
        ConfigurationAttribute(type: type, value: address.bytes)
    }

    /// INTERNAL_IP4_SUBNET: address and netmask.
    public static func ipv4Subnet(address: IPv4Address, netmask: IPv4Address) -> ConfigurationAttribute {
        ConfigurationAttribute(type: .internalIP4Subnet, value: address.bytes + netmask.bytes)
    }

    /// An IPv6 address-with-prefix attribute (INTERNAL_IP6_ADDRESS, _SUBNET, _PREFIX).
    public static func ipv6Prefix(_ type: ConfigurationAttributeType, _ address: IPv6Address, prefixLength: UInt8) -> ConfigurationAttribute {
        ConfigurationAttribute(type: type, value: address.bytes + [prefixLength])
    }

    /// A text attribute (APPLICATION_VERSION, INTERNAL_DNS_DOMAIN, Unity banner/domains).
    public static func text(_ type: ConfigurationAttributeType, _ text: String) -> ConfigurationAttribute {
        ConfigurationAttribute(type: type, value: Array(text.utf8))
    }

    /// A Cisco Unity split-include / local-LAN list (14 octets per network; the 6
    /// trailing octets sent as zero, `cisco-attributes.md` §2).
    public static func unityNetworks(_ type: ConfigurationAttributeType, _ networks: [(address: IPv4Address, netmask: IPv4Address)]) -> ConfigurationAttribute {
        var value: [UInt8] = []
        for network in networks {
            value += network.address.bytes + network.netmask.bytes + [0, 0, 0, 0, 0, 0]
        }
        return ConfigurationAttribute(type: type, value: value)
    }

    // MARK: - Length rules

    /// Why the value length is wrong for the type, or `nil` when it is acceptable.
    public var lengthViolation: String? {
        let count = value.count
        let allowed: Bool
        switch type.lengthRule {
        case .anyLength: allowed = true
        case .emptyOr(let lengths): allowed = count == 0 || lengths.contains(count)
        case .multipleOf(let unit): allowed = count % unit == 0
        case .emptyOrAtLeast(let minimum): allowed = count == 0 || count >= minimum
        }
        return allowed ? nil : "\(type) with a \(count)-octet value (\(type.lengthRule))"
    }

    // MARK: - Decoding

    /// A value decoded by its attribute type.
    public enum Value: Hashable, Sendable {
        /// No value (a request for the attribute).
        case empty
        case ipv4(IPv4Address)
        case ipv4Subnet(address: IPv4Address, netmask: IPv4Address)
        case ipv6(IPv6Address)
        case ipv6Prefix(address: IPv6Address, prefixLength: UInt8)
        case text(String)
        /// SUPPORTED_ATTRIBUTES: a list of attribute types.
        case attributeTypes([ConfigurationAttributeType])
        /// Cisco Unity split include / local LAN networks.
        case unityNetworks([UnityNetwork])
        /// Types without a known structure, as received.
        case opaque([UInt8])
    }

    /// One 14-octet network of a Unity split list.
    public struct UnityNetwork: Hashable, Sendable {
        public var address: IPv4Address
        public var netmask: IPv4Address
        /// The trailing 6 octets (protocol, source port, destination port in Cisco clients).
        public var trailer: [UInt8]
    }

    /// The value interpreted by type; throws when the length breaks the type's rule.
    public func decodedValue(offset: Int = 0) throws(IKEParseError) -> Value {
        if let reason = lengthViolation { throw .invalidSyntax(payload: .configuration, offset: offset, reason: reason) }
        if value.isEmpty { return .empty }
        switch type.valueFormat {
        case .ipv4:
            return IPv4Address(bytes: value).map(Value.ipv4) ?? .opaque(value)
        case .ipv4Subnet:
            guard value.count == 8, let address = IPv4Address(bytes: value[0..<4]), let mask = IPv4Address(bytes: value[4..<8]) else {
                return .opaque(value)
            }
            return .ipv4Subnet(address: address, netmask: mask)
        case .ipv6:
            return IPv6Address(bytes: value).map(Value.ipv6) ?? .opaque(value)
        case .ipv6Prefix:
            guard value.count == 17, let address = IPv6Address(bytes: value[0..<16]) else {
                return IPv6Address(bytes: value).map(Value.ipv6) ?? .opaque(value)
            }
            return .ipv6Prefix(address: address, prefixLength: value[16])
        case .text:
            return .text(String(decoding: value, as: UTF8.self))
        case .attributeTypes:
            return .attributeTypes(stride(from: 0, to: value.count - value.count % 2, by: 2).map {
                ConfigurationAttributeType((UInt16(value[$0]) << 8 | UInt16(value[$0 + 1])) & 0x7fff)
            })
        case .unityNetworks:
            guard value.count % 14 == 0 else {
                throw .invalidSyntax(payload: .configuration, offset: offset, reason: "\(type) of \(value.count) octets is not a list of 14-octet networks")
            }
            var networks: [UnityNetwork] = []
            for start in stride(from: 0, to: value.count, by: 14) {
                guard let address = IPv4Address(bytes: value[start..<(start + 4)]),
                      let mask = IPv4Address(bytes: value[(start + 4)..<(start + 8)]) else { return .opaque(value) }
                networks.append(UnityNetwork(address: address, netmask: mask, trailer: Array(value[(start + 8)..<(start + 14)])))
            }
            return .unityNetworks(networks)
        case .opaque:
            return .opaque(value)
        }
    }
}
