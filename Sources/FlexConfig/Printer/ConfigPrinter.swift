import HubVocabulary

/// Prints a configuration as canonical running-config text: full keywords, one space of
/// indentation per sub-mode level, `!` after each block, defaults left out. Reading the
/// output back gives the same model (`FlexConfigTests` checks this on every fixture).
struct ConfigPrinter {
    private var lines: [String] = []
    /// Print `<redacted>` for keys and passwords (for `config diff` output).
    private var redactSecrets = false

    static func show(_ config: FlexConfiguration, redactingSecrets: Bool = false) -> String {
        var printer = ConfigPrinter()
        printer.redactSecrets = redactingSecrets
        printer.print(config)
        return printer.lines.joined(separator: "\n") + "\n"
    }

    // MARK: - Words

    static func word(_ text: String) -> String {
        let needsQuotes = text.isEmpty || text.contains(" ") || text.contains("\t") || text.hasPrefix("\"") || text.hasPrefix("!")
            || text.hasPrefix("\u{201C}")
        return needsQuotes ? "\"" + text + "\"" : text
    }

    func secret(_ secret: SecretBytes) -> String {
        redactSecrets ? "<redacted>" : Self.word(String(decoding: secret.revealedBytes(), as: UTF8.self))
    }

    private mutating func line(_ depth: Int, _ words: String...) {
        lines.append(String(repeating: " ", count: depth) + words.filter { !$0.isEmpty }.joined(separator: " "))
    }

    private mutating func bang() { lines.append("!") }

    // MARK: - Sections, in IOS running-config order

    private mutating func print(_ c: FlexConfiguration) {
        if let hostname = c.hostname { line(0, "hostname", hostname); bang() }
        printAAA(c)
        for user in c.users { printUser(user) }
        if !c.users.isEmpty { bang() }
        printPKI(c.pki)
        printIKEv2(c.ikev2)
        printIPsec(c.ipsec)
        for profile in c.anyconnectProfiles { line(0, "crypto vpn anyconnect profile", Self.word(profile.name), profile.path) }
        if !c.anyconnectProfiles.isEmpty { bang() }
        for interface in c.interfaces { printInterface(interface) }
        for pool in c.ipv4Pools {
            for range in pool.ranges {
                line(0, "ip local pool", Self.word(pool.name), "\(range.start)", range.end == range.start ? "" : "\(range.end)",
                     range.group.map { "group \(Self.word($0))" } ?? "", range.cacheSize.map { "cache-size \($0)" } ?? "")
            }
        }
        for pool in c.ipv6Pools {
            line(0, "ipv6 local pool", Self.word(pool.name), "\(pool.prefix)/\(pool.prefixLength)", "\(pool.assignedLength)",
                 pool.shared ? "shared" : "", pool.cacheSize.map { "cache-size \($0)" } ?? "")
        }
        if !c.ipv4Pools.isEmpty || !c.ipv6Pools.isEmpty { bang() }
        for list in c.accessLists { printAccessList(list) }
        for server in c.radiusServers { printRadiusServer(server) }
        printLinux(c.linux)
    }

    private mutating func printAAA(_ c: FlexConfiguration) {
        let aaa = c.aaa
        if aaa.newModel { line(0, "aaa new-model"); bang() }
        for group in aaa.serverGroups {
            line(0, "aaa group server radius", Self.word(group.name))
            for member in group.members {
                switch member {
                case .named(let name): line(1, "server name", Self.word(name))
                case .address(let address, let auth, let acct):
                    line(1, "server", "\(address)", auth.map { "auth-port \($0)" } ?? "", acct.map { "acct-port \($0)" } ?? "")
                }
            }
            if let deadtime = group.deadtimeMinutes { line(1, "deadtime", "\(deadtime)") }
            bang()
        }
        for list in aaa.methodLists {
            let methods = list.methods.map { method -> String in
                switch method {
                case .group(let group): "group " + Self.word(group)
                case .local: "local"
                case .localCase: "local-case"
                case .none: "none"
                case .ifAuthenticated: "if-authenticated"
                }
            }.joined(separator: " ")
            switch list.kind {
            case .accountingNetwork:
                line(0, "aaa accounting network", Self.word(list.name), (list.records ?? .startStop).rawValue, list.broadcast ? "broadcast" : "", methods)
            default:
                line(0, "aaa", list.kind.rawValue, Self.word(list.name), methods)
            }
        }
        if !aaa.methodLists.isEmpty { bang() }
        for list in aaa.attributeLists {
            line(0, "aaa attribute list", Self.word(list.name))
            for attribute in list.attributes {
                line(1, "attribute type", Self.word(attribute.type), Self.word(attribute.value),
                     attribute.service.map { "service \(Self.word($0))" } ?? "", attribute.protocol.map { "protocol \(Self.word($0))" } ?? "",
                     attribute.mandatory ? "mandatory" : "", attribute.tag ? "tag" : "")
            }
            bang()
        }
        if let dynamic = aaa.dynamicAuthorization {
            line(0, "aaa server radius dynamic-author")
            for client in dynamic.clients {
                line(1, "client", client.host, client.vrf.map { "vrf \(Self.word($0))" } ?? "", client.key.map { "server-key " + secret($0) } ?? "")
            }
            if let key = dynamic.serverKey { line(1, "server-key", secret(key)) }
            if dynamic.port != 1700 { line(1, "port", "\(dynamic.port)") }
            if dynamic.authType != .any { line(1, "auth-type", dynamic.authType.rawValue) }
            if dynamic.ignoreSessionKey { line(1, "ignore session-key") }
            if dynamic.ignoreServerKey { line(1, "ignore server-key") }
            bang()
        }
    }

    private mutating func printUser(_ user: LocalUser) {
        let privilege = user.privilege.map { "privilege \($0)" } ?? ""
        switch user.credential {
        case .password(let type, let value): line(0, "username", Self.word(user.name), privilege, "password", "\(type)", secret(value))
        case .secret(let type, let value): line(0, "username", Self.word(user.name), privilege, "secret", "\(type)", secret(value))
        }
    }

    private mutating func printPKI(_ pki: PKIConfiguration) {
        for trustpoint in pki.trustpoints {
            line(0, "crypto pki trustpoint", Self.word(trustpoint.name))
            if !trustpoint.revocationCheck.isEmpty { line(1, "revocation-check", trustpoint.revocationCheck.map(\.rawValue).joined(separator: " ")) }
            if let path = trustpoint.certificateFile { line(1, "certificate-file", path) }
            if let path = trustpoint.privateKeyFile { line(1, "private-key-file", path) }
            if let path = trustpoint.caCertificateFile { line(1, "ca-certificate-file", path) }
            if let path = trustpoint.crlFile { line(1, "crl-file", path) }
            bang()
        }
        for map in pki.certificateMaps {
            line(0, "crypto pki certificate map", Self.word(map.name), "\(map.sequence)")
            for rule in map.rules { line(1, rule.field.rawValue, rule.operator.rawValue, rule.value) }
            bang()
        }
    }

    private mutating func printIKEv2(_ ikev2: IKEv2Configuration) {
        for policy in ikev2.authorizationPolicies { printAuthorizationPolicy(policy) }
        for proposal in ikev2.proposals where !proposal.isBuiltIn {
            line(0, "crypto ikev2 proposal", Self.word(proposal.name))
            if !proposal.encryption.isEmpty { line(1, "encryption", proposal.encryption.joined(separator: " ")) }
            if !proposal.integrity.isEmpty { line(1, "integrity", proposal.integrity.joined(separator: " ")) }
            if !proposal.prf.isEmpty { line(1, "prf", proposal.prf.joined(separator: " ")) }
            if !proposal.groups.isEmpty { line(1, "group", proposal.groups.map(String.init).joined(separator: " ")) }
            bang()
        }
        for policy in ikev2.policies where !policy.isBuiltIn {
            line(0, "crypto ikev2 policy", Self.word(policy.name))
            for address in policy.localAddresses { line(1, "match address local", "\(address)") }
            if let vrf = policy.matchFVRF { line(1, "match fvrf", Self.word(vrf)) }
            for proposal in policy.proposals { line(1, "proposal", Self.word(proposal)) }
            bang()
        }
        for keyring in ikev2.keyrings { printKeyring(keyring) }
        for mangler in ikev2.nameManglers {
            line(0, "crypto ikev2 name-mangler", Self.word(mangler.name))
            if let dn = mangler.dn { line(1, "dn", dn.rawValue) }
            switch mangler.eap {
            case .all?: line(1, "eap all")
            case .dn(let field)?: line(1, "eap dn", field.rawValue)
            case .prefix(let delimiter)?: line(1, "eap prefix delimiter", String(delimiter))
            case .suffix(let delimiter)?: line(1, "eap suffix delimiter", String(delimiter))
            case nil: break
            }
            if let email = mangler.email { line(1, "email", email.rawValue) }
            if let fqdn = mangler.fqdn { line(1, "fqdn", fqdn.rawValue) }
            bang()
        }
        for profile in ikev2.profiles { printProfile(profile) }
        let before = lines.count
        if let dpd = ikev2.dpd { line(0, "crypto ikev2 dpd", "\(dpd.intervalSeconds)", "\(dpd.retrySeconds)", dpd.mode.rawValue) }
        if let threshold = ikev2.cookieChallengeThreshold { line(0, "crypto ikev2 cookie-challenge", "\(threshold)") }
        if let count = ikev2.maximumNegotiatingSAs { line(0, "crypto ikev2 limit max-in-negotiation-sa", "\(count)") }
        if let count = ikev2.maximumSAs { line(0, "crypto ikev2 limit max-sa", "\(count)") }
        if let count = ikev2.saInitQueueLimit { line(0, "crypto ikev2 limit queue sa-init", "\(count)") }
        if let mtu = ikev2.fragmentationMTU { line(0, "crypto ikev2 fragmentation", mtu == 576 ? "" : "mtu \(mtu)") }
        if let seconds = ikev2.natKeepaliveSeconds { line(0, "crypto ikev2 nat keepalive", "\(seconds)") }
        if !ikev2.httpURLCertificates { line(0, "no crypto ikev2 http-url cert") }
        if lines.count > before { bang() }
    }

    private mutating func printAuthorizationPolicy(_ p: AuthorizationPolicy) {
        line(0, "crypto ikev2 authorization policy", Self.word(p.name))
        if let pool = p.pool { line(1, "pool", Self.word(pool)) }
        if let pool = p.ipv6Pool { line(1, "ipv6 pool", Self.word(pool)) }
        if !p.dnsServers.isEmpty { line(1, "dns", p.dnsServers.map(\.description).joined(separator: " ")) }
        if !p.ipv6DNSServers.isEmpty { line(1, "ipv6 dns", p.ipv6DNSServers.map(\.description).joined(separator: " ")) }
        if !p.winsServers.isEmpty { line(1, "wins", p.winsServers.map(\.description).joined(separator: " ")) }
        if let mask = p.netmask { line(1, "netmask", "\(mask)") }
        if let banner = p.banner {
            let delimiter = ["^C", "#", "%", "$", "@", "~", "&", "*"].first { !banner.contains($0) } ?? "^C"
            line(1, "banner", delimiter + banner + delimiter)
        }
        if let domain = p.defaultDomain { line(1, "def-domain", Self.word(domain)) }
        for domain in p.splitDNS { line(1, "split-dns", Self.word(domain)) }
        for gateway in p.backupGateways { line(1, "backup-gateway", Self.word(gateway)) }
        if p.pfs { line(1, "pfs") }
        if p.includeLocalLAN { line(1, "include-local-lan") }
        if p.smartcardRemovalDisconnect { line(1, "smartcard-removal-disconnect") }
        if let url = p.configurationURL { line(1, "configuration url", Self.word(url)) }
        if let version = p.configurationVersion { line(1, "configuration version", Self.word(version)) }
        if let interface = p.routeSetInterface { line(1, "route set interface", interface) }
        for list in p.routeAccessLists { line(1, "route set access-list", list.ipv6 ? "ipv6" : "", Self.word(list.name)) }
        for route in p.remoteRoutes {
            switch route {
            case .ipv4(let address, let mask): line(1, "route set remote ipv4", "\(address)", "\(mask)")
            case .ipv6(let address, let length): line(1, "route set remote ipv6", "\(address)/\(length)")
            }
        }
        if p.routeAcceptAny {
            line(1, "route accept any", p.routeAcceptTag.map { "tag \($0)" } ?? "", p.routeAcceptDistance.map { "distance \($0)" } ?? "")
        }
        if let limit = p.ipsecFlowLimit { line(1, "ipsec flow-limit", "\(limit)") }
        if let seconds = p.sessionLifetimeSeconds { line(1, "session-lifetime", "\(seconds)") }
        if let list = p.attributeList { line(1, "aaa attribute list", Self.word(list)) }
        if let giaddr = p.dhcpGIAddr { line(1, "dhcp giaddr", "\(giaddr)") }
        if let server = p.dhcpServer { line(1, "dhcp server", server) }
        if let timeout = p.dhcpTimeoutSeconds { line(1, "dhcp timeout", "\(timeout)") }
        if let profile = p.anyconnectProfile { line(1, "anyconnect profile", Self.word(profile)) }
        bang()
    }

    private mutating func printKeyring(_ keyring: IKEv2Keyring) {
        line(0, "crypto ikev2 keyring", Self.word(keyring.name))
        for peer in keyring.peers {
            line(1, "peer", Self.word(peer.name))
            if let description = peer.description { line(2, "description", description) }
            for address in peer.addresses {
                switch address {
                case .ipv4(let address, let mask): line(2, "address", "\(address)", mask.rawValue == .max ? "" : "\(mask)")
                case .ipv6(let address, let length): line(2, "address", "\(address)/\(length)")
                }
            }
            if let hostname = peer.hostname { line(2, "hostname", Self.word(hostname)) }
            for identity in peer.identities {
                switch identity.kind {
                case .ipv4Address, .ipv6Address:
                    if let address = IPAddress(bytes: identity.data) { line(2, "identity address", "\(address)") }
                case .fqdn: line(2, "identity fqdn", Self.word(identity.text ?? ""))
                case .rfc822Address: line(2, "identity email", Self.word(identity.text ?? ""))
                case .keyID: line(2, "identity key-id", Self.word(identity.text ?? ""))
                default: break
                }
            }
            if let key = peer.key { line(2, "pre-shared-key", secret(key)) }
            if let key = peer.localKey { line(2, "pre-shared-key local", secret(key)) }
            if let key = peer.remoteKey { line(2, "pre-shared-key remote", secret(key)) }
            line(1, "!")
        }
        bang()
    }

    private mutating func printProfile(_ p: IKEv2Profile) {
        line(0, "crypto ikev2 profile", Self.word(p.name))
        if let description = p.description { line(1, "description", description) }
        for match in p.identityMatches {
            switch match {
            case .address(let address, let mask):
                line(1, "match identity remote address", "\(address)", mask.rawValue == .max ? "" : "\(mask)")
            case .ipv6Prefix(let address, let length): line(1, "match identity remote address", "\(address)/\(length)")
            case .fqdn(let name, let domain): line(1, "match identity remote fqdn", domain ? "domain" : "", Self.word(name))
            case .email(let name, let domain): line(1, "match identity remote email", domain ? "domain" : "", Self.word(name))
            case .keyID(let key): line(1, "match identity remote key-id", Self.word(key))
            case .any: line(1, "match identity remote any")
            }
        }
        for map in p.certificateMaps { line(1, "match certificate", Self.word(map)) }
        if let vrf = p.matchFVRF { line(1, "match fvrf", Self.word(vrf)) }
        for address in p.localAddresses { line(1, "match address local", "\(address)") }
        for interface in p.localInterfaces { line(1, "match address local interface", interface) }
        switch p.localIdentity {
        case .address(let address)?: line(1, "identity local address", "\(address)")
        case .fqdn(let name)?: line(1, "identity local fqdn", Self.word(name))
        case .email(let name)?: line(1, "identity local email", Self.word(name))
        case .keyID(let key)?: line(1, "identity local key-id", Self.word(key))
        case .distinguishedName?: line(1, "identity local dn")
        case nil: break
        }
        switch p.localAuthentication {
        case .rsaSignature?: line(1, "authentication local rsa-sig")
        case .ecdsaSignature?: line(1, "authentication local ecdsa-sig")
        case .preShared(let key)?: line(1, "authentication local pre-share", key.map { "key " + secret($0) } ?? "")
        case nil: break
        }
        for method in p.remoteAuthentication {
            switch method {
            case .rsaSignature: line(1, "authentication remote rsa-sig")
            case .ecdsaSignature: line(1, "authentication remote ecdsa-sig")
            case .preShared(let key): line(1, "authentication remote pre-share", key.map { "key " + secret($0) } ?? "")
            case .eap(let query, let timeout):
                line(1, "authentication remote eap", query ? "query-identity" : "",
                     timeout == IOSDefaults.eapTimeoutSeconds ? "" : "timeout \(timeout)")
            case .anyconnectEAP(let certificateRequest):
                line(1, "authentication remote anyconnect-eap aggregate", certificateRequest ? "cert-request" : "")
            }
        }
        switch p.keyring {
        case .local(let name)?: line(1, "keyring local", Self.word(name))
        case .aaa(let list, let mangler, let password)?:
            line(1, "keyring aaa", Self.word(list), mangler.map { "name-mangler \(Self.word($0))" } ?? "",
                 password.map { "password " + secret($0) } ?? "")
        case nil: break
        }
        for use in p.trustpoints { line(1, "pki trustpoint", Self.word(use.trustpoint), use.usage == .both ? "" : use.usage.rawValue) }
        if let list = p.eapAuthenticationList { line(1, "aaa authentication eap", Self.word(list)) }
        if let list = p.anyconnectEAPAuthenticationList { line(1, "aaa authentication anyconnect-eap", Self.word(list)) }
        for rule in p.authorizations {
            var source = "cached"
            if let list = rule.list {
                source = "list " + Self.word(list)
                switch rule.username {
                case .peerIdentity: break
                case .nameMangler(let mangler): source += " name-mangler " + Self.word(mangler)
                case .fixed(let name): source += " " + Self.word(name)
                }
            }
            line(1, "aaa authorization", rule.scope.rawValue, rule.override ? "override" : "", rule.method.rawValue, source)
        }
        for accounting in p.accounting { line(1, "aaa accounting", accounting.method?.rawValue ?? "", Self.word(accounting.list)) }
        if let template = p.virtualTemplate { line(1, "virtual-template", "\(template)", p.virtualTemplateModeAuto ? "mode auto" : "") }
        if let dpd = p.dpd { line(1, "dpd", "\(dpd.intervalSeconds)", "\(dpd.retrySeconds)", dpd.mode.rawValue) }
        if let seconds = p.natKeepaliveSeconds { line(1, "nat keepalive", "\(seconds)") }
        if p.lifetimeSeconds != 86400 { line(1, "lifetime", "\(p.lifetimeSeconds)") }
        if p.reconnect { line(1, "reconnect", p.reconnectTimeoutSeconds == 1800 ? "" : "timeout \(p.reconnectTimeoutSeconds)") }
        if !p.configExchangeRequest { line(1, "no config-exchange request") }
        if !p.configExchangeSetAccept { line(1, "no config-exchange set accept") }
        if !p.configExchangeSetSend { line(1, "no config-exchange set send") }
        if let profile = p.anyconnectProfile { line(1, "anyconnect profile", Self.word(profile)) }
        if p.shutdown { line(1, "shutdown") }
        bang()
    }

    private mutating func printIPsec(_ ipsec: IPsecConfiguration) {
        for set in ipsec.transformSets where !set.isBuiltIn {
            let transforms = set.transforms.map { $0.name + ($0.keyBits.map { " \($0)" } ?? "") }.joined(separator: " ")
            line(0, "crypto ipsec transform-set", Self.word(set.name), transforms)
            if set.mode == .transport { line(1, "mode transport") }
            bang()
        }
        let before = lines.count
        if ipsec.lifetimeSeconds != 3600 { line(0, "crypto ipsec security-association lifetime seconds", "\(ipsec.lifetimeSeconds)") }
        if ipsec.lifetimeKilobytes != 4_608_000 { line(0, "crypto ipsec security-association lifetime kilobytes", "\(ipsec.lifetimeKilobytes)") }
        if lines.count > before { bang() }
        for p in ipsec.profiles where !p.isBuiltIn {
            line(0, "crypto ipsec profile", Self.word(p.name))
            if let description = p.description { line(1, "description", description) }
            if !p.transformSets.isEmpty { line(1, "set transform-set", p.transformSets.map(Self.word).joined(separator: " ")) }
            if let profile = p.ikev2Profile { line(1, "set ikev2-profile", Self.word(profile)) }
            if let group = p.pfsGroup { line(1, "set pfs", group == 0 ? "" : "group\(group)") }
            if let seconds = p.lifetimeSeconds { line(1, "set security-association lifetime seconds", "\(seconds)") }
            if p.lifetimeKilobytesDisabled { line(1, "set security-association lifetime kilobytes disable") }
            else if let kilobytes = p.lifetimeKilobytes { line(1, "set security-association lifetime kilobytes", "\(kilobytes)") }
            if let window = p.replayWindow { line(1, "set security-association replay", window == 0 ? "disable" : "window-size \(window)") }
            if let idle = p.idleTimeSeconds { line(1, "set security-association idle-time", "\(idle)") }
            if p.responderOnly { line(1, "responder-only") }
            bang()
        }
    }

    private mutating func printInterface(_ i: Interface) {
        line(0, "interface", i.name, i.typeTunnel ? "type tunnel" : "")
        if let description = i.description { line(1, "description", description) }
        if let address = i.ipv4Address, let mask = i.ipv4Mask { line(1, "ip address", "\(address)", "\(mask)") }
        if let source = i.ipUnnumbered { line(1, "ip unnumbered", source) }
        if let source = i.ipv6Unnumbered { line(1, "ipv6 unnumbered", source) }
        for address in i.ipv6Addresses { line(1, "ipv6 address", "\(address.address)/\(address.length)") }
        if i.ipv6Enabled { line(1, "ipv6 enable") }
        if let mtu = i.mtu { line(1, "ip mtu", "\(mtu)") }
        if let mtu = i.ipv6MTU { line(1, "ipv6 mtu", "\(mtu)") }
        if let mss = i.tcpAdjustMSS { line(1, "ip tcp adjust-mss", "\(mss)") }
        if let acl = i.accessGroupIn { line(1, "ip access-group", Self.word(acl), "in") }
        if let acl = i.accessGroupOut { line(1, "ip access-group", Self.word(acl), "out") }
        if let acl = i.ipv6FilterIn { line(1, "ipv6 traffic-filter", Self.word(acl), "in") }
        if let acl = i.ipv6FilterOut { line(1, "ipv6 traffic-filter", Self.word(acl), "out") }
        if let mode = i.tunnelMode { line(1, "tunnel mode", mode.rawValue) }
        switch i.tunnelSource {
        case .interface(let name)?: line(1, "tunnel source", name)
        case .address(let address)?: line(1, "tunnel source", "\(address)")
        case nil: break
        }
        if let profile = i.tunnelProtection { line(1, "tunnel protection ipsec profile", Self.word(profile)) }
        if i.shutdown { line(1, "shutdown") }
        bang()
    }

    private static func address(_ address: AccessList.Address) -> String {
        switch address {
        case .any: "any"
        case .host(let host): "host \(host)"
        case .wildcard(let base, let wildcard): "\(base) \(wildcard)"
        case .ipv6Prefix(let prefix, let length): "\(prefix)/\(length)"
        }
    }

    private static func ports(_ ports: AccessList.Ports?) -> String {
        guard let ports else { return "" }
        return ports.operator.rawValue + " \(ports.low)" + (ports.high.map { " \($0)" } ?? "")
    }

    static func rule(_ rule: AccessList.Rule, kind: AccessList.Kind) -> String {
        var words = [rule.permit ? "permit" : "deny"]
        if kind != .standard {
            words.append(rule.protocolName ?? rule.protocolNumber.map(String.init) ?? (kind == .ipv6 ? "ipv6" : "ip"))
        }
        words.append(address(rule.source))
        words.append(ports(rule.sourcePorts))
        if let destination = rule.destination { words.append(address(destination)) }
        words.append(ports(rule.destinationPorts))
        if rule.established { words.append("established") }
        if rule.log { words.append("log") }
        return words.filter { !$0.isEmpty }.joined(separator: " ")
    }

    private mutating func printAccessList(_ list: AccessList) {
        if list.numbered {
            for entry in list.entries {
                switch entry {
                case .rule(let rule): line(0, "access-list", list.name, Self.rule(rule, kind: list.kind))
                case .remark(let text): line(0, "access-list", list.name, "remark", text)
                }
            }
            bang()
            return
        }
        line(0, list.kind == .ipv6 ? "ipv6 access-list" : "ip access-list \(list.kind.rawValue)", Self.word(list.name))
        for entry in list.entries {
            switch entry {
            case .rule(let rule):
                let sequence = rule.sequence.map { list.kind == .ipv6 ? "sequence \($0)" : "\($0)" } ?? ""
                line(1, sequence, Self.rule(rule, kind: list.kind))
            case .remark(let text): line(1, "remark", text)
            }
        }
        bang()
    }

    private mutating func printRadiusServer(_ server: RadiusServer) {
        let ports = (server.authenticationPort == 1645 ? "" : "auth-port \(server.authenticationPort)") + " "
            + (server.accountingPort == 1646 ? "" : "acct-port \(server.accountingPort)")
        if server.isLegacyHost, let address = server.address {
            line(0, "radius-server host", "\(address)", ports.trimmingBlanks(),
                 server.timeoutSeconds == 5 ? "" : "timeout \(server.timeoutSeconds)",
                 server.retransmit == 3 ? "" : "retransmit \(server.retransmit)",
                 server.key.map { "key " + secret($0) } ?? "")
            bang()
            return
        }
        line(0, "radius server", Self.word(server.name))
        if let address = server.address {
            let family: String
            switch address {
            case .v4: family = "ipv4"
            case .v6: family = "ipv6"
            }
            line(1, "address", family, "\(address)", ports.trimmingBlanks())
        }
        if let key = server.key { line(1, "key", secret(key)) }
        if server.timeoutSeconds != 5 { line(1, "timeout", "\(server.timeoutSeconds)") }
        if server.retransmit != 3 { line(1, "retransmit", "\(server.retransmit)") }
        bang()
    }

    private mutating func printLinux(_ l: LinuxSettings) {
        guard l != LinuxSettings() else { return }
        line(0, "ikehub")
        for listen in l.listenAddresses {
            line(1, "listen address", "\(listen.address)", listen.port == 500 ? "" : "port \(listen.port)",
                 listen.natTraversalPort == 4500 ? "" : "nat-t-port \(listen.natTraversalPort)")
        }
        if l.stateDirectory != "/var/lib/ikehub" { line(1, "state-directory", l.stateDirectory) }
        if l.dataPlane != .xfrm { line(1, "dataplane", l.dataPlane.rawValue) }
        for service in LinuxSettings.Service.allCases {
            if let endpoint = l.ipcEndpoints[service] { line(1, "ipc endpoint", service.rawValue, endpoint) }
        }
        if let path = l.curveKeyFile { line(1, "ipc curve-key-file", path) }
        for key in l.workerKeys { line(1, "ipc worker-key", Self.word(key.name), key.publicKey) }
        bang()
    }
}
