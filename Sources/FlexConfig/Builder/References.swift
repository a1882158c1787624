/// What a name in a command refers to.
enum ReferenceKind: Hashable, Sendable {
    case radiusServer, legacyRadiusHost, serverGroup
    case authenticationList, authorizationList, accountingList
    case certificateMap, keyring, nameMangler, trustpoint, virtualTemplate, anyconnectProfile, proposal
    case ipv4Pool, ipv6Pool, routeAccessList, ipv4AccessList, ipv6AccessList, attributeList
    case transformSet, ikev2Profile, ipsecProfile, policyMap, vrf
    /// A fixed user name with a method list: when the list is `local`, the name of an
    /// authorization policy (seed: `aaa authorization group cert list LIST author-policy1`).
    case localAuthorizationPolicy(list: String)

    /// How messages name the kind of object.
    var noun: String {
        switch self {
        case .radiusServer: "radius server"
        case .legacyRadiusHost: "radius-server host"
        case .serverGroup: "aaa server group"
        case .authenticationList: "aaa authentication list"
        case .authorizationList: "aaa authorization network list"
        case .accountingList: "aaa accounting network list"
        case .certificateMap: "certificate map"
        case .keyring: "ikev2 keyring"
        case .nameMangler: "name mangler"
        case .trustpoint: "trustpoint"
        case .virtualTemplate: "interface Virtual-Template"
        case .anyconnectProfile: "anyconnect profile"
        case .proposal: "ikev2 proposal"
        case .ipv4Pool: "ip local pool"
        case .ipv6Pool: "ipv6 local pool"
        case .routeAccessList: "standard access list"
        case .ipv4AccessList: "ip access list"
        case .ipv6AccessList: "ipv6 access list"
        case .attributeList: "aaa attribute list"
        case .transformSet: "transform set"
        case .ikev2Profile: "ikev2 profile"
        case .ipsecProfile: "ipsec profile"
        case .policyMap: "policy-map"
        case .vrf: "vrf"
        case .localAuthorizationPolicy: "ikev2 authorization policy"
        }
    }
}

/// A name used at `location` that must be defined somewhere in the file.
struct Reference: Sendable {
    var kind: ReferenceKind
    var name: String
    var location: SourceLocation
}

extension ModelBuilder {
    /// The names defined for `kind`, or `nil` when the reference needs no check.
    func definedNames(_ kind: ReferenceKind) -> [String]? {
        switch kind {
        case .radiusServer: config.radiusServers.filter { !$0.isLegacyHost }.map(\.name)
        case .legacyRadiusHost: config.radiusServers.filter(\.isLegacyHost).map(\.name)
        case .serverGroup: config.aaa.serverGroups.map(\.name)
        case .authenticationList:
            config.aaa.methodLists.filter { $0.kind == .authenticationLogin || $0.kind == .authenticationEAP }.map(\.name)
        case .authorizationList: config.aaa.methodLists.filter { $0.kind == .authorizationNetwork }.map(\.name)
        case .accountingList: config.aaa.methodLists.filter { $0.kind == .accountingNetwork }.map(\.name)
        case .certificateMap: config.pki.certificateMaps.map(\.name)
        case .keyring: config.ikev2.keyrings.map(\.name)
        case .nameMangler: config.ikev2.nameManglers.map(\.name)
        case .trustpoint: config.pki.trustpoints.map(\.name)
        case .virtualTemplate: config.interfaces.compactMap(\.virtualTemplateNumber).map { String($0) }
        case .anyconnectProfile: config.anyconnectProfiles.map(\.name)
        case .proposal: config.ikev2.proposals.map(\.name)
        case .ipv4Pool: config.ipv4Pools.map(\.name)
        case .ipv6Pool: config.ipv6Pools.map(\.name)
        case .routeAccessList: config.accessLists.filter { $0.kind == .standard }.map(\.name)
        case .ipv4AccessList: config.accessLists.filter { $0.kind != .ipv6 }.map(\.name)
        case .ipv6AccessList: config.accessLists.filter { $0.kind == .ipv6 }.map(\.name)
        case .attributeList: config.aaa.attributeLists.map(\.name)
        case .transformSet: config.ipsec.transformSets.map(\.name)
        case .ikev2Profile: config.ikev2.profiles.map(\.name)
        case .ipsecProfile: config.ipsec.profiles.map(\.name)
        case .policyMap: Array(policyMaps).sorted()
        case .vrf: Array(vrfs).sorted()
        case .localAuthorizationPolicy(let list):
            config.aaa.methodList(.authorizationNetwork, named: list)?.methods.first == .local
                ? config.ikev2.authorizationPolicies.map(\.name) : nil
        }
    }

    mutating func resolveReferences() {
        var cache: [ReferenceKind: Set<String>] = [:]
        for reference in references {
            let names: Set<String>
            if let cached = cache[reference.kind] {
                names = cached
            } else {
                guard let defined = definedNames(reference.kind) else { continue }
                names = Set(defined)
                cache[reference.kind] = names
            }
            guard !names.contains(reference.name) else { continue }
            if reference.kind == .routeAccessList, config.accessLists.contains(where: { $0.name == reference.name }) {
                log.error(reference.location, "access list '\(reference.name)' is extended; 'route set access-list' takes a standard access list")
                continue
            }
            let ordered = (definedNames(reference.kind) ?? []).filter { !$0.isEmpty }
            let choices: String
            if ordered.isEmpty {
                choices = "none is defined"
            } else {
                let shown = ordered.prefix(8).map { "'\($0)'" }.joined(separator: ", ")
                choices = "defined: " + shown + (ordered.count > 8 ? ", … (\(ordered.count) in all)" : "")
            }
            let shownName = reference.kind == .virtualTemplate ? "Virtual-Template\(reference.name)" : reference.name
            let noun = reference.kind == .virtualTemplate ? "interface" : reference.kind.noun
            log.error(reference.location, "\(noun) '\(shownName)' is not defined; \(choices)")
        }
    }

    mutating func addBuiltInDefaults() {
        if !config.ikev2.proposals.contains(where: { $0.name == "default" }) { config.ikev2.proposals.append(IOSDefaults.proposal) }
        if !config.ikev2.policies.contains(where: { $0.name == "default" }) { config.ikev2.policies.append(IOSDefaults.policy) }
        if !config.ipsec.transformSets.contains(where: { $0.name == "default" }) { config.ipsec.transformSets.append(IOSDefaults.transformSet) }
        if !config.ipsec.profiles.contains(where: { $0.name == "default" }) { config.ipsec.profiles.append(IOSDefaults.ipsecProfile) }
    }
}
