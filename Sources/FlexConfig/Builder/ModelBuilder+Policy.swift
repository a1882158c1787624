import HubVocabulary

extension ModelBuilder {
    mutating func authorizationPolicy(_ s: Statement) {
        guard let name = s.word("policy") else { return }
        if s.negated { config.ikev2.authorizationPolicies.removeAll { $0.name == name }; return }
        let index = Self.upsert(&config.ikev2.authorizationPolicies, name, in: objectIndexes) { AuthorizationPolicy(name: name) }
        var p = config.ikev2.authorizationPolicies[index]
        for c in s.children {
            let off = c.negated
            switch c.id {
            case .policyPool:
                p.pool = off ? nil : c.word("pool")
                if !off { refer(.ipv4Pool, c, "pool") }
            case .policyIPv6Pool:
                p.ipv6Pool = off ? nil : c.word("pool")
                if !off { refer(.ipv6Pool, c, "pool") }
            case .policyDNS: p.dnsServers = off ? [] : [ipv4(c, "primary"), ipv4(c, "secondary")].compactMap { $0 }
            case .policyIPv6DNS: p.ipv6DNSServers = off ? [] : [ipv6(c, "primary"), ipv6(c, "secondary")].compactMap { $0 }
            case .policyWINS: p.winsServers = off ? [] : [ipv4(c, "primary"), ipv4(c, "secondary")].compactMap { $0 }
            case .policyNetmask: p.netmask = off ? nil : ipv4(c, "mask")
            case .policyBanner: p.banner = off ? nil : c.word("text")
            case .policyDefDomain: p.defaultDomain = off ? nil : c.word("domain")
            case .policySplitDNS:
                guard let domain = c.word("domain") else { continue }
                p.splitDNS.removeAll { $0 == domain }
                if !off {
                    if p.splitDNS.count == 10 { log.error(c.location(of: "domain"), "at most 10 'split-dns' names are allowed; '\(domain)' is the 11th"); continue }
                    p.splitDNS.append(domain)
                }
            case .policyBackupGateway:
                guard let gateway = c.word("gateway") else { continue }
                p.backupGateways.removeAll { $0 == gateway }
                if !off {
                    if p.backupGateways.count == 10 { log.error(c.location(of: "gateway"), "at most 10 'backup-gateway' names are allowed; '\(gateway)' is the 11th"); continue }
                    p.backupGateways.append(gateway)
                }
            case .policyPFS: p.pfs = !off
            case .policyIncludeLocalLAN: p.includeLocalLAN = !off
            case .policySmartcardRemoval:
                p.smartcardRemovalDisconnect = !off
                if !off { warnNoAttributeNumber(c) }
            case .policyConfigurationURL:
                p.configurationURL = off ? nil : c.word("url")
                if !off { warnNoAttributeNumber(c) }
            case .policyConfigurationVersion:
                p.configurationVersion = off ? nil : c.word("version")
                if !off { warnNoAttributeNumber(c) }
            case .policyRouteSetInterface: p.routeSetInterface = off ? nil : (c.word("interface") ?? "")
            case .policyRouteSetAccessList, .policySubnetACL, .policyIPv6SubnetACL:
                guard let acl = c.word("acl") else { continue }
                let entry = AuthorizationPolicy.RouteAccessList(name: acl, ipv6: c.has("ipv6"))
                p.routeAccessLists.removeAll { $0 == entry }
                if !off {
                    references.append(Reference(kind: entry.ipv6 ? .ipv6AccessList : .routeAccessList, name: acl, location: c.location(of: "acl")))
                    p.routeAccessLists.append(entry)
                }
            case .policyRouteSetRemote:
                let route: AuthorizationPolicy.RemoteRoute
                if let address = ipv4(c, "address"), let mask = ipv4(c, "mask") {
                    route = .ipv4(IPv4Address(address.rawValue & mask.rawValue), mask: mask)
                } else if let (address, length) = prefix(c, "prefix") {
                    route = .ipv6(address, prefixLength: length)
                } else { continue }
                p.remoteRoutes.removeAll { $0 == route }
                if !off { p.remoteRoutes.append(route) }
            case .policyRouteAccept:
                p.routeAcceptAny = !off
                p.routeAcceptTag = off ? nil : int(c, "tag")
                p.routeAcceptDistance = off ? nil : int(c, "distance")
                if !off {
                    log.warning(c.location, "'route accept' installs routes a client announces in its CFG; IKEHub installs no routes from remote-access clients (their virtual-access routes are the assigned addresses); ignored")
                }
            case .policyFlowLimit:
                p.ipsecFlowLimit = off ? nil : int(c, "limit")
                if !off {
                    log.warning(c.location, "'ipsec flow-limit' is not enforced: a session may have any number of CHILD_SAs; ignored")
                }
            case .policySessionLifetime: p.sessionLifetimeSeconds = off ? nil : int(c, "seconds")
            case .policyAttributeList:
                p.attributeList = off ? nil : c.word("list")
                if !off { refer(.attributeList, c, "list") }
            case .policyDHCP:
                if c.has("giaddr") { p.dhcpGIAddr = off ? nil : ipv4(c, "giaddr") }
                if c.has("server") { p.dhcpServer = off ? nil : (c.word("server") ?? ipAddress(c, "server")?.description) }
                if c.has("timeout") { p.dhcpTimeoutSeconds = off ? nil : int(c, "seconds") }
                if !off {
                    log.warning(c.location, "'\(c.commandName)': address assignment by DHCP is not implemented; sessions take their address from 'pool' or a RADIUS Framed-IP-Address; ignored")
                }
            case .policyAnyconnectProfile:
                p.anyconnectProfile = off ? nil : c.word("name")
                if !off {
                    refer(.anyconnectProfile, c, "name")
                    warnAnyConnectProfile(c)
                }
            default: break
            }
        }
        config.ikev2.authorizationPolicies[index] = p
    }

    mutating func trustpoint(_ s: Statement) {
        guard let name = s.word("trustpoint") else { return }
        if s.negated { config.pki.trustpoints.removeAll { $0.name == name }; return }
        let index = Self.upsert(&config.pki.trustpoints, name, in: objectIndexes) { Trustpoint(name: name) }
        for c in s.children {
            switch c.id {
            case .trustpointRevocationCheck:
                config.pki.trustpoints[index].revocationCheck = c.negated ? [] : c.items.dropFirst().compactMap { Trustpoint.RevocationCheck(rawValue: $0.name) }
                if c.has("ocsp") { log.warning(c.location(of: "ocsp"), "'ocsp' revocation checking needs the OCSP responder named in each certificate; without network access to it sessions fail") }
            case .trustpointCertificateFile: config.pki.trustpoints[index].certificateFile = c.negated ? nil : c.word("path")
            case .trustpointPrivateKeyFile: config.pki.trustpoints[index].privateKeyFile = c.negated ? nil : c.word("path")
            case .trustpointCACertificateFile: config.pki.trustpoints[index].caCertificateFile = c.negated ? nil : c.word("path")
            case .trustpointCRLFile: config.pki.trustpoints[index].crlFile = c.negated ? nil : c.word("path")
            default: break
            }
        }
    }

    mutating func certificateMap(_ s: Statement) {
        guard let name = s.word("map"), let sequence = int(s, "sequence") else { return }
        if s.negated { config.pki.certificateMaps.removeAll { $0.name == name && $0.sequence == sequence }; return }
        let index: Int
        if let existing = config.pki.certificateMaps.firstIndex(where: { $0.name == name && $0.sequence == sequence }) {
            index = existing
        } else {
            config.pki.certificateMaps.append(CertificateMap(name: name, sequence: sequence))
            index = config.pki.certificateMaps.count - 1
        }
        for c in s.children where c.id == .certificateMapRule {
            guard let fieldName = c.items.first?.name, let field = CertificateMap.Rule.Field(rawValue: fieldName),
                  let operatorName = c.items.dropFirst().first?.name, let op = CertificateMap.Rule.Operator(rawValue: operatorName),
                  let value = c.word("value") else { continue }
            // IOS: co/nc compare names only, lt/le/gt/ge dates only (expires-on).
            if field == .expiresOn, op == .co || op == .nc {
                log.error(c.location(of: operatorName), "'\(operatorName)' compares names; 'expires-on' takes eq, ne, lt, le, gt or ge")
                continue
            }
            if field != .expiresOn, [.lt, .le, .gt, .ge].contains(op) {
                log.error(c.location(of: operatorName), "'\(operatorName)' compares dates; only 'expires-on' takes it")
                continue
            }
            let rule = CertificateMap.Rule(field: field, operator: op, value: value.lowercased())
            config.pki.certificateMaps[index].rules.removeAll { $0 == rule }
            if !c.negated { config.pki.certificateMaps[index].rules.append(rule) }
        }
    }

    mutating func transformSet(_ s: Statement) {
        guard let name = s.word("transform-set") else { return }
        config.ipsec.transformSets.removeAll { $0.name == name }
        if s.negated { return }
        var transforms: [TransformSet.Transform] = []
        for item in s.items.drop(while: { $0.isKeyword || $0.name != "transform-set" }).dropFirst() {
            if let bits = Int(item.name), !transforms.isEmpty {
                transforms[transforms.count - 1].keyBits = bits
            } else {
                transforms.append(.init(name: item.name, keyBits: nil))
            }
        }
        var set = TransformSet(name: name, transforms: transforms)
        // The userspace data plane (and IKEHub's proposals) do AES-CBC, AES-GCM and SHA-1/2
        // HMACs only: the rest would stop the headend at start, so it is an error here.
        for item in s.items where ["esp-3des", "esp-des", "esp-null", "esp-gmac", "esp-md5-hmac"].contains(item.name) {
            log.error(SourceLocation(file: s.location.file, line: s.location.line, column: item.column),
                      "'\(item.name)' is not supported by IKEHub's ESP data plane; use esp-aes [128|192|256] or esp-gcm [128|256] with esp-sha-hmac, esp-sha256-hmac, esp-sha384-hmac or esp-sha512-hmac")
        }
        let encryption = transforms.filter { ["esp-aes", "esp-gcm", "esp-gmac", "esp-3des", "esp-des", "esp-null"].contains($0.name) }
        let integrity = transforms.filter { $0.name.hasSuffix("-hmac") }
        if encryption.count > 1 {
            log.error(s.location(of: "transform-set"), "transform set '\(name)' has \(encryption.count) encryption transforms; one is allowed")
        }
        if integrity.count > 1 {
            log.error(s.location(of: "transform-set"), "transform set '\(name)' has \(integrity.count) integrity transforms; one is allowed")
        }
        if let combined = encryption.first, ["esp-gcm", "esp-gmac"].contains(combined.name), let extra = integrity.first {
            log.error(s.location(of: "transform-set"), "'\(combined.name)' authenticates by itself; '\(extra.name)' cannot be combined with it")
        }
        for c in s.children where c.id == .transformSetMode {
            set.mode = (!c.negated && c.has("transport")) ? .transport : .tunnel
        }
        config.ipsec.transformSets.append(set)
    }

    mutating func ipsecProfile(_ s: Statement) {
        guard let name = s.word("profile") else { return }
        if s.negated { config.ipsec.profiles.removeAll { $0.name == name }; return }
        let index = Self.upsert(&config.ipsec.profiles, name, in: objectIndexes) { IPsecProfile(name: name) }
        var p = config.ipsec.profiles[index]
        p.isBuiltIn = false
        for c in s.children {
            switch c.id {
            case .ipsecProfileTransformSet:
                p.transformSets = []
                if c.negated { continue }
                for item in c.items where item.name == "transform-set" && !item.isKeyword {
                    guard case .word(let set) = item.value else { continue }
                    references.append(Reference(kind: .transformSet, name: set,
                                                location: SourceLocation(file: c.location.file, line: c.location.line, column: item.column)))
                    p.transformSets.append(set)
                }
                if p.transformSets.count > 6 { log.error(c.location, "at most 6 transform sets are allowed; \(p.transformSets.count) given") }
            case .ipsecProfileIKEv2Profile:
                p.ikev2Profile = c.negated ? nil : c.word("profile")
                if !c.negated { refer(.ikev2Profile, c, "profile") }
            case .ipsecProfilePFS:
                if c.negated { p.pfsGroup = nil; continue }
                let group = c.items.last.flatMap { $0.name.hasPrefix("group") ? Int($0.name.dropFirst(5)) : nil }
                p.pfsGroup = group ?? 0
            case .ipsecProfileLifetime:
                if c.has("seconds") { p.lifetimeSeconds = c.negated ? nil : int(c, "seconds") }
                if c.has("kilobytes") {
                    p.lifetimeKilobytes = c.negated ? nil : c.integer("kilobytes")
                    p.lifetimeKilobytesDisabled = !c.negated && c.has("disable")
                }
            case .ipsecProfileReplay: p.replayWindow = c.negated ? nil : (c.has("disable") ? 0 : int(c, "size"))
            case .ipsecProfileIdleTime: p.idleTimeSeconds = c.negated ? nil : int(c, "seconds")
            case .ipsecProfileResponderOnly: p.responderOnly = !c.negated
            case .ipsecProfileDescription: p.description = c.negated ? nil : c.word("text")
            default: break
            }
        }
        config.ipsec.profiles[index] = p
    }

    mutating func ipv4Pool(_ s: Statement) {
        guard let name = s.word("pool"), let start = ipv4(s, "start") else { return }
        let end = ipv4(s, "end") ?? start
        if s.negated {
            config.ipv4Pools.removeAll { $0.name == name }
            poolRanges.removeAll { $0.pool == name }
            return
        }
        guard start <= end else {
            log.error(s.location(of: "end"), "pool range ends at \(end), before its start \(start)")
            return
        }
        // All accepted ranges are disjoint and sorted, so only the neighbours can overlap.
        var low = 0, high = poolRanges.count
        while low < high {
            let middle = (low + high) / 2
            if poolRanges[middle].start.rawValue <= start.rawValue { low = middle + 1 } else { high = middle }
        }
        let neighbours = [low - 1, low].filter { $0 >= 0 && $0 < poolRanges.count }.map { poolRanges[$0] }
        if let other = neighbours.first(where: { $0.start <= end && start <= $0.end }) {
            log.error(s.location(of: "start"), "range \(start)-\(end) overlaps \(other.start)-\(other.end) of pool '\(other.pool)'")
            return
        }
        poolRanges.insert((start, end, name), at: low)
        let index = Self.upsert(&config.ipv4Pools, name, in: objectIndexes) { IPv4Pool(name: name) }
        config.ipv4Pools[index].ranges.append(.init(start: start, end: end, group: s.word("group"), cacheSize: int(s, "size")))
    }

    mutating func ipv6Pool(_ s: Statement) {
        guard let name = s.word("pool"), let (prefix, prefixLength) = prefix(s, "prefix"), let assigned = s.integer("length") else { return }
        config.ipv6Pools.removeAll { $0.name == name }
        if s.negated { return }
        guard UInt8(assigned) >= prefixLength else {
            log.error(s.location(of: "length"), "assigned prefix length /\(assigned) is shorter than the pool's /\(prefixLength)")
            return
        }
        if assigned != 128 {
            log.warning(s.location(of: "length"), "each client gets a /\(assigned); the seed guide recommends 128 (one address per client)")
        }
        config.ipv6Pools.append(IPv6Pool(name: name, prefix: prefix, prefixLength: prefixLength, assignedLength: UInt8(assigned),
                                         shared: s.has("shared"), cacheSize: int(s, "size")))
    }
}

extension ModelBuilder {
    /// Seed attributes whose IKEv2 configuration attribute number no public source gives
    /// (cisco-attributes.md §2): kept in the model and in `show`, never sent.
    mutating func warnNoAttributeNumber(_ c: Statement) {
        log.warning(c.location, "'\(c.commandName)' is not sent to clients: its Cisco IKEv2 configuration attribute has no public number; ignored")
    }

    mutating func warnAnyConnectProfile(_ c: Statement) {
        log.warning(c.location, "'anyconnect profile': AnyConnect profile download is not implemented; clients keep the profile they have; ignored")
    }
}
