import HubVocabulary

extension ModelBuilder {
    mutating func serverGroup(_ s: Statement) {
        guard let name = s.word("group") else { return }
        if s.negated { config.aaa.serverGroups.removeAll { $0.name == name }; return }
        let index = Self.upsert(&config.aaa.serverGroups, name, in: objectIndexes) { RadiusServerGroup(name: name) }
        for child in s.children {
            switch child.id {
            case .serverGroupServerName:
                guard let server = child.word("server") else { continue }
                refer(.radiusServer, child, "server")
                config.aaa.serverGroups[index].members.removeAll { $0 == .named(server) }
                if !child.negated { config.aaa.serverGroups[index].members.append(.named(server)) }
            case .serverGroupServerAddress:
                guard let address = ipAddress(child, "address") else { continue }
                references.append(Reference(kind: .legacyRadiusHost, name: address.description, location: child.location(of: "address")))
                let member = RadiusServerGroup.Member.address(address, authPort: port(child, "auth-port"), accountingPort: port(child, "acct-port"))
                config.aaa.serverGroups[index].members.removeAll { $0 == member }
                if !child.negated { config.aaa.serverGroups[index].members.append(member) }
            case .serverGroupDeadtime:
                config.aaa.serverGroups[index].deadtimeMinutes = child.negated ? nil : int(child, "minutes")
            default:
                break
            }
        }
    }

    mutating func methodList(_ s: Statement) {
        guard let name = s.word("list") else { return }
        let kind: AAAMethodList.Kind
        switch s.id {
        case .aaaAuthentication: kind = s.has("login") ? .authenticationLogin : .authenticationEAP
        case .aaaAuthorization: kind = .authorizationNetwork
        default: kind = .accountingNetwork
        }
        config.aaa.methodLists.removeAll { $0.kind == kind && $0.name == name }
        if s.negated { return }
        var methods: [AAAMethodList.Method] = []
        var expectGroup = false
        for item in s.items.drop(while: { $0.name != "list" }).dropFirst() {
            switch (item.name, item.value) {
            case ("group", .keyword): expectGroup = true
            case ("group", .word(let group)) where expectGroup:
                methods.append(.group(group))
                expectGroup = false
                if group != "radius" {
                    references.append(Reference(kind: .serverGroup, name: group,
                                                location: SourceLocation(file: s.location.file, line: s.location.line, column: item.column)))
                }
            case ("local", _): methods.append(.local)
            case ("local-case", _): methods.append(.localCase)
            case ("none", _) where kind != .accountingNetwork: methods.append(.none)
            case ("if-authenticated", _): methods.append(.ifAuthenticated)
            default: break
            }
        }
        var list = AAAMethodList(kind: kind, name: name, methods: methods)
        if kind == .accountingNetwork {
            list.records = s.has("stop-only") ? .stopOnly : .startStop
            list.broadcast = s.has("broadcast")
        }
        config.aaa.methodLists.append(list)
    }

    mutating func attributeList(_ s: Statement) {
        guard let name = s.word("list") else { return }
        if s.negated { config.aaa.attributeLists.removeAll { $0.name == name }; return }
        let index = Self.upsert(&config.aaa.attributeLists, name, in: objectIndexes) { AttributeList(name: name) }
        for child in s.children where child.id == .attribute {
            guard let type = child.word("attribute"), let value = child.word("value") else { continue }
            if child.negated {
                config.aaa.attributeLists[index].attributes.removeAll { $0.type == type && $0.value == value }
                continue
            }
            if type == "interface-config" { checkInterfaceConfig(value, child) }
            config.aaa.attributeLists[index].attributes.append(.init(
                type: type, value: value, service: child.word("service"), protocol: child.word("protocol"),
                mandatory: child.has("mandatory"), tag: child.has("tag")))
        }
    }

    /// An `interface-config` value is a virtual-access interface command; check it with
    /// the interface grammar so a typo is found now rather than at clone time.
    mutating func checkInterfaceConfig(_ value: String, _ s: Statement) {
        guard let valueItem = s.item("value") else { return }
        var inner = DiagnosticLog()
        let file = s.location.file
        let lines = ConfigLexer.lines(of: value, file: file, log: &inner)
        guard let line = lines.first, line.kind == .command, lines.count == 1 else { return }
        let offset = valueItem.column  // the opening quote; the value starts one column later
        switch CommandTable.of(.interface).matcher.match(line, from: 0) {
        case .matched(let index, _):
            if case .ignored(let reason) = CommandTable.of(.interface).commands[index].linux {
                let name = line.words.prefix(2).map(\.text).joined(separator: " ")
                log.warning(s.location(of: "value"), "interface-config '\(name)' is not supported on Linux (\(reason)); it will be ignored when cloning")
            }
        case .failed(let failure):
            log.error(SourceLocation(file: file, line: s.location.line, column: offset + failure.column),
                      "interface-config: " + failure.message)
        }
    }

    mutating func dynamicAuthor(_ s: Statement) {
        if s.negated { config.aaa.dynamicAuthorization = nil; return }
        var settings = config.aaa.dynamicAuthorization ?? DynamicAuthorization()
        for child in s.children {
            switch child.id {
            case .dynamicAuthorClient:
                guard let host = child.word("client") ?? ipAddress(child, "client")?.description else { continue }
                settings.clients.removeAll { $0.host == host }
                if !child.negated { settings.clients.append(.init(host: host, vrf: child.word("vrf"), key: secret(child, "key"))) }
                if child.word("vrf") != nil { log.warning(child.location(of: "vrf"), "'vrf' is not supported on Linux (\(Grammar.vrf)); ignored") }
            case .dynamicAuthorServerKey: settings.serverKey = child.negated ? nil : secret(child, "key")
            case .dynamicAuthorPort: settings.port = child.negated ? 1700 : (port(child, "port") ?? 1700)
            case .dynamicAuthorAuthType:
                settings.authType = child.negated ? .any : (child.has("all") ? .all : child.has("session-key") ? .sessionKey : .any)
            case .dynamicAuthorIgnore:
                if child.has("session-key") { settings.ignoreSessionKey = !child.negated }
                if child.has("server-key") { settings.ignoreServerKey = !child.negated }
            default: break
            }
        }
        config.aaa.dynamicAuthorization = settings
        log.warning(s.location, "'aaa server radius dynamic-author' (RFC 5176 CoA and Disconnect-Request) is not implemented yet: RADIUS cannot change or end live sessions (use 'clear crypto session'); ignored")
    }

    mutating func radiusServer(_ s: Statement) {
        guard let name = s.word("server") else { return }
        if s.negated { config.radiusServers.removeAll { $0.name == name && !$0.isLegacyHost }; return }
        let index = Self.upsert(&config.radiusServers, name, in: objectIndexes) { RadiusServer(name: name) }
        for child in s.children {
            switch child.id {
            case .radiusAddress:
                config.radiusServers[index].address = child.negated ? nil : ipAddress(child, "address")
                config.radiusServers[index].authenticationPort = port(child, "auth-port") ?? 1645
                config.radiusServers[index].accountingPort = port(child, "acct-port") ?? 1646
            case .radiusKey: config.radiusServers[index].key = child.negated ? nil : secret(child, "key")
            case .radiusTimeout: config.radiusServers[index].timeoutSeconds = child.negated ? 5 : (int(child, "seconds") ?? 5)
            case .radiusRetransmit: config.radiusServers[index].retransmit = child.negated ? 3 : (int(child, "count") ?? 3)
            default: break
            }
        }
    }

    mutating func radiusServerHost(_ s: Statement) {
        guard let address = ipAddress(s, "address") else { return }
        let name = address.description
        config.radiusServers.removeAll { $0.name == name && $0.isLegacyHost }
        if s.negated { return }
        var server = RadiusServer(name: name)
        server.isLegacyHost = true
        server.address = address
        server.authenticationPort = port(s, "auth-port") ?? 1645
        server.accountingPort = port(s, "acct-port") ?? 1646
        server.timeoutSeconds = int(s, "seconds") ?? 5
        server.retransmit = int(s, "count") ?? 3
        server.key = secret(s, "key")
        config.radiusServers.append(server)
        objectIndexes.invalidate()
    }

    mutating func username(_ s: Statement) {
        guard let name = s.word("user") else { return }
        config.users.removeAll { $0.name == name }
        if s.negated { return }
        // A type 7 password is stored decoded, so it is printed back in clear (type 0).
        let written = s.items.first { $0.isKeyword && ["0", "5", "7", "8", "9"].contains($0.name) }.flatMap { UInt8($0.name) } ?? 0
        let type: UInt8 = written == 7 ? 0 : written
        let credential: LocalUser.Credential
        if let password = secret(s, "password") {
            credential = .password(type: type, password)
        } else if let secretValue = secret(s, "secret") {
            credential = .secret(type: type, secretValue)
        } else {
            return
        }
        config.users.append(LocalUser(name: name, privilege: s.integer("level").map { UInt8(clamping: $0) }, credential: credential))
    }
}
