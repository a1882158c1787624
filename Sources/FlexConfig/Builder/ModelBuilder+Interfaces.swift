import HubVocabulary

extension ModelBuilder {
    mutating func namedAccessList(_ s: Statement) {
        guard let name = s.word("acl") else { return }
        let kind: AccessList.Kind = s.id == .ipAccessListStandard ? .standard : s.id == .ipAccessListExtended ? .extended : .ipv6
        if s.negated { config.accessLists.removeAll { $0.name == name && $0.kind == kind }; return }
        if let other = config.accessLists.first(where: { $0.name == name && $0.kind != kind && ($0.kind == .ipv6) == (kind == .ipv6) }) {
            log.error(s.location(of: "acl"), "access list '\(name)' is already defined as \(other.kind.rawValue)")
            return
        }
        // IPv4 and IPv6 lists have separate name spaces.
        let index: Int
        if let existing = config.accessLists.firstIndex(where: { $0.name == name && $0.kind == kind }) {
            index = existing
        } else {
            config.accessLists.append(AccessList(name: name, kind: kind))
            index = config.accessLists.count - 1
        }
        for c in s.children {
            if c.id == .accessListRemark {
                if !c.negated, let text = c.word("text") { config.accessLists[index].entries.append(.remark(text)) }
                continue
            }
            guard let rule = accessRule(c) else { continue }
            if c.negated {
                config.accessLists[index].entries.removeAll { entry in
                    if case .rule(let existing) = entry { return existing.sequence == rule.sequence && (rule.sequence != nil || existing == rule) }
                    return false
                }
            } else {
                config.accessLists[index].entries.append(.rule(rule))
            }
        }
    }

    mutating func numberedAccessList(_ s: Statement) {
        guard let number = s.integer("acl") else { return }
        let name = String(number)
        let kind: AccessList.Kind = s.id == .numberedExtended || (s.id == .numberedRemark && ((100...199).contains(number) || number >= 2000)) ? .extended : .standard
        if s.negated { config.accessLists.removeAll { $0.name == name }; return }
        let index: Int
        if let existing = config.accessLists.firstIndex(where: { $0.name == name && $0.kind != .ipv6 }) {
            index = existing
        } else {
            var list = AccessList(name: name, kind: kind)
            list.numbered = true
            config.accessLists.append(list)
            index = config.accessLists.count - 1
        }
        if s.id == .numberedRemark {
            if let text = s.word("text") { config.accessLists[index].entries.append(.remark(text)) }
        } else if let rule = accessRule(s) {
            config.accessLists[index].entries.append(.rule(rule))
        }
    }

    /// Reads `permit|deny …` in source order: the first address part is the source.
    func accessRule(_ s: Statement) -> AccessList.Rule? {
        var rule = AccessList.Rule(sequence: s.integer("sequence"), permit: s.has("permit"), source: .any)
        var sawSource = false
        var pendingHost = false
        var pendingAddress: IPv4Address?
        var pendingPorts: AccessList.Ports.Operator?
        let protocols: [String: UInt8] = ["tcp": 6, "udp": 17, "icmp": 1, "esp": 50, "ahp": 51, "gre": 47]
        func place(_ value: AccessList.Address) {
            if sawSource { rule.destination = value } else { rule.source = value; sawSource = true }
        }
        // An address without wildcard bits (standard lists only) is a host.
        func flushAddress() {
            if let address = pendingAddress { place(.host(.v4(address))); pendingAddress = nil }
        }
        for item in s.items {
            if case .ipv4(let wildcard) = item.value, item.name.hasSuffix("wildcard"), let base = pendingAddress {
                place(.wildcard(IPv4Address(base.rawValue & ~wildcard.rawValue), wildcard))
                pendingAddress = nil
                continue
            }
            flushAddress()
            switch (item.name, item.value) {
            case ("permit", _), ("deny", _), ("sequence", _), ("acl", _): continue
            case ("ip", .keyword), ("ipv6", .keyword): rule.protocolName = item.name
            case (let name, .keyword) where protocols[name] != nil && rule.protocolName == nil && rule.protocolNumber == nil:
                rule.protocolName = name
                rule.protocolNumber = protocols[name]
            case ("protocol", .integer(let number)): rule.protocolNumber = UInt8(clamping: number)
            case ("any", _): place(.any)
            case ("host", _): pendingHost = true
            case ("established", _): rule.established = true
            case ("log", _): rule.log = true
            case (let name, .keyword) where AccessList.Ports.Operator(rawValue: name) != nil:
                pendingPorts = AccessList.Ports.Operator(rawValue: name)
            case (let name, .integer(let value)) where name.hasSuffix("-port") || name.hasSuffix("-port-end"):
                let port = UInt16(clamping: value)
                let isDestination = name.hasPrefix("destination")
                if name.hasSuffix("-end") {
                    if isDestination { rule.destinationPorts?.high = port } else { rule.sourcePorts?.high = port }
                } else if let op = pendingPorts {
                    let ports = AccessList.Ports(operator: op, low: port, high: nil)
                    if isDestination { rule.destinationPorts = ports } else { rule.sourcePorts = ports }
                    pendingPorts = nil
                }
            case (_, .ipv4(let v4)):
                if pendingHost { place(.host(.v4(v4))); pendingHost = false } else { pendingAddress = v4 }
            case (_, .ipv6(let v6)):
                if pendingHost { place(.host(.v6(v6))); pendingHost = false }
            case (_, .ipv6Prefix(let v6, let length)): place(.ipv6Prefix(v6, length))
            default: continue
            }
        }
        flushAddress()
        if s.id == .extendedRule || s.id == .numberedExtended || s.id == .ipv6Rule, rule.destination == nil { rule.destination = .any }
        return rule
    }

    mutating func interface(_ s: Statement) {
        guard let name = s.word("interface") else { return }
        if s.negated { config.interfaces.removeAll { $0.name == name }; return }
        let type = InterfaceName.iosType(of: name)
        if type == "Virtual-Access" {
            log.error(s.location(of: "interface"), "'\(name)' is created per session from a virtual-template and cannot be configured")
            return
        }
        let index = Self.upsert(&config.interfaces, name, in: objectIndexes) { Interface(name: name) }
        var i = config.interfaces[index]
        if s.has("tunnel") { i.typeTunnel = true }
        let managed = type == "Virtual-Template" || type == "Loopback"
        if type == "Virtual-Template", !i.typeTunnel {
            log.error(s.location(of: "interface"), "'\(name)' needs 'type tunnel': IKEHub clones virtual-templates into IPsec tunnel interfaces")
        }
        if !managed, type != "Tunnel" {
            log.warning(s.location(of: "interface"), "interface '\(name)' belongs to the host; IKEHub does not configure it and uses it only as an address source for 'ip unnumbered' and 'tunnel source'")
        }
        if type == "Tunnel" {
            log.warning(s.location(of: "interface"), "static tunnel interface '\(name)' (site-to-site) is not supported on Linux; IKEHub clones virtual-templates only; ignored")
        }
        for c in s.children {
            let off = c.negated
            switch c.id {
            case .interfaceDescription: i.description = off ? nil : c.word("text")
            case .interfaceIPAddress:
                if c.has("secondary") { log.warning(c.location(of: "secondary"), "secondary addresses are not supported; ignored"); continue }
                i.ipv4Address = off ? nil : ipv4(c, "address")
                i.ipv4Mask = off ? nil : ipv4(c, "mask")
            case .interfaceIPUnnumbered: i.ipUnnumbered = off ? nil : c.word("interface")
            case .interfaceIPv6Unnumbered: i.ipv6Unnumbered = off ? nil : c.word("interface")
            case .interfaceIPv6Address:
                guard let (address, length) = prefix(c, "prefix") else { continue }
                let value = IPv6Pool.PrefixValue(address: address, length: length)
                i.ipv6Addresses.removeAll { $0 == value }
                if !off { i.ipv6Addresses.append(value) }
            case .interfaceIPv6Enable: i.ipv6Enabled = !off
            case .interfaceIPMTU: i.mtu = off ? nil : int(c, "mtu")
            case .interfaceIPv6MTU:
                i.ipv6MTU = off ? nil : int(c, "mtu")
                if !off, managed { warnNotCloned(c, "the virtual-access MTU is 'ip mtu' for both families") }
            case .interfaceAdjustMSS:
                i.tcpAdjustMSS = off ? nil : int(c, "mss")
                if !off, managed { warnNotCloned(c, "TCP MSS clamping is not implemented") }
            case .interfaceTunnelMode:
                if off { i.tunnelMode = nil; continue }
                if c.has("gre") {
                    log.warning(c.location(of: "gre"), "'tunnel mode gre' is not supported on Linux (IKEHub carries IP directly in ESP); the template works as 'tunnel mode ipsec'")
                    i.tunnelMode = c.has("ipv6") ? .greIPv6 : .greIP
                } else {
                    i.tunnelMode = c.has("ipv6") ? .ipsecIPv6 : .ipsecIPv4
                }
            case .interfaceTunnelSource:
                if off { i.tunnelSource = nil }
                else if let address = ipAddress(c, "address") { i.tunnelSource = .address(address) }
                else if let source = c.word("interface") { i.tunnelSource = .interface(source) }
            case .interfaceTunnelProtection:
                i.tunnelProtection = off ? nil : c.word("profile")
                if !off { refer(.ipsecProfile, c, "profile") }
                if c.has("shared") { log.warning(c.location(of: "shared"), "'shared' has no meaning for virtual-access interfaces; ignored") }
            case .interfaceAccessGroup:
                let acl = off ? nil : c.word("acl")
                if !off { refer(.ipv4AccessList, c, "acl") }
                if c.has("in") { i.accessGroupIn = acl } else { i.accessGroupOut = acl }
                if !off, managed { warnNotCloned(c, "packet filtering on virtual-access interfaces is not implemented") }
            case .interfaceTrafficFilter:
                let acl = off ? nil : c.word("acl")
                if !off { refer(.ipv6AccessList, c, "acl") }
                if c.has("in") { i.ipv6FilterIn = acl } else { i.ipv6FilterOut = acl }
                if !off, managed { warnNotCloned(c, "packet filtering on virtual-access interfaces is not implemented") }
            case .interfaceServicePolicy:
                if !off { refer(.policyMap, c, "policy-map") }
            case .interfaceIPVRF, .interfaceVRF:
                if !off { refer(.vrf, c, "vrf") }
            case .interfaceShutdown: i.shutdown = !off
            default: break
            }
        }
        config.interfaces[index] = i
    }

    mutating func linux(_ s: Statement) {
        var l = config.linux
        for c in s.children {
            let off = c.negated
            switch c.id {
            case .ikehubListen:
                guard let address = ipAddress(c, "address") else { continue }
                l.listenAddresses.removeAll { $0.address == address }
                if !off {
                    l.listenAddresses.append(.init(address: address, port: port(c, "port") ?? 500, natTraversalPort: port(c, "nat-t-port") ?? 4500))
                }
            case .ikehubStateDirectory: l.stateDirectory = off ? "/var/lib/ikehub" : (c.word("path") ?? l.stateDirectory)
            case .ikehubDataplane: l.dataPlane = (!off && c.has("userspace")) ? .userspace : .xfrm
            case .ikehubIPCEndpoint:
                guard let service = c.items.first(where: { $0.isKeyword && LinuxSettings.Service(rawValue: $0.name) != nil })
                    .flatMap({ LinuxSettings.Service(rawValue: $0.name) }) else { continue }
                l.ipcEndpoints[service] = off ? nil : c.word("endpoint")
            case .ikehubIPCWorkerKey:
                guard let name = c.word("worker") else { continue }
                l.workerKeys.removeAll { $0.name == name }
                if !off, let key = c.word("key") { l.workerKeys.append(.init(name: name, publicKey: key)) }
            case .ikehubIPCKeyFile: l.curveKeyFile = off ? nil : c.word("path")
            default: break
            }
        }
        config.linux = l
    }
}

extension ModelBuilder {
    /// A template or loopback line the Linux virtual-access interfaces do not take.
    mutating func warnNotCloned(_ c: Statement, _ reason: String) {
        log.warning(c.location, "'\(c.commandName)' is not applied on Linux (\(reason)); ignored")
    }
}
