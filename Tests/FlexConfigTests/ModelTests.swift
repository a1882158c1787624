import HubVocabulary
import Testing
@testable import FlexConfig

/// The typed model built from seed examples and from the full headend fixture.
struct ModelTests {
    @Test func testEAPExampleModel_whenTheGuideExampleIsLoaded() throws {
        let c = try Fixture.load("seed-guide-eap.cfg").configuration
        #expect(c.aaa.newModel)
        #expect(c.aaa.serverGroups[named: "eap-server"]?.members == [.address(.v4(IPv4Address("192.168.2.1")!), authPort: nil, accountingPort: nil)])
        #expect(c.aaa.methodList(.authenticationLogin, named: "eap-list")?.methods == [.group("eap-server")])
        let profile = try #require(c.ikev2.profiles[named: "ikev2-profile1"])
        #expect(profile.identityMatches == [.address(IPv4Address(0), mask: IPv4Address(0))])
        #expect(profile.localAuthentication == .rsaSignature)
        #expect(profile.remoteAuthentication == [.eap(queryIdentity: true, timeoutSeconds: 90)])
        #expect(profile.trustpoints == [.init(trustpoint: "trustpoint1", usage: .both)])
        #expect(profile.eapAuthenticationList == "eap-list")
        #expect(profile.virtualTemplate == 1)
        #expect(profile.lifetimeSeconds == 86400)
        #expect(c.pki.trustpoints[named: "trustpoint1"]?.revocationCheck == [.crl])
        #expect(c.ipsec.transformSets[named: "transform1"]?.transforms.map(\.name) == ["esp-aes", "esp-sha-hmac"])
        #expect(c.ipsec.profiles[named: "ipsec-profile1"]?.transformSets == ["trans", "transform1"])
        #expect(c.ipsec.profiles[named: "ipsec-profile1"]?.ikev2Profile == "ikev2-profile1")
        let template = try #require(c.virtualTemplate(1))
        #expect(template.typeTunnel && template.ipUnnumbered == "Ethernet0/0" && template.tunnelMode == .ipsecIPv4)
        #expect(template.tunnelProtection == "ipsec-profile1")
        let legacy = try #require(c.radiusServer(named: "192.168.2.1"))
        #expect(legacy.isLegacyHost && legacy.key == SecretBytes(Array("key1".utf8)))
        #expect(legacy.authenticationPort == 1645 && legacy.timeoutSeconds == 5)
    }

    @Test func testLocalGroupAuthorizationPolicy_whenTheGuideExampleIsLoaded() throws {
        let c = try Fixture.load("seed-guide-group-local-aaa.cfg").configuration
        let policy = try #require(c.ikev2.authorizationPolicies[named: "author-policy1"])
        #expect(policy.pool == "pool1")
        #expect(policy.dhcpServer == "192.168.4.1" && policy.dhcpTimeoutSeconds == 10)
        #expect(policy.dhcpGIAddr == IPv4Address("192.168.1.1"))
        #expect(policy.dnsServers == [IPv4Address("10.1.1.1")!, IPv4Address("10.1.1.2")!])
        #expect(policy.winsServers == [IPv4Address("192.168.1.2")!, IPv4Address("192.168.1.3")!])
        #expect(policy.netmask == IPv4Address("255.0.0.0"))
        #expect(policy.banner == " flexvpn server ")
        #expect(policy.configurationURL == "http://www.abc.com" && policy.configurationVersion == "10")
        #expect(policy.defaultDomain == "abc.com")
        #expect(policy.splitDNS == ["dns1", "dns2", "dns3"])
        #expect(policy.backupGateways == ["gw1", "gw2", "gw3"])
        #expect(policy.smartcardRemovalDisconnect && policy.includeLocalLAN && policy.pfs)
        #expect(policy.attributeList == "attr-list1")
        #expect(policy.routeAccessLists == [.init(name: "acl1", ipv6: false)])
        #expect(c.aaa.attributeLists[named: "attr-list1"]?.attributes.map(\.value) == ["ip mtu 1100", "tunnel key 10"])
        let rule = try #require(c.ikev2.profiles[named: "ikev2-profile1"]?.authorizations.first)
        #expect(rule == .init(scope: .group, override: false, method: .cert, list: "local-group-author-list", username: .fixed("author-policy1")))
        #expect(c.ipv4Pools[named: "pool11"]?.ranges.first?.count == 91)
        let acl = try #require(c.accessList(named: "acl-1"))
        #expect(acl.kind == .extended && acl.entries.count == 2)
    }

    @Test func testIPv6Attributes_whenTheGuideExampleIsLoaded() throws {
        let c = try Fixture.load("seed-guide-ipv6.cfg").configuration
        let policy = try #require(c.ikev2.authorizationPolicies[named: "author-policy1"])
        #expect(policy.ipv6Pool == "v6-pool")
        #expect(policy.ipv6DNSServers.map(\.description) == ["2001:db8:1::11", "2001:db8:1::12"])
        #expect(policy.routeAccessLists == [.init(name: "v6-acl", ipv6: true)])
        let pool = try #require(c.ipv6Pools[named: "v6-pool"])
        #expect(pool.prefixLength == 32 && pool.assignedLength == 48)
        #expect(c.virtualTemplate(1)?.tunnelMode == .ipsecIPv6)
        #expect(c.virtualTemplate(1)?.ipv6Unnumbered == "Ethernet0/0")
        let acl = try #require(c.accessList(named: "v6-acl"))
        guard case .rule(let first) = acl.entries.first else { Issue.record("no rule"); return }
        #expect(first.source == .host(.v6(IPv6Address("2001:db8:1::20")!)) && first.destination == .any)
    }

    @Test func testAAAPreSharedKeyAndManglerModel_whenTheArticleExampleIsLoaded() throws {
        let c = try Fixture.load("seed-articles-aaa-psk.cfg").configuration
        #expect(c.radiusServer(named: "radius_server")?.address == .v4(IPv4Address("172.16.1.3")!))
        #expect(c.radiusServer(named: "radius_server")?.authenticationPort == 1645)
        #expect(c.ikev2.nameManglers[named: "name_mangler1"]?.fqdn == .hostname)
        let profile = try #require(c.ikev2.profiles[named: "default"])
        #expect(profile.keyring == .aaa(list: "aaa_list1", nameMangler: "name_mangler1", password: nil))
        #expect(profile.localAuthentication == .preShared(nil))
        #expect(profile.authorizations == [.init(scope: .user, override: false, method: .psk, list: nil)])
    }

    @Test func testEAPTimeoutMergesAcrossLines_whenTheArticleExampleIsLoaded() throws {
        let c = try Fixture.load("seed-articles-eap.cfg").configuration
        #expect(c.ikev2.profiles[named: "ikev2_profile"]?.remoteAuthentication == [.eap(queryIdentity: true, timeoutSeconds: 120)])
    }

    @Test func testIOSDefaultsAreFilledIn_whenNothingIsConfigured() {
        let c = load("").configuration
        #expect(c.ikev2.proposals == [IOSDefaults.proposal])
        #expect(c.ikev2.policies.map(\.name) == ["default"])
        #expect(c.ipsec.transformSets[named: "default"]?.transforms.map(\.name) == ["esp-aes", "esp-sha-hmac"])
        #expect(c.ipsec.profiles[named: "default"]?.transformSets == ["default"])
        #expect(c.ipsec.lifetimeSeconds == 3600 && c.ipsec.lifetimeKilobytes == 4_608_000)
        #expect(c.linux.effectiveListenAddresses.map(\.port) == [500, 500])
        #expect(c.linux.endpoint(for: .authd) == "ipc:///run/ikehub/authd.sock")
        #expect(c.linux.dataPlane == .xfrm)
    }

    @Test func testFullHeadendModel_whenTheHeadendFixtureIsLoaded() throws {
        let result = try Fixture.load("headend-full.cfg")
        // The file uses every command of the seeds; those IKEHub keeps in the model but does
        // not act on are warnings that name the line, never a silent skip (and no error).
        #expect(result.errors.isEmpty)
        #expect(result.diagnostics.map { "\($0.location.line) \($0.severity)" } == [
            "27 warning", "75 warning", "76 warning", "77 warning", "83 warning", "84 warning", "87 warning", "88 warning",
            "89 warning", "90 warning", "139 warning", "145 warning", "149 warning", "150 warning", "163 warning", "241 warning",
            "242 warning", "243 warning", "244 warning", "294 warning", "295 warning", "296 warning", "301 warning",
            "303 warning", "308 warning",
        ])
        let c = result.configuration
        #expect(c.ikev2.profiles.map(\.name) == ["anyconnect", "windows-eap", "certificates", "branches", "aaa-psk", "lab"])
        let peer = try #require(c.ikev2.keyrings[named: "branch-keys"]?.peers[named: "branch-2"])
        #expect(peer.identities == [.keyID("branch-2")])
        #expect(peer.localKey == SecretBytes(Array("hub-side-key".utf8)))
        let anyconnect = try #require(c.ikev2.profiles[named: "anyconnect"])
        #expect(anyconnect.dpd == DeadPeerDetection(intervalSeconds: 30, retrySeconds: 5, mode: .onDemand))
        #expect(anyconnect.reconnect && anyconnect.reconnectTimeoutSeconds == 3600 && anyconnect.virtualTemplateModeAuto)
        #expect(c.ikev2.profiles[named: "windows-eap"]?.configExchangeSetSend == false)
        #expect(c.ikev2.profiles[named: "aaa-psk"]?.shutdown == true)
        #expect(c.ipsec.transformSets[named: "cbc"]?.transforms == [.init(name: "esp-aes", keyBits: 256), .init(name: "esp-sha256-hmac", keyBits: nil)])
        #expect(c.ipsec.profiles[named: "remote-access"]?.pfsGroup == 19)
        #expect(c.ipsec.profiles[named: "branches"]?.pfsGroup == 0)
        #expect(c.linux.listenAddresses.count == 2 && c.linux.dataPlane == .userspace)
        #expect(c.linux.endpoint(for: .addrd) == "tcp://10.0.0.2:5556")
        #expect(c.ikev2.fragmentationMTU == 1360 && c.ikev2.httpURLCertificates == false)
        let extended = try #require(c.accessList(named: "from-clients"))
        guard case .rule(let https) = extended.entries.first else { Issue.record("no rule"); return }
        #expect(https.protocolNumber == 6 && https.destinationPorts == .init(operator: .eq, low: 443, high: nil))
        #expect(https.destination == .wildcard(IPv4Address("10.20.0.0")!, IPv4Address("0.0.255.255")!))
    }
}
