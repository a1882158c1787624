import Testing
@testable import FlexConfig

/// The grammar: every specification compiles, abbreviations and case work as IOS accepts them.
struct GrammarTests {
    @Test(arguments: ConfigMode.allCases)
    func testEveryCommandSpecificationCompiles_whenTheTablesAreBuilt(_ mode: ConfigMode) {
        let table = CommandTable.of(mode)
        #expect(table.commands.count == Grammar.commands(of: mode).count)
        if mode != .ignoredBlock { #expect(!table.matcher.firstKeywords.isEmpty) }
    }

    @Test func testKeywordsMayBeAbbreviatedAndWrittenInAnyCase_whenUnique() {
        let abbreviated = load("""
        int Virtual-Template1 ty tun
         ip unn Loopback0
         tun mo ips ipv4
         TUNNEL PROTECTION IPSEC PROFILE default
        crypto ikev2 prof p1
         MATCH IDENTITY REMOTE ANY
         authen local pre key k
         authen rem pre key k
         virtual-t 1
        int lo0
         ip addr 10.0.0.1 255.255.255.255
        """)
        #expect(abbreviated.diagnostics.isEmpty)
        let profile = abbreviated.configuration.ikev2.profiles[named: "p1"]
        #expect(profile?.identityMatches == [.any])
        #expect(profile?.virtualTemplate == 1)
        #expect(abbreviated.configuration.virtualTemplate(1)?.tunnelMode == .ipsecIPv4)
        #expect(abbreviated.configuration.interface(named: "Loopback0")?.ipv4Address?.description == "10.0.0.1")
    }

    @Test func testInterfaceNamesAreCanonical_whenWrittenInOneWordOrTwo() {
        let result = load("""
        interface virtual-template 3 type tunnel
         ip unnumbered g1
         tunnel source eth0
         tunnel protection ipsec profile default
        """)
        let template = result.configuration.virtualTemplate(3)
        #expect(template?.ipUnnumbered == "GigabitEthernet1")
        #expect(template?.tunnelSource == .interface("eth0"))
    }

    @Test func testIndentationIsIgnoredAndTheNextGlobalCommandLeavesTheMode_whenNoBangSeparates() {
        let result = load("""
        crypto ikev2 keyring k
        peer a
        address 192.0.2.1
        pre-shared-key one
        peer b
        pre-shared-key two
        ip local pool p 10.0.0.1 10.0.0.2
        """)
        #expect(result.diagnostics.isEmpty)
        #expect(result.configuration.ikev2.keyrings[named: "k"]?.peers.map(\.name) == ["a", "b"])
        #expect(result.configuration.ipv4Pools.count == 1)
    }

    @Test func testExitAndEndLeaveSubModes_whenWritten() {
        let result = load("""
        crypto ikev2 keyring k
         peer a
          pre-shared-key one
          exit
         peer b
          pre-shared-key two
          end
        crypto ikev2 name-mangler m
         fqdn domain
        """)
        #expect(result.diagnostics.isEmpty)
        #expect(result.configuration.ikev2.keyrings[named: "k"]?.peers.count == 2)
        #expect(result.configuration.ikev2.nameManglers[named: "m"]?.fqdn == .domain)
    }

    @Test func testNoFormsTurnDefaultsOffAndRemoveObjects_whenWritten() {
        let result = load("""
        crypto ikev2 profile p
         match identity remote any
         authentication local pre-share key k
         authentication remote pre-share key k
         no config-exchange request
        ip local pool gone 10.0.0.1
        no ip local pool gone 10.0.0.1
        """)
        #expect(result.diagnostics.map(\.description) == [
            "t.cfg:5:2: warning: 'no config-exchange request' is not applied: IKEHub answers every CFG_REQUEST with CFG_REPLY and sends no unrequested CFG_SET; ignored",
        ])
        #expect(result.configuration.ikev2.profiles[named: "p"]?.configExchangeRequest == false)
        #expect(result.configuration.ipv4Pools.isEmpty)
    }

    @Test func testArticleFragmentsParse_whenPlacedInTheirModes() {
        // Fragments of the seed articles that are not whole configurations.
        let result = load("""
        username name-string password password-string
        aaa authentication login aaa-list local
        aaa authentication login list-name local
        crypto ikev2 profile anyconnect
         match identity remote key-id AnyConnect-IKE-ID
         authentication local rsa-sig
         authentication remote anyconnect-eap aggregate
         authentication remote anyconnect-eap aggregate cert-request
         aaa authentication anyconnect-eap list-name
         aaa authentication anyconnect-eap aaa-list
        crypto ikev2 authorization policy radius-attributes
         pool pool-name
         dhcp server 10.1.1.1
         dhcp timeout 10
         route set access-list acl_vpn
         dns 8.8.8.8 8.8.4.4
         wins 192.168.1.100 192.168.1.101
        ip local pool pool-name 10.1.2.1 10.1.2.100
        ip access-list standard acl_vpn
         permit 10.0.0.0 0.255.255.255
        crypto pki trustpoint tp
         certificate-file /etc/ikehub/tp.crt
         private-key-file /etc/ikehub/tp.key
        """)
        #expect(result.errors.isEmpty)
        let profile = result.configuration.ikev2.profiles[named: "anyconnect"]
        #expect(profile?.remoteAuthentication == [.anyconnectEAP(certificateRequest: true)])
        #expect(profile?.anyconnectEAPAuthenticationList == "aaa-list")
        let policy = result.configuration.ikev2.authorizationPolicies[named: "radius-attributes"]
        #expect(policy?.dhcpServer == "10.1.1.1")
        #expect(policy?.winsServers.map(\.description) == ["192.168.1.100", "192.168.1.101"])
    }

    @Test func testBannerSpansLines_whenItsDelimiterIsOnALaterLine() {
        let result = load("""
        crypto ikev2 authorization policy p
         banner #Welcome
        to the VPN#
         pfs
        """)
        #expect(result.diagnostics.isEmpty)
        let policy = result.configuration.ikev2.authorizationPolicies[named: "p"]
        #expect(policy?.banner == "Welcome\nto the VPN")
        #expect(policy?.pfs == true)
    }

    @Test func testInitiatorOnlyAndLinuxMeaninglessCommandsWarnByName_whenWritten() {
        let result = load("""
        crypto ikev2 client flexvpn c1
         peer 1 192.0.2.1
         client connect Tunnel1
        interface Virtual-Template1 type tunnel
         ip vrf forwarding red
         vrf forwarding blue
         tunnel protection ipsec profile default
        """)
        #expect(result.diagnostics.map(\.description) == [
            "t.cfg:1:1: warning: 'crypto ikev2 client flexvpn' configures an IKEv2 initiator, and IKEHub is a responder only; ignored",
            "t.cfg:5:2: warning: 'ip vrf forwarding' is not supported on Linux (VRFs are not implemented; every session uses the main routing table); ignored",
            "t.cfg:5:20: error: vrf 'red' is not defined; none is defined",
            "t.cfg:6:2: warning: 'vrf forwarding' is not supported on Linux (VRFs are not implemented; every session uses the main routing table); ignored",
            "t.cfg:6:17: error: vrf 'blue' is not defined; none is defined",
        ])
    }
}

/// `interface-config` from AAA applied to a virtual-template.
struct InterfaceConfigTests {
    @Test func testInterfaceConfigChangesTheClone_whenAAAPushesCommands() throws {
        let template = try #require(load("""
        interface Virtual-Template1 type tunnel
         ip unnumbered Loopback0
         ip mtu 1400
         tunnel mode ipsec ipv4
         tunnel protection ipsec profile default
        """).configuration.virtualTemplate(1))
        let (derived, diagnostics) = FlexConfig.applyInterfaceConfig(["ip mtu 1100", "ip access-group from-user in", "tunnel key 1", "ip mtu x"], to: template)
        #expect(derived.mtu == 1100)
        #expect(derived.accessGroupIn == "from-user")
        #expect(derived.tunnelProtection == "default")
        #expect(diagnostics.map(\.description) == [
            "interface-config:3:1: warning: 'tunnel key' is not supported on Linux (GRE keys have no meaning for IPsec tunnels); ignored",
            "interface-config:4:8: error: 'x' is not a number; expected <mtu 68-65535>",
            "interface-config:2:1: warning: 'ip access-group' is not applied on Linux (packet filtering on virtual-access interfaces is not implemented); ignored",
        ])
    }

    @Test func testInterfaceConfigCannotLeaveTheInterface_whenAValueHoldsALineBreak() throws {
        let template = Interface(name: "Virtual-Template1")
        let (derived, diagnostics) = FlexConfig.applyInterfaceConfig(["ip mtu 1200\nusername evil password x"], to: template)
        #expect(derived.mtu == nil)
        #expect(diagnostics.isEmpty)
    }
}

/// Many objects of one kind, and name spaces.
struct ScaleAndNameSpaceTests {
    @Test func testThousandsOfProfilesAndPoliciesLoad_whenEachIsDefinedOnce() {
        var lines: [String] = ["aaa authorization network local-list local"]
        for index in 0..<3000 {
            lines += ["crypto ikev2 authorization policy policy-\(index)", " pool pool-\(index)", "!",
                      "ip local pool pool-\(index) 10.\(index / 256).\(index % 256).1 10.\(index / 256).\(index % 256).254",
                      "crypto ikev2 profile profile-\(index)", " match identity remote fqdn domain site\(index).example.net",
                      " authentication local pre-share key k", " authentication remote pre-share key k",
                      " aaa authorization group psk list local-list policy-\(index)", "!"]
        }
        let result = load(lines.joined(separator: "\n"))
        #expect(result.diagnostics.isEmpty)
        #expect(result.configuration.ikev2.profiles.count == 3000)
        #expect(result.configuration.ikev2.authorizationPolicies.last?.pool == "pool-2999")
    }

    @Test func testIPv4AndIPv6AccessListsMayShareAName_whenBothAreDefined() {
        let result = load("ip access-list standard corp\n permit any\nipv6 access-list corp\n permit ipv6 any any")
        #expect(result.diagnostics.isEmpty)
        #expect(result.configuration.accessLists.map(\.kind) == [.standard, .ipv6])
    }
}
