import FlexConfig
import HubVocabulary
import IKEWire

/// `route set access-list` and `route set interface` (seed guide, authorization policy
/// steps 17 and 24; AV pair `ipsec:route-set=…`) as the subnets they push in CFG_REPLY,
/// looked up in this headend's access lists and interfaces: the names come from a local
/// policy or from RADIUS, the lists themselves are always local (as on IOS).
struct RouteSets: Sendable {
    private var accessLists: [String: AccessList] = [:]
    private var interfaces: [String: Interface] = [:]
    /// Per profile: the interface a bare `route set interface` means (its virtual-template's
    /// `ip unnumbered` source, or the template itself).
    private var profileInterface: [String: String] = [:]

    init() {}

    init(_ configuration: FlexConfiguration) {
        for list in configuration.accessLists { accessLists[list.name] = list }
        for interface in configuration.interfaces { interfaces[interface.name] = interface }
        for profile in configuration.ikev2.profiles {
            guard let number = profile.virtualTemplate,
                  let template = configuration.interface(named: "Virtual-Template\(number)") else { continue }
            profileInterface[profile.name] = template.ipUnnumbered ?? template.name
        }
    }

    /// The CFG_REPLY subnets of `ipsec:route-set=VALUE` for a session of `profile`, or why
    /// there are none. VALUE is `access-list [ipv6] NAME` or `interface [NAME]`.
    func subnets(_ value: String, profile: String) -> Result<[ConfigurationAttribute], RouteSetError> {
        let words = value.split(separator: " ").map(String.init)
        switch (words.first, words.count) {
        case ("interface", 1):
            guard let name = profileInterface[profile] else {
                return .failure(RouteSetError("route set interface: profile \(profile) has no virtual-template to take the address of"))
            }
            return interfaceSubnet(name)
        case ("interface", 2):
            return interfaceSubnet(words[1])
        case ("access-list", 2):
            return accessListSubnets(words[1], ipv6: false)
        case ("access-list", 3) where words[1] == "ipv6":
            return accessListSubnets(words[2], ipv6: true)
        default:
            return .failure(RouteSetError("route set '\(value)': expected 'access-list [ipv6] NAME' or 'interface [NAME]'"))
        }
    }

    /// The interface's own address as a host route (so the client can reach it, e.g. for
    /// routing protocols over the tunnel).
    private func interfaceSubnet(_ name: String) -> Result<[ConfigurationAttribute], RouteSetError> {
        guard let interface = interfaces[name] else {
            return .failure(RouteSetError("route set interface \(name): no such interface in the configuration"))
        }
        var subnets: [ConfigurationAttribute] = []
        if let address = interface.ipv4Address { subnets.append(.ipv4Subnet(address: address, netmask: IPv4Address(0xffff_ffff))) }
        for prefix in interface.ipv6Addresses {
            subnets.append(.ipv6Prefix(.internalIP6Subnet, prefix.address, prefixLength: 128))
        }
        guard !subnets.isEmpty else {
            return .failure(RouteSetError("route set interface \(name): the interface has no address of its own"))
        }
        return .success(subnets)
    }

    /// Each `permit` of the list as a subnet; `deny` lines push nothing. IPv4 lists must be
    /// standard ones (seed guide, Note 1 of the attribute table).
    private func accessListSubnets(_ name: String, ipv6: Bool) -> Result<[ConfigurationAttribute], RouteSetError> {
        guard let list = accessLists[name] else {
            return .failure(RouteSetError("route set access-list \(name): no such access list in the configuration"))
        }
        switch (ipv6, list.kind) {
        case (false, .standard), (true, .ipv6): break
        case (false, _):
            return .failure(RouteSetError("route set access-list \(name): an '\(list.kind.rawValue)' list; only standard IPv4 lists push routes (seed guide, Note 1)"))
        case (true, _):
            return .failure(RouteSetError("route set access-list ipv6 \(name): a '\(list.kind.rawValue)' list, not an IPv6 one"))
        }
        var subnets: [ConfigurationAttribute] = []
        for case .rule(let rule) in list.entries where rule.permit {
            // The subnet is the rule's source (a standard list has nothing else); an IPv6
            // rule written `permit ipv6 any PREFIX` names it as the destination.
            let address = rule.source == .any ? (rule.destination ?? .any) : rule.source
            switch address {
            case .any:
                subnets.append(ipv6 ? .ipv6Prefix(.internalIP6Subnet, IPv6Address(high: 0, low: 0), prefixLength: 0)
                                    : .ipv4Subnet(address: IPv4Address(0), netmask: IPv4Address(0)))
            case .host(.v4(let host)) where !ipv6:
                subnets.append(.ipv4Subnet(address: host, netmask: IPv4Address(0xffff_ffff)))
            case .host(.v6(let host)) where ipv6:
                subnets.append(.ipv6Prefix(.internalIP6Subnet, host, prefixLength: 128))
            case .wildcard(let network, let wildcard) where !ipv6:
                let mask = ~wildcard.rawValue
                // A netmask is ones then zeros: ~mask + 1 is a power of two.
                guard (~mask &+ 1) & ~mask == 0 else {
                    return .failure(RouteSetError("route set access-list \(name): wildcard \(wildcard) is not a subnet mask"))
                }
                subnets.append(.ipv4Subnet(address: IPv4Address(network.rawValue & mask), netmask: IPv4Address(mask)))
            case .ipv6Prefix(let prefix, let length) where ipv6:
                subnets.append(.ipv6Prefix(.internalIP6Subnet, prefix, prefixLength: length))
            default:
                return .failure(RouteSetError("route set access-list \(name): an entry of the other address family"))
            }
        }
        return .success(subnets)
    }
}

/// Why a `route set` pushes nothing, for the session's log line.
struct RouteSetError: Error, Equatable, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
