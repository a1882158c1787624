import Testing
@testable import FlexConfig

/// Every configuration example of the two seed documents, loaded verbatim: each gives
/// exactly these diagnostics. Most errors are the documents' own slips (the guide's
/// `set transform-set trans transform1` names a set `trans` that no example defines; the
/// local-AAA example's policy names `pool1` and `acl1` but defines `pool11` and `acl-1`),
/// which IOS rejects as well.
struct SeedFixtureTests {
    static let expectations: [(String, [String])] = [
        ("seed-articles-aaa-psk.cfg", [
            "seed-articles-aaa-psk.cfg:6:43: error: aaa server group 'radius_group1' is not defined; defined: 'radius_group'",
        ]),
        ("seed-articles-accounting.cfg", [
            "seed-articles-accounting.cfg:5:62: error: aaa server group 'radius_group1' is not defined; none is defined",
        ]),
        ("seed-articles-dynamic-author.cfg", [
            "seed-articles-dynamic-author.cfg:5:1: warning: 'aaa server radius dynamic-author' (RFC 5176 CoA and Disconnect-Request) is not implemented yet: RADIUS cannot change or end live sessions (use 'clear crypto session'); ignored",
        ]),
        ("seed-articles-eap.cfg", [
            "seed-articles-eap.cfg:12:1: warning: ikev2 profile 'ikev2_profile' has no 'match identity remote' or 'match certificate'; no peer can select it",
            "seed-articles-eap.cfg:16:2: error: ikev2 profile 'ikev2_profile': 'authentication local' with signatures needs a 'crypto pki trustpoint'",
        ]),
        ("seed-articles-mode-auto.cfg", [
            "seed-articles-mode-auto.cfg:9:19: error: interface 'Virtual-Template1' is not defined; none is defined",
            "seed-articles-mode-auto.cfg:9:26: warning: 'mode auto' has no effect on Linux: a virtual-access carries IPv4 and IPv6 whatever the template's tunnel mode",
        ]),
        ("seed-articles-qos.cfg", [
            "seed-articles-qos.cfg:5:1: warning: 'policy-map' is not supported on Linux (platform QoS is not implemented by the Linux data plane); ignored",
            "seed-articles-qos.cfg:7:1: warning: 'policy-map' is not supported on Linux (platform QoS is not implemented by the Linux data plane); ignored",
            "seed-articles-qos.cfg:12:2: warning: 'service-policy input' is not supported on Linux (platform QoS is not implemented by the Linux data plane); ignored",
            "seed-articles-qos.cfg:13:2: warning: 'service-policy output' is not supported on Linux (platform QoS is not implemented by the Linux data plane); ignored",
        ]),
        ("seed-articles-reconnect.cfg", [
            "seed-articles-reconnect.cfg:6:1: warning: ikev2 profile 'default' has no 'match identity remote' or 'match certificate'; no peer can select it",
            "seed-articles-reconnect.cfg:7:2: error: ikev2 profile 'default': 'authentication local' with signatures needs a 'crypto pki trustpoint'",
            "seed-articles-reconnect.cfg:8:2: error: ikev2 profile 'default': 'authentication remote eap' needs 'aaa authentication eap LIST' to reach the EAP server",
            "seed-articles-reconnect.cfg:9:2: warning: 'reconnect' (AnyConnect auto-reconnect) is not implemented: a client that comes back starts a new session; ignored",
            "seed-articles-reconnect.cfg:10:20: error: 'seconds' is not a number; expected <seconds 10-86400>",
        ]),
        ("seed-articles-virtual-access-cloning.cfg", [
            "seed-articles-virtual-access-cloning.cfg:5:43: error: aaa server group 'radius_group1' is not defined; none is defined",
            "seed-articles-virtual-access-cloning.cfg:12:34: warning: typographic quotes '“…”' taken as '\"…\"'",
            "seed-articles-virtual-access-cloning.cfg:12:34: warning: interface-config 'tunnel key' is not supported on Linux (GRE keys have no meaning for IPsec tunnels); it will be ignored when cloning",
            "seed-articles-virtual-access-cloning.cfg:13:34: warning: typographic quotes '“…”' taken as '\"…\"'",
            "seed-articles-virtual-access-cloning.cfg:21:1: warning: 'Virtual-Template1' has no 'tunnel mode' and ikev2 profile 'default' does not use 'mode auto'; IOS's default is GRE, which IKEHub does not implement: sessions use 'tunnel mode ipsec ipv4'",
        ]),
        ("seed-articles-virtual-template.cfg", [
        ]),
        ("seed-guide-anyconnect-profile.cfg", [
            "seed-guide-anyconnect-profile.cfg:4:1: warning: 'no ip http secure-server' is not supported on Linux (IKEHub runs no HTTP server); ignored",
            "seed-guide-anyconnect-profile.cfg:5:1: warning: 'crypto ssl policy' is not supported on Linux (SSL VPN is not implemented; IKEHub serves IKEv2 only); ignored",
            "seed-guide-anyconnect-profile.cfg:10:1: warning: 'crypto ssl profile' is not supported on Linux (SSL VPN is not implemented; IKEHub serves IKEv2 only); ignored",
            "seed-guide-anyconnect-profile.cfg:13:40: warning: 'bootflash:profile.xml' names an IOS file system; IKEHub reads it relative to the state directory",
            "seed-guide-anyconnect-profile.cfg:14:1: warning: ikev2 profile 'ikev2_profile' has no 'match identity remote' or 'match certificate'; no peer can select it",
            "seed-guide-anyconnect-profile.cfg:14:1: warning: ikev2 profile 'ikev2_profile' has no 'authentication local'; peers that select it fail IKE_AUTH",
            "seed-guide-anyconnect-profile.cfg:14:1: warning: ikev2 profile 'ikev2_profile' has no 'authentication remote'; peers that select it fail IKE_AUTH",
            "seed-guide-anyconnect-profile.cfg:16:1: warning: 'anyconnect profile': AnyConnect profile download is not implemented; clients keep the profile they have; ignored",
        ]),
        ("seed-guide-eap.cfg", [
            "seed-guide-eap.cfg:11:1: warning: trustpoint 'trustpoint1' has no 'certificate-file' and 'private-key-file'; on Linux they are needed to sign as ikev2 profile 'ikev2-profile1' requires",
            "seed-guide-eap.cfg:12:1: warning: 'enrollment url' is not supported on Linux (certificate enrollment is not implemented; give the files with certificate-file and private-key-file); ignored",
            "seed-guide-eap.cfg:26:19: error: transform set 'trans' is not defined; defined: 'transform1', 'default'",
            "seed-guide-eap.cfg:29:11: warning: interface 'Ethernet0/0' belongs to the host; IKEHub does not configure it and uses it only as an address source for 'ip unnumbered' and 'tunnel source'",
        ]),
        ("seed-guide-group-external-aaa.cfg", [
            "seed-guide-group-external-aaa.cfg:11:1: warning: trustpoint 'trustpoint1' has no 'certificate-file' and 'private-key-file'; on Linux they are needed to sign as ikev2 profile 'ikev2-profile1' requires",
            "seed-guide-group-external-aaa.cfg:12:1: warning: 'enrollment url' is not supported on Linux (certificate enrollment is not implemented; give the files with certificate-file and private-key-file); ignored",
            "seed-guide-group-external-aaa.cfg:32:19: error: transform set 'trans' is not defined; defined: 'transform1', 'default'",
            "seed-guide-group-external-aaa.cfg:35:11: warning: interface 'Ethernet0/0' belongs to the host; IKEHub does not configure it and uses it only as an address source for 'ip unnumbered' and 'tunnel source'",
        ]),
        ("seed-guide-group-local-aaa.cfg", [
            "seed-guide-group-local-aaa.cfg:11:33: warning: interface-config 'tunnel key' is not supported on Linux (GRE keys have no meaning for IPsec tunnels); it will be ignored when cloning",
            "seed-guide-group-local-aaa.cfg:14:1: warning: trustpoint 'trustpoint1' has no 'certificate-file' and 'private-key-file'; on Linux they are needed to sign as ikev2 profile 'ikev2-profile1' requires",
            "seed-guide-group-local-aaa.cfg:15:1: warning: 'enrollment url' is not supported on Linux (certificate enrollment is not implemented; give the files with certificate-file and private-key-file); ignored",
            "seed-guide-group-local-aaa.cfg:22:6: error: ip local pool 'pool1' is not defined; defined: 'pool11'",
            "seed-guide-group-local-aaa.cfg:23:1: warning: 'dhcp server': address assignment by DHCP is not implemented; sessions take their address from 'pool' or a RADIUS Framed-IP-Address; ignored",
            "seed-guide-group-local-aaa.cfg:24:1: warning: 'dhcp timeout': address assignment by DHCP is not implemented; sessions take their address from 'pool' or a RADIUS Framed-IP-Address; ignored",
            "seed-guide-group-local-aaa.cfg:25:1: warning: 'dhcp giaddr': address assignment by DHCP is not implemented; sessions take their address from 'pool' or a RADIUS Framed-IP-Address; ignored",
            "seed-guide-group-local-aaa.cfg:27:23: error: standard access list 'acl1' is not defined; none is defined",
            "seed-guide-group-local-aaa.cfg:31:1: warning: 'configuration url' is not sent to clients: its Cisco IKEv2 configuration attribute has no public number; ignored",
            "seed-guide-group-local-aaa.cfg:32:1: warning: 'configuration version' is not sent to clients: its Cisco IKEv2 configuration attribute has no public number; ignored",
            "seed-guide-group-local-aaa.cfg:40:1: warning: 'smartcard-removal-disconnect' is not sent to clients: its Cisco IKEv2 configuration attribute has no public number; ignored",
            "seed-guide-group-local-aaa.cfg:56:19: error: transform set 'trans' is not defined; defined: 'transform1', 'default'",
            "seed-guide-group-local-aaa.cfg:59:11: warning: interface 'Ethernet0/0' belongs to the host; IKEHub does not configure it and uses it only as an address source for 'ip unnumbered' and 'tunnel source'",
        ]),
        ("seed-guide-ipv6.cfg", [
            "seed-guide-ipv6.cfg:8:1: warning: trustpoint 'trustpoint1' has no 'certificate-file' and 'private-key-file'; on Linux they are needed to sign as ikev2 profile 'ikev2-profile1' requires",
            "seed-guide-ipv6.cfg:9:1: warning: 'enrollment url' is not supported on Linux (certificate enrollment is not implemented; give the files with certificate-file and private-key-file); ignored",
            "seed-guide-ipv6.cfg:31:19: error: transform set 'trans' is not defined; defined: 'transform1', 'default'",
            "seed-guide-ipv6.cfg:34:11: warning: interface 'Ethernet0/0' belongs to the host; IKEHub does not configure it and uses it only as an address source for 'ip unnumbered' and 'tunnel source'",
            "seed-guide-ipv6.cfg:42:43: warning: each client gets a /48; the seed guide recommends 128 (one address per client)",
        ]),
        ("seed-guide-user-authorization.cfg", [
            "seed-guide-user-authorization.cfg:11:1: warning: trustpoint 'trustpoint1' has no 'certificate-file' and 'private-key-file'; on Linux they are needed to sign as ikev2 profile 'ikev2-profile1' requires",
            "seed-guide-user-authorization.cfg:12:24: error: invalid input '192.168.3.1:80'; expected the end of the command",
            "seed-guide-user-authorization.cfg:32:19: error: transform set 'trans' is not defined; defined: 'transform1', 'default'",
            "seed-guide-user-authorization.cfg:35:11: warning: interface 'Ethernet0/0' belongs to the host; IKEHub does not configure it and uses it only as an address source for 'ip unnumbered' and 'tunnel source'",
        ]),
    ]

    @Test(arguments: SeedFixtureTests.expectations)
    func testSeedExampleGivesExactlyItsDiagnostics_whenLoadedVerbatim(_ name: String, _ expected: [String]) throws {
        let result = try Fixture.load(name)
        #expect(result.diagnostics.map(\.description) == expected)
    }

    @Test func testEverySeedFixtureHasAnExpectation_whenTheFixturesAreListed() {
        let seeds = Fixture.allNames.filter { $0.hasPrefix("seed-") }
        #expect(seeds.count == 15)
        #expect(Set(seeds) == Set(SeedFixtureTests.expectations.map(\.0)))
    }
}
