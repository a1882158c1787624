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
        #expect(result.diagnostics.isEmpty)
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
