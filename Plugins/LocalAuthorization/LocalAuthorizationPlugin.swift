public import AuthPluginAPI
public import FlexConfig
import HubVocabulary
import Logging

/// `LocalAuthorization`: user and group authorization from `crypto ikev2 authorization
/// policy` blocks and their `aaa attribute list` (method lists with `local`). Options:
/// OPTIONS.md.
public struct LocalAuthorizationPlugin: AuthorizationProvider {
    public static let name = "LocalAuthorization"
    public static let features: [FeatureDeclaration] = [
        .provides(.userAuthorization), .provides(.groupAuthorization), .requires(.authorizationPolicy),
    ]
    public static let backend = MethodBackend.local

    let configuration: FlexConfiguration

    public init(context: PluginContext) throws(PluginError) {
        configuration = context.configuration
        for list in context.configuration.aaa.attributeLists {
            for attribute in list.attributes where attribute.type != "interface-config" {
                context.logger.warning("aaa attribute list \(list.name): attribute type \(attribute.type) is not used by IKEv2 authorization (only interface-config)")
            }
        }
    }

    public func authorize(_ lookup: AuthorizationLookup) async -> AuthorizationOutcome {
        let name = lookup.policy ?? "default"
        guard let policy = configuration.ikev2.authorizationPolicies.first(where: { $0.name == name }) else {
            return .rejected(reason: "crypto ikev2 authorization policy \(name) does not exist")
        }
        return .attributes(Self.attributes(of: policy, in: configuration))
    }

    /// The canonical attributes of a policy, in the order of the seed's command list.
    public static func attributes(of policy: AuthorizationPolicy, in configuration: FlexConfiguration) -> [SessionAttribute] {
        var result: [SessionAttribute] = []
        func add(_ attribute: AuthorizationAttribute, _ value: String?) {
            if let value { result.append(SessionAttribute(attribute, value)) }
        }
        add(.addressPool, policy.pool)
        add(.ipv6AddressPool, policy.ipv6Pool)
        if !policy.dnsServers.isEmpty { add(.dnsServers, policy.dnsServers.prefix(2).map { "\($0)" }.joined(separator: " ")) }
        if !policy.ipv6DNSServers.isEmpty { add(.ipv6DNSServers, policy.ipv6DNSServers.prefix(2).map { "\($0)" }.joined(separator: " ")) }
        if !policy.winsServers.isEmpty { add(.winsServers, policy.winsServers.prefix(2).map { "\($0)" }.joined(separator: " ")) }
        add(.framedIPNetmask, policy.netmask.map { "\($0)" })
        add(.banner, policy.banner)
        add(.defaultDomain, policy.defaultDomain)
        for name in policy.splitDNS.prefix(10) { add(.splitDNS, name) }
        for name in policy.backupGateways.prefix(10) { add(.backupGateway, name) }
        if policy.pfs { add(.pfs, "1") }
        if policy.includeLocalLAN { add(.includeLocalLAN, "1") }
        if policy.smartcardRemovalDisconnect { add(.smartcardRemovalDisconnect, "1") }
        add(.configurationURL, policy.configurationURL)
        add(.configurationVersion, policy.configurationVersion)
        if let interface = policy.routeSetInterface { add(.routeSet, interface.isEmpty ? "interface" : "interface \(interface)") }
        for list in policy.routeAccessLists { add(.routeSet, list.ipv6 ? "access-list ipv6 \(list.name)" : "access-list \(list.name)") }
        for route in policy.remoteRoutes {
            switch route {
            case .ipv4(let address, let mask): add(.routeSet, "remote ipv4 \(address) \(mask)")
            case .ipv6(let prefix, let length): add(.routeSet, "remote ipv6 \(prefix)/\(length)")
            }
        }
        if policy.routeAcceptAny {
            var value = "any"
            if let tag = policy.routeAcceptTag { value += " tag \(tag)" }
            if let distance = policy.routeAcceptDistance { value += " distance \(distance)" }
            add(.routeAccept, value)
        }
        add(.flowLimit, policy.ipsecFlowLimit.map(String.init))
        add(.sessionTimeout, policy.sessionLifetimeSeconds.map(String.init))
        add(.dhcpServer, policy.dhcpServer)
        add(.dhcpGIAddr, policy.dhcpGIAddr.map { "\($0)" })
        add(.dhcpTimeout, policy.dhcpTimeoutSeconds.map(String.init))
        if let listName = policy.attributeList, let list = configuration.aaa.attributeLists.first(where: { $0.name == listName }) {
            for attribute in list.attributes where attribute.type == "interface-config" {
                add(.interfaceConfig, attribute.value)
            }
        }
        return result
    }
}
