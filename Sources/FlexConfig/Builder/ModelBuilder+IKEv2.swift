import HubVocabulary

extension ModelBuilder {
    static let methodKeywords: [String: IKEv2Profile.Method] = [
        "psk": .psk, "eap": .eap, "cert": .cert, "anyconnect-eap": .anyconnectEAP,
    ]

    mutating func profile(_ s: Statement) {
        guard let name = s.word("profile") else { return }
        if s.negated { config.ikev2.profiles.removeAll { $0.name == name }; return }
        let index = Self.upsert(&config.ikev2.profiles, name, in: objectIndexes) { IKEv2Profile(name: name) }
        var p = config.ikev2.profiles[index]
        for c in s.children {
            locations["profile \(name) \(c.id.rawValue)"] = c.location
            switch c.id {
            case .profileDescription: p.description = c.negated ? nil : c.word("text")
            case .profileMatchIdentity:
                guard let match = identityMatch(c) else { continue }
                p.identityMatches.removeAll { $0 == match }
                if !c.negated { p.identityMatches.append(match) }
            case .profileMatchCertificate:
                guard let map = c.word("map") else { continue }
                refer(.certificateMap, c, "map")
                p.certificateMaps.removeAll { $0 == map }
                if !c.negated { p.certificateMaps.append(map) }
            case .profileMatchFVRF:
                p.matchFVRF = c.negated ? nil : (c.has("any") ? "any" : c.word("vrf"))
                if c.word("vrf") != nil { log.warning(c.location(of: "vrf"), "'match fvrf' with a named VRF is not supported on Linux (\(Grammar.vrf)); the profile matches the main table") }
            case .profileMatchAddressLocal:
                if let address = ipAddress(c, "address") {
                    p.localAddresses.removeAll { $0 == address }
                    if !c.negated { p.localAddresses.append(address) }
                } else if let interface = c.word("interface") {
                    p.localInterfaces.removeAll { $0 == interface }
                    if !c.negated { p.localInterfaces.append(interface) }
                }
            case .profileIdentityLocal:
                if c.negated { p.localIdentity = nil; continue }
                if let address = ipAddress(c, "address") { p.localIdentity = .address(address) }
                else if let fqdn = c.word("fqdn") { p.localIdentity = .fqdn(fqdn) }
                else if let email = c.word("email") { p.localIdentity = .email(email) }
                else if let key = c.word("keyid") { p.localIdentity = .keyID(key) }
                else { p.localIdentity = .distinguishedName }
            case .profileAuthenticationLocal:
                if c.negated { p.localAuthentication = nil; continue }
                if c.has("rsa-sig") { p.localAuthentication = .rsaSignature }
                else if c.has("ecdsa-sig") { p.localAuthentication = .ecdsaSignature }
                else { p.localAuthentication = .preShared(secret(c, "key")) }
            case .profileAuthenticationRemote:
                remoteAuthentication(c, into: &p)
            case .profileKeyring:
                if c.negated { p.keyring = nil; continue }
                if let keyring = c.word("keyring") {
                    refer(.keyring, c, "keyring")
                    p.keyring = .local(keyring)
                } else if let list = c.word("list") {
                    refer(.authorizationList, c, "list")
                    if c.word("mangler") != nil { refer(.nameMangler, c, "mangler") }
                    p.keyring = .aaa(list: list, nameMangler: c.word("mangler"), password: secret(c, "password"))
                }
            case .profileTrustpoint:
                guard let trustpoint = c.word("trustpoint") else { continue }
                refer(.trustpoint, c, "trustpoint")
                p.trustpoints.removeAll { $0.trustpoint == trustpoint }
                if !c.negated {
                    let usage: IKEv2Profile.TrustpointUse.Usage = c.has("sign") ? .sign : c.has("verify") ? .verify : .both
                    p.trustpoints.append(.init(trustpoint: trustpoint, usage: usage))
                }
            case .profileAAAAuthentication:
                let list = c.negated ? nil : c.word("list")
                if !c.negated { refer(.authenticationList, c, "list") }
                if c.has("anyconnect-eap") { p.anyconnectEAPAuthenticationList = list } else { p.eapAuthenticationList = list }
            case .profileAAAAuthorization:
                guard let rule = authorization(c) else { continue }
                p.authorizations.removeAll { $0.scope == rule.scope && $0.method == rule.method && $0.isCached == rule.isCached }
                if !c.negated { p.authorizations.append(rule) }
            case .profileAAAAccounting:
                guard let list = c.word("list") else { continue }
                let method = c.items.first { $0.isKeyword && Self.methodKeywords[$0.name] != nil }.flatMap { Self.methodKeywords[$0.name] }
                p.accounting.removeAll { $0.method == method }
                if !c.negated {
                    refer(.accountingList, c, "list")
                    p.accounting.append(.init(method: method, list: list))
                }
            case .profileVirtualTemplate:
                p.virtualTemplate = c.negated ? nil : int(c, "template")
                p.virtualTemplateModeAuto = !c.negated && c.has("auto")
                if p.virtualTemplateModeAuto {
                    log.warning(c.location(of: "auto"), "'mode auto' has no effect on Linux: a virtual-access carries IPv4 and IPv6 whatever the template's tunnel mode")
                }
                if !c.negated { refer(.virtualTemplate, c, "template") }
            case .profileDPD: p.dpd = c.negated ? nil : dpd(c)
            case .profileNATKeepalive: p.natKeepaliveSeconds = c.negated ? nil : int(c, "seconds")
            case .profileLifetime: p.lifetimeSeconds = c.negated ? 86400 : (int(c, "seconds") ?? 86400)
            case .profileReconnect:
                p.reconnect = !c.negated
                p.reconnectTimeoutSeconds = int(c, "seconds") ?? 1800
                if !c.negated {
                    log.warning(c.location, "'reconnect' (AnyConnect auto-reconnect) is not implemented: a client that comes back starts a new session; ignored")
                }
            case .profileConfigExchange:
                if c.has("request") { p.configExchangeRequest = !c.negated }
                if c.has("accept") { p.configExchangeSetAccept = !c.negated }
                if c.has("send") { p.configExchangeSetSend = !c.negated }
                log.warning(c.location, "'\(c.negated ? "no " : "")\(c.commandName)' is not applied: IKEHub answers every CFG_REQUEST with CFG_REPLY and sends no unrequested CFG_SET; ignored")
            case .profileAnyconnectProfile:
                p.anyconnectProfile = c.negated ? nil : c.word("name")
                if !c.negated {
                    refer(.anyconnectProfile, c, "name")
                    warnAnyConnectProfile(c)
                }
            case .profileShutdown: p.shutdown = !c.negated
            default: break
            }
        }
        config.ikev2.profiles[index] = p
    }

    func identityMatch(_ c: Statement) -> IKEv2Profile.IdentityMatch? {
        if c.has("any") { return .any }
        if let address = ipv4(c, "address") {
            // `address 0.0.0.0` without a mask is the seed's "any IPv4 peer".
            let mask = ipv4(c, "mask") ?? (address.rawValue == 0 ? IPv4Address(0) : IPv4Address(.max))
            return .address(IPv4Address(address.rawValue & mask.rawValue), mask: mask)
        }
        if let (address, length) = prefix(c, "prefix") { return .ipv6Prefix(address, length: length) }
        if let fqdn = c.word("fqdn") { return .fqdn(fqdn, domain: c.has("domain")) }
        if let email = c.word("email") { return .email(email, domain: c.has("domain")) }
        if let key = c.word("keyid") { return .keyID(key) }
        return nil
    }

    mutating func remoteAuthentication(_ c: Statement, into p: inout IKEv2Profile) {
        let method: IKEv2Profile.RemoteAuthentication
        if c.has("rsa-sig") { method = .rsaSignature }
        else if c.has("ecdsa-sig") { method = .ecdsaSignature }
        else if c.has("pre-share") { method = .preShared(secret(c, "key")) }
        else if c.has("anyconnect-eap") { method = .anyconnectEAP(certificateRequest: c.has("cert-request")) }
        else {
            // `eap query-identity` and `eap timeout N` may be given on separate lines.
            var query = c.has("query-identity")
            var timeout = int(c, "timeout") ?? IOSDefaults.eapTimeoutSeconds
            if let existing = p.remoteAuthentication.firstIndex(where: { if case .eap = $0 { true } else { false } }),
               case .eap(let oldQuery, let oldTimeout) = p.remoteAuthentication[existing] {
                query = query || oldQuery
                if int(c, "timeout") == nil { timeout = oldTimeout }
                p.remoteAuthentication.remove(at: existing)
            }
            if c.negated { return }
            p.remoteAuthentication.append(.eap(queryIdentity: query, timeoutSeconds: timeout))
            return
        }
        p.remoteAuthentication.removeAll { Self.sameKind($0, method) }
        if !c.negated { p.remoteAuthentication.append(method) }
    }

    static func sameKind(_ a: IKEv2Profile.RemoteAuthentication, _ b: IKEv2Profile.RemoteAuthentication) -> Bool {
        switch (a, b) {
        case (.rsaSignature, .rsaSignature), (.ecdsaSignature, .ecdsaSignature), (.preShared, .preShared),
             (.eap, .eap), (.anyconnectEAP, .anyconnectEAP): true
        default: false
        }
    }

    mutating func authorization(_ c: Statement) -> IKEv2Profile.Authorization? {
        guard let method = c.items.first(where: { $0.isKeyword && Self.methodKeywords[$0.name] != nil }).flatMap({ Self.methodKeywords[$0.name] }) else {
            return nil
        }
        var rule = IKEv2Profile.Authorization(scope: c.has("group") ? .group : .user, override: c.has("override"), method: method)
        if let list = c.word("list") {
            rule.list = list
            if !c.negated { refer(.authorizationList, c, "list") }
            if let mangler = c.word("mangler") {
                rule.username = .nameMangler(mangler)
                if !c.negated { refer(.nameMangler, c, "mangler") }
            } else if let username = c.word("username") {
                rule.username = .fixed(username)
                if !c.negated {
                    references.append(Reference(kind: .localAuthorizationPolicy(list: list), name: username, location: c.location(of: "username")))
                }
            }
        }
        if method == .cert, !rule.isCached, rule.username == .peerIdentity {
            log.error(c.location(of: "list"), "'aaa authorization \(rule.scope.rawValue) cert' needs a user name or 'name-mangler' after the list: a certificate identity (a DN) cannot be a user name")
        }
        return rule
    }

    mutating func keyring(_ s: Statement) {
        guard let name = s.word("keyring") else { return }
        if s.negated { config.ikev2.keyrings.removeAll { $0.name == name }; keyringPeerIndex[name] = nil; return }
        let index = Self.upsert(&config.ikev2.keyrings, name, in: objectIndexes) { IKEv2Keyring(name: name) }
        var peers = config.ikev2.keyrings[index].peers
        var peerIndex = keyringPeerIndex[name] ?? [:]
        for child in s.children where child.id == .keyringPeer {
            guard let peerName = child.word("peer") else { continue }
            if child.negated {
                if let existing = peerIndex[peerName] { peers.remove(at: existing); peerIndex = Self.indexByName(peers) }
                continue
            }
            let position: Int
            if let existing = peerIndex[peerName] {
                position = existing
            } else {
                peers.append(IKEv2Keyring.Peer(name: peerName))
                position = peers.count - 1
                peerIndex[peerName] = position
            }
            keyringPeer(child, into: &peers[position])
        }
        config.ikev2.keyrings[index].peers = peers
        keyringPeerIndex[name] = peerIndex
    }

    static func indexByName<T: NamedObject>(_ array: [T]) -> [String: Int] {
        var index: [String: Int] = [:]
        for (position, element) in array.enumerated() { index[element.name] = position }
        return index
    }

    mutating func keyringPeer(_ s: Statement, into peer: inout IKEv2Keyring.Peer) {
        for c in s.children {
            switch c.id {
            case .peerDescription: peer.description = c.negated ? nil : c.word("text")
            case .peerAddress:
                let address: IKEv2Keyring.Peer.Address
                if let v4 = ipv4(c, "address") {
                    let mask = ipv4(c, "mask") ?? IPv4Address(.max)
                    address = .ipv4(IPv4Address(v4.rawValue & mask.rawValue), mask: mask)
                } else if let (v6, length) = prefix(c, "prefix") {
                    address = .ipv6(v6, prefixLength: length)
                } else { continue }
                peer.addresses.removeAll { $0 == address }
                if !c.negated { peer.addresses.append(address) }
            case .peerHostname: peer.hostname = c.negated ? nil : c.word("hostname")
            case .peerIdentity:
                let identity: PeerIdentity
                if let address = ipAddress(c, "address") { identity = .address(address) }
                else if let fqdn = c.word("fqdn") { identity = .fqdn(fqdn) }
                else if let email = c.word("email") { identity = .email(email) }
                else if let key = c.word("keyid") { identity = .keyID(key) }
                else { continue }
                if c.has("domain") {
                    log.warning(c.location(of: "domain"), "'identity … domain' in a keyring matches the exact identity on Linux")
                }
                peer.identities.removeAll { $0 == identity }
                if !c.negated { peer.identities.append(identity) }
            case .peerPreSharedKey:
                let key = c.negated ? nil : secret(c, "key")
                if c.has("local") { peer.localKey = key } else if c.has("remote") { peer.remoteKey = key } else { peer.key = key }
            default: break
            }
        }
    }

    mutating func nameMangler(_ s: Statement) {
        guard let name = s.word("mangler") else { return }
        if s.negated { config.ikev2.nameManglers.removeAll { $0.name == name }; return }
        let index = Self.upsert(&config.ikev2.nameManglers, name, in: objectIndexes) { NameMangler(name: name) }
        var m = config.ikev2.nameManglers[index]
        for c in s.children {
            let field = c.items.dropFirst().first { $0.isKeyword && NameMangler.DNField(rawValue: $0.name) != nil }
                .flatMap { NameMangler.DNField(rawValue: $0.name) }
            let part = c.items.dropFirst().first { $0.isKeyword && NameMangler.Part(rawValue: $0.name) != nil }
                .flatMap { NameMangler.Part(rawValue: $0.name) }
            switch c.id {
            case .manglerDN: m.dn = c.negated ? nil : field
            case .manglerEAP:
                if c.negated { m.eap = nil; continue }
                let delimiter = c.items.last.flatMap { ["." , "@", "\\"].contains($0.name) ? Character($0.name) : nil } ?? "@"
                if c.has("all") { m.eap = .all }
                else if c.has("prefix") { m.eap = .prefix(delimiter: delimiter) }
                else if c.has("suffix") { m.eap = .suffix(delimiter: delimiter) }
                else if let field = c.items.dropFirst(2).first(where: { NameMangler.DNField(rawValue: $0.name) != nil }).flatMap({ NameMangler.DNField(rawValue: $0.name) }) {
                    m.eap = .dn(field)
                }
            case .manglerEmail: m.email = c.negated ? nil : part
            case .manglerFQDN: m.fqdn = c.negated ? nil : part
            default: break
            }
        }
        config.ikev2.nameManglers[index] = m
    }

    mutating func proposal(_ s: Statement) {
        guard let name = s.word("proposal") else { return }
        if s.negated { config.ikev2.proposals.removeAll { $0.name == name }; return }
        let index = Self.upsert(&config.ikev2.proposals, name, in: objectIndexes) { IKEv2Proposal(name: name) }
        for c in s.children {
            let values = c.items.dropFirst().map(\.name)
            if !c.negated { refuseUnsupportedTransforms(c) }
            switch c.id {
            case .proposalEncryption: config.ikev2.proposals[index].encryption = c.negated ? [] : values
            case .proposalIntegrity: config.ikev2.proposals[index].integrity = c.negated ? [] : values
            case .proposalPRF: config.ikev2.proposals[index].prf = c.negated ? [] : values
            case .proposalGroup: config.ikev2.proposals[index].groups = c.negated ? [] : values.compactMap { Int($0) }
            default: break
            }
        }
    }

    mutating func ikev2Policy(_ s: Statement) {
        guard let name = s.word("policy") else { return }
        if s.negated { config.ikev2.policies.removeAll { $0.name == name }; return }
        let index = Self.upsert(&config.ikev2.policies, name, in: objectIndexes) { IKEv2Policy(name: name) }
        for c in s.children {
            switch c.id {
            case .policyProposal:
                guard let proposal = c.word("proposal") else { continue }
                config.ikev2.policies[index].proposals.removeAll { $0 == proposal }
                if !c.negated {
                    refer(.proposal, c, "proposal")
                    config.ikev2.policies[index].proposals.append(proposal)
                }
            case .policyMatchAddress:
                guard let address = ipAddress(c, "address") else { continue }
                config.ikev2.policies[index].localAddresses.removeAll { $0 == address }
                if !c.negated { config.ikev2.policies[index].localAddresses.append(address) }
            case .policyMatchFVRF:
                config.ikev2.policies[index].matchFVRF = c.negated ? nil : (c.has("any") ? "any" : c.word("vrf"))
                if c.word("vrf") != nil { log.warning(c.location(of: "vrf"), "'match fvrf' with a named VRF is not supported on Linux (\(Grammar.vrf)); the policy matches the main table") }
            default: break
            }
        }
    }
}

extension ModelBuilder {
    /// IKEv2 transforms the IOS grammar takes and IKEHub refuses to negotiate (RFC 8247
    /// §2.1-2.4 forbids or deprecates them); an error here, because the headend would not
    /// start with them.
    static let unsupportedIKETransforms: [CommandID: (words: Set<String>, choices: String)] = [
        .proposalEncryption: (["3des", "des"], "aes-cbc-128, aes-cbc-192, aes-cbc-256, aes-gcm-128 or aes-gcm-256"),
        .proposalIntegrity: (["md5"], "sha1, sha256, sha384 or sha512"),
        .proposalPRF: (["md5"], "sha1, sha256, sha384 or sha512"),
        .proposalGroup: (["1", "5", "24"], "2, 14, 15, 16, 19, 20, 21 or 31"),
    ]

    mutating func refuseUnsupportedTransforms(_ c: Statement) {
        guard let (words, choices) = Self.unsupportedIKETransforms[c.id] else { return }
        for item in c.items.dropFirst() where words.contains(item.name) {
            let place = SourceLocation(file: c.location.file, line: c.location.line, column: item.column)
            log.error(place, "'\(c.commandName) \(item.name)' is not supported by IKEHub (RFC 8247 §2 forbids or deprecates it); use \(choices)")
        }
    }
}
