/// The canonical session attributes of IKEHub authorization: the names and value syntax
/// of the merged set that the `authz` service returns (`AuthorizeReply.attributes`) and
/// that the IKE frontend turns into CFG_REPLY attributes, address requests, tunnel
/// interface configuration and accounting. One place, imported by both sides.
///
/// Names are the seed's spelling (FlexVPN server configuration guide, "Supported RADIUS
/// Attributes", tables 2 and 3): IETF attributes by their RADIUS dictionary name, Cisco
/// AV pairs as `protocol:attribute` without the `=value`. RADIUS replies and local
/// `crypto ikev2 authorization policy` lines are both translated into these names:
///
/// | canonical name | value syntax | policy command | sent to |
/// |---|---|---|---|
/// | `Framed-IP-Address` | dotted IPv4 | — | everyone (INTERNAL_IP4_ADDRESS, first address source) |
/// | `Framed-IP-Netmask` | dotted IPv4 mask | `netmask` | everyone (INTERNAL_IP4_NETMASK) |
/// | `Framed-IPv6-Prefix` | `ADDR/LEN` | — | everyone (INTERNAL_IP6_ADDRESS) |
/// | `ipsec:addr-pool` | pool name (RADIUS `Framed-Pool` lands here too) | `pool` | local |
/// | `ipsec:ipv6-addr-pool` | pool name | `ipv6 pool` | local |
/// | `ipsec:addrv6` | IPv6 address | — | everyone (INTERNAL_IP6_ADDRESS) |
/// | `ipsec:prefix-len` | 0–128 | — | everyone (prefix of INTERNAL_IP6_ADDRESS) |
/// | `ipsec:dns-servers` | 1–2 IPv4, space separated | `dns` | everyone (INTERNAL_IP4_DNS ×n) |
/// | `ipsec:ipv6-dns-servers-addr` | 1–2 IPv6, space separated | `ipv6 dns` | everyone (INTERNAL_IP6_DNS ×n) |
/// | `ipsec:wins-servers` | 1–2 IPv4, space separated | `wins` | everyone (INTERNAL_IP4_NBNS ×n) |
/// | `ipsec:default-domain` | text | `def-domain` | Cisco clients (MODECFG_DEFDOMAIN) |
/// | `ipsec:split-dns` | one domain per value, repeated (≤ 10) | `split-dns` | Cisco clients (MODECFG_SPLITDNS_NAME) |
/// | `ipsec:route-set` | repeated: `remote ipv4 A MASK`, `remote ipv6 P/LEN`, `access-list [ipv6] NAME`, `interface [NAME]`, `prefix …`, `local ipv4 …`, `local ipv6 …` | `route set …` | remote ones: everyone (INTERNAL_IPx_SUBNET) |
/// | `ipsec:route-accept` | `any [tag N] [distance N]` | `route accept any` | local |
/// | `ipsec:banner` | text | `banner` | Cisco clients (MODECFG_BANNER) |
/// | `ipsec:ipsec-backup-gateway` | one name per value, repeated (≤ 10) | `backup-gateway` | Cisco clients (MODECFG_BACKUPSERVERS) |
/// | `ipsec:pfs` | `1` / `0` | `pfs` | Cisco clients (MODECFG_PFS) |
/// | `ipsec:include-local-lan` | `1` / `0` | `include-local-lan` | Cisco clients |
/// | `ipsec:smartcard-removal-disconnect` | `1` / `0` | `smartcard-removal-disconnect` | Cisco clients |
/// | `ipsec:configuration-url` | URL | `configuration url` | FlexVPN clients (MODECFG_CONFIG_URL) |
/// | `ipsec:configuration-version` | text | `configuration version` | FlexVPN clients (MODECFG_CONFIG_VERSION) |
/// | `ipsec:group-dhcp-server` | IPv4 or host name | `dhcp server` | local |
/// | `ipsec:dhcp-giaddr` | IPv4 | `dhcp giaddr` | local |
/// | `ipsec:dhcp-timeout` | seconds | `dhcp timeout` | local |
/// | `ipsec:ipsec-flow-limit` | 0–50000 | `ipsec flow-limit` | local (IPsec SAs per session) |
/// | `Session-Timeout` | seconds | `session-lifetime` | local (IKE SA lifetime / re-authentication) |
/// | `Acct-Interim-Interval` | seconds | — | local (accounting) |
/// | `Idle-Timeout` | seconds | — | local |
/// | `Class` | lowercase hex of the octets, repeated | — | local (copied into accounting) |
/// | `User-Name` | text | — | local (the name accounting reports) |
/// | `ip:interface-config` | one IOS interface command per value, repeated | `aaa attribute list` | local (virtual-access) |
///
/// Flags are `1` (on) or `0` (off); a RADIUS `true`/`false` is normalised to them.
public enum AuthorizationAttribute: String, CaseIterable, Sendable, Hashable {
    case framedIPAddress = "Framed-IP-Address"
    case framedIPNetmask = "Framed-IP-Netmask"
    case framedIPv6Prefix = "Framed-IPv6-Prefix"
    case addressPool = "ipsec:addr-pool"
    case ipv6AddressPool = "ipsec:ipv6-addr-pool"
    case ipv6Address = "ipsec:addrv6"
    case ipv6PrefixLength = "ipsec:prefix-len"
    case dnsServers = "ipsec:dns-servers"
    case ipv6DNSServers = "ipsec:ipv6-dns-servers-addr"
    case winsServers = "ipsec:wins-servers"
    case defaultDomain = "ipsec:default-domain"
    case splitDNS = "ipsec:split-dns"
    case routeSet = "ipsec:route-set"
    case routeAccept = "ipsec:route-accept"
    case banner = "ipsec:banner"
    case backupGateway = "ipsec:ipsec-backup-gateway"
    case pfs = "ipsec:pfs"
    case includeLocalLAN = "ipsec:include-local-lan"
    case smartcardRemovalDisconnect = "ipsec:smartcard-removal-disconnect"
    case configurationURL = "ipsec:configuration-url"
    case configurationVersion = "ipsec:configuration-version"
    case dhcpServer = "ipsec:group-dhcp-server"
    case dhcpGIAddr = "ipsec:dhcp-giaddr"
    case dhcpTimeout = "ipsec:dhcp-timeout"
    case flowLimit = "ipsec:ipsec-flow-limit"
    case sessionTimeout = "Session-Timeout"
    case acctInterimInterval = "Acct-Interim-Interval"
    case idleTimeout = "Idle-Timeout"
    case `class` = "Class"
    case userName = "User-Name"
    case interfaceConfig = "ip:interface-config"

    /// The value syntax (see the table in the type's comment).
    public enum ValueSyntax: Sendable, Equatable {
        case ipv4Address
        case ipv6Prefix
        case ipv6Address
        /// One or two addresses separated by a space.
        case ipv4AddressList
        case ipv6AddressList
        case name
        case text
        case flag
        /// A decimal number in the range.
        case integer(ClosedRange<Int>)
        case hexOctets
        case routeSet
        case interfaceCommand
    }

    /// Who consumes the attribute.
    public enum Audience: Sendable, Equatable {
        /// Used by the headend only.
        case local
        /// Pushed to every client in CFG_REPLY.
        case everyone
        /// Cisco Unity attributes: only to clients that sent a Cisco vendor ID.
        case ciscoClients
        /// FlexVPN attributes: only to clients that sent `FLEXVPN-SUPPORTED`.
        case flexVPNClients
    }

    public var syntax: ValueSyntax {
        switch self {
        case .framedIPAddress, .framedIPNetmask, .dhcpGIAddr: .ipv4Address
        case .framedIPv6Prefix: .ipv6Prefix
        case .ipv6Address: .ipv6Address
        case .ipv6PrefixLength: .integer(0...128)
        case .dnsServers, .winsServers: .ipv4AddressList
        case .ipv6DNSServers: .ipv6AddressList
        case .addressPool, .ipv6AddressPool, .dhcpServer, .backupGateway: .name
        case .defaultDomain, .splitDNS, .banner, .configurationURL, .configurationVersion, .routeAccept, .userName: .text
        case .pfs, .includeLocalLAN, .smartcardRemovalDisconnect: .flag
        case .dhcpTimeout, .sessionTimeout, .acctInterimInterval, .idleTimeout: .integer(0...Int(UInt32.max))
        case .flowLimit: .integer(0...50_000)
        case .class: .hexOctets
        case .routeSet: .routeSet
        case .interfaceConfig: .interfaceCommand
        }
    }

    public var audience: Audience {
        switch self {
        case .framedIPAddress, .framedIPNetmask, .framedIPv6Prefix, .ipv6Address, .ipv6PrefixLength,
             .dnsServers, .ipv6DNSServers, .winsServers, .routeSet:
            .everyone
        case .defaultDomain, .splitDNS, .banner, .backupGateway, .pfs, .includeLocalLAN, .smartcardRemovalDisconnect:
            .ciscoClients
        case .configurationURL, .configurationVersion:
            .flexVPNClients
        default:
            .local
        }
    }

    /// Attributes that may occur several times in one set (each value is one item).
    public var isMultiValued: Bool {
        switch self {
        case .splitDNS, .routeSet, .backupGateway, .interfaceConfig, .class: true
        default: false
        }
    }

    /// Values of several sources are concatenated in precedence order (lowest first,
    /// so that the later command wins when applied) instead of the higher source
    /// replacing the lower: the seed applies `interface-config` of group, implicit and
    /// user authorization in turn ("Interface-Config Precedence Order").
    public var accumulatesAcrossSources: Bool { self == .interfaceConfig }

    /// Why `value` is not valid for this attribute, or nil when it is.
    public func problem(with value: String) -> String? {
        switch syntax {
        case .ipv4Address:
            return IPv4Address(value) == nil ? "'\(value)' is not an IPv4 address" : nil
        case .ipv6Address:
            return IPv6Address(value) == nil ? "'\(value)' is not an IPv6 address" : nil
        case .ipv6Prefix:
            let parts = value.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, IPv6Address(String(parts[0])) != nil, let length = Int(parts[1]), (0...128).contains(length) else {
                return "'\(value)' is not an IPv6 prefix ADDR/LEN"
            }
            return nil
        case .ipv4AddressList:
            let items = value.split(separator: " ")
            guard (1...2).contains(items.count), items.allSatisfy({ IPv4Address(String($0)) != nil }) else {
                return "'\(value)' is not one or two IPv4 addresses"
            }
            return nil
        case .ipv6AddressList:
            let items = value.split(separator: " ")
            guard (1...2).contains(items.count), items.allSatisfy({ IPv6Address(String($0)) != nil }) else {
                return "'\(value)' is not one or two IPv6 addresses"
            }
            return nil
        case .name:
            return value.isEmpty || value.contains(" ") ? "'\(value)' is not a name (empty or has a space)" : nil
        case .text, .interfaceCommand:
            return value.isEmpty ? "empty value" : nil
        case .flag:
            return value == "1" || value == "0" ? nil : "'\(value)' is not 1 or 0"
        case .integer(let range):
            guard let number = Int(value), range.contains(number) else {
                return "'\(value)' is not a number in \(range.lowerBound)-\(range.upperBound)"
            }
            return nil
        case .hexOctets:
            return Hex.decode(value) == nil ? "'\(value)' is not hex octets" : nil
        case .routeSet:
            let words = value.split(separator: " ").map(String.init)
            switch words.first {
            case "remote":
                if words.count == 4, words[1] == "ipv4", IPv4Address(words[2]) != nil, IPv4Address(words[3]) != nil { return nil }
                if words.count == 3, words[1] == "ipv6", AuthorizationAttribute.framedIPv6Prefix.problem(with: words[2]) == nil { return nil }
                return "'\(value)' is not `remote ipv4 ADDRESS MASK` or `remote ipv6 PREFIX/LEN`"
            case "access-list":
                return words.count == 2 || (words.count == 3 && words[1] == "ipv6") ? nil : "'\(value)' is not `access-list [ipv6] NAME`"
            case "interface":
                return words.count <= 2 ? nil : "'\(value)' is not `interface [NAME]`"
            case "prefix", "local":
                return words.count >= 2 ? nil : "'\(value)' is incomplete"
            default:
                return "'\(value)' is not a route set (remote, access-list, interface, prefix, local)"
            }
        }
    }
}

/// One attribute of a merged set: a canonical name and its value text.
public struct SessionAttribute: Hashable, Sendable, CustomStringConvertible {
    public let attribute: AuthorizationAttribute
    public let value: String

    public init(_ attribute: AuthorizationAttribute, _ value: String) {
        self.attribute = attribute
        self.value = value
    }

    public var name: String { attribute.rawValue }

    public var description: String { "\(attribute.rawValue)=\(value)" }
}
