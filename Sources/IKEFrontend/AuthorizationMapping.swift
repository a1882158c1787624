import HubVocabulary
import IKEExchanges
import IKEWire

/// The merged authorization set of the `authz` service (names and values as
/// ``AuthorizationAttribute`` spells them) turned into what the session uses: the CFG_REPLY
/// attributes, the address sources, the virtual-access lines and accounting's Class.
///
/// Standard attributes go to every client; Cisco Unity ones only to clients that sent a
/// Cisco vendor ID, FlexVPN ones only to FlexVPN clients (cisco-attributes.md §1, §4). What
/// has no IKEv2 attribute number in any public source (smartcard-removal-disconnect,
/// configuration URL/version) is kept out of CFG_REPLY and reported in `unsent`.
struct AuthorizationMapping {
    var authorization = SessionAuthorization()
    /// Attributes the client was not sent, with why (for the log).
    var unsent: [String] = []

    /// `routeSets` resolves `route set access-list|interface` for a session of `profile`.
    init(_ attributes: [AAAAttribute], client: PeerClient, profile: String = "", routeSets: RouteSets = RouteSets()) {
        var pushed: [ConfigurationAttribute] = []
        var splitDNS: [String] = [], backupGateways: [String] = []
        for attribute in attributes {
            guard let name = AuthorizationAttribute(rawValue: attribute.name) else {
                unsent.append("\(attribute.name): not an IKEHub authorization attribute")
                continue
            }
            let value = attribute.value
            switch name {
            case .framedIPAddress:
                authorization.framedIPv4Address = IPv4Address(value)
            case .addressPool:
                authorization.poolName = value
            case .dnsServers:
                pushed += Self.addresses(value).compactMap { $0.v4 }.map { .ipv4(.internalIP4DNS, $0) }
            case .ipv6DNSServers:
                pushed += Self.addresses(value).compactMap { $0.v6 }.map { .ipv6(.internalIP6DNS, $0) }
            case .winsServers:
                pushed += Self.addresses(value).compactMap { $0.v4 }.map { .ipv4(.internalIP4NBNS, $0) }
            case .defaultDomain:
                // RFC 8598 INTERNAL_DNS_DOMAIN for everyone, MODECFG_DEFDOMAIN for Cisco clients.
                pushed.append(.text(.internalDNSDomain, value))
                if client.isCisco { pushed.append(.text(.unityDefaultDomain, value)) }
            case .splitDNS:
                splitDNS.append(value)
                pushed.append(.text(.internalDNSDomain, value))
            case .routeSet:
                if let route = Self.remoteRoute(value) {
                    pushed.append(route)
                } else {
                    switch routeSets.subnets(value, profile: profile) {
                    case .success(let subnets): pushed += subnets
                    case .failure(let error): unsent.append("ipsec:route-set=\(value): \(error)")
                    }
                }
            case .banner where client.isCisco:
                pushed.append(.text(.unityBanner, value))
            case .backupGateway where client.isCisco:
                backupGateways.append(value)
            case .pfs where client.isCisco:
                pushed.append(ConfigurationAttribute(type: .unityPFS, value: [0, value == "1" ? 1 : 0]))
            case .includeLocalLAN where client.isCisco && value == "1":
                // "Local LAN" = 0.0.0.0/0.0.0.0 in UNITY_LOCAL_LAN (cisco-attributes.md §2).
                pushed.append(.unityNetworks(.unityLocalLAN, [(IPv4Address(0), IPv4Address(0))]))
            case .banner, .backupGateway, .pfs, .includeLocalLAN:
                break   // Cisco Unity attributes; this client sent no Cisco vendor ID
            case .smartcardRemovalDisconnect, .configurationURL, .configurationVersion:
                unsent.append("\(attribute.name): no public IKEv2 attribute number (cisco-attributes.md §2)")
            case .class:
                if let octets = Hex.decode(value) { authorization.accountingClass.append(octets) }
            case .interfaceConfig:
                authorization.interfaceConfig.append(value)
            case .sessionTimeout:
                if let seconds = Int64(value), seconds > 0 { authorization.sessionTimeoutSeconds = seconds }
            case .framedIPNetmask, .framedIPv6Prefix, .ipv6AddressPool, .ipv6Address, .ipv6PrefixLength, .routeAccept,
                 .dhcpServer, .dhcpGIAddr, .dhcpTimeout, .flowLimit, .acctInterimInterval,
                 .idleTimeout, .userName:
                break   // used by the headend elsewhere, or not yet (see the closing notes of the AAA issue)
            }
        }
        if client.isCisco, !splitDNS.isEmpty { pushed.append(.text(.unitySplitDNSName, splitDNS.joined(separator: ","))) }
        if client.isCisco, !backupGateways.isEmpty {
            pushed.append(.text(.unityBackupServers, backupGateways.joined(separator: ",")))
        }
        authorization.pushedAttributes = pushed
    }

    private static func addresses(_ value: String) -> [IPAddress] {
        value.split(separator: " ").compactMap { IPAddress($0) }
    }

    /// `remote ipv4 A MASK` → INTERNAL_IP4_SUBNET, `remote ipv6 P/LEN` → INTERNAL_IP6_SUBNET.
    private static func remoteRoute(_ value: String) -> ConfigurationAttribute? {
        let words = value.split(separator: " ").map(String.init)
        guard words.count >= 3, words[0] == "remote" else { return nil }
        switch words[1] {
        case "ipv4":
            guard words.count == 4, let address = IPv4Address(words[2]), let mask = IPv4Address(words[3]) else { return nil }
            return .ipv4Subnet(address: address, netmask: mask)
        case "ipv6":
            let parts = words[2].split(separator: "/")
            guard parts.count == 2, let address = IPv6Address(parts[0]), let length = UInt8(parts[1]), length <= 128 else { return nil }
            return .ipv6Prefix(.internalIP6Subnet, address, prefixLength: length)
        default:
            return nil
        }
    }
}

private extension IPAddress {
    var v4: IPv4Address? { if case .v4(let address) = self { address } else { nil } }
    var v6: IPv6Address? { if case .v6(let address) = self { address } else { nil } }
}
