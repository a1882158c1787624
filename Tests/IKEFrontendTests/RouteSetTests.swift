import Testing
import FlexConfig
import HubVocabulary
import IKEExchanges
import IKEWire
@testable import IKEFrontend

/// `route set access-list|interface` (seed guide steps 17 and 24) turned into CFG_REPLY
/// subnets by the configuration's own lists and interfaces.
@Suite struct RouteSetTests {
    static let configuration = """
        ip access-list standard split-v4
         permit 10.20.0.0 0.0.255.255
         permit host 192.0.2.7
         deny 10.30.0.0 0.0.255.255
        ip access-list standard odd-wildcard
         permit 10.0.0.0 0.255.0.255
        ip access-list extended not-standard
         permit ip any 10.40.0.0 0.0.255.255
        ipv6 access-list split-v6
         permit ipv6 2001:db8:10::/48 any
         permit ipv6 any 2001:db8:20::/56
        interface Loopback0
         ip address 172.16.255.1 255.255.255.255
         ipv6 address 2001:db8:ff::1/64
        interface Virtual-Template1 type tunnel
         ip unnumbered Loopback0
         tunnel mode ipsec ipv4
         tunnel protection ipsec profile ips
        crypto ipsec profile ips
         set ikev2-profile users
        crypto ikev2 keyring kr
         peer any
          address 0.0.0.0 0.0.0.0
          pre-shared-key some-key-0123456789
        crypto ikev2 profile users
         match identity remote any
         authentication local pre-share
         authentication remote pre-share
         keyring local kr
         virtual-template 1
        """

    static func mapping(_ values: [String], client: PeerClient = PeerClient()) throws -> AuthorizationMapping {
        let routeSets = RouteSets(try FrontendConfigurationTests.load(configuration))
        return AuthorizationMapping(values.map { AAAAttribute(name: "ipsec:route-set", value: $0) }, client: client,
                                    profile: "users", routeSets: routeSets)
    }

    @Test func testStandardAccessList_pushesEachPermitAsASubnet() throws {
        let mapping = try Self.mapping(["access-list split-v4"])
        #expect(mapping.authorization.pushedAttributes == [
            .ipv4Subnet(address: IPv4Address("10.20.0.0")!, netmask: IPv4Address("255.255.0.0")!),
            .ipv4Subnet(address: IPv4Address("192.0.2.7")!, netmask: IPv4Address("255.255.255.255")!),
        ])
        #expect(mapping.unsent.isEmpty)
    }

    @Test func testIPv6AccessList_pushesSourceOrDestinationPrefixes() throws {
        let mapping = try Self.mapping(["access-list ipv6 split-v6"])
        #expect(mapping.authorization.pushedAttributes == [
            .ipv6Prefix(.internalIP6Subnet, IPv6Address("2001:db8:10::")!, prefixLength: 48),
            .ipv6Prefix(.internalIP6Subnet, IPv6Address("2001:db8:20::")!, prefixLength: 56),
        ])
    }

    @Test func testRouteSetInterface_pushesTheTemplatesUnnumberedSourceOrTheNamedInterface() throws {
        let expected: [ConfigurationAttribute] = [
            .ipv4Subnet(address: IPv4Address("172.16.255.1")!, netmask: IPv4Address("255.255.255.255")!),
            .ipv6Prefix(.internalIP6Subnet, IPv6Address("2001:db8:ff::1")!, prefixLength: 128),
        ]
        #expect(try Self.mapping(["interface"]).authorization.pushedAttributes == expected)
        #expect(try Self.mapping(["interface Loopback0"]).authorization.pushedAttributes == expected)
    }

    @Test(arguments: [
        ("access-list nowhere", "ipsec:route-set=access-list nowhere: route set access-list nowhere: no such access list in the configuration"),
        ("access-list not-standard", "ipsec:route-set=access-list not-standard: route set access-list not-standard: an 'extended' list; only standard IPv4 lists push routes (seed guide, Note 1)"),
        ("access-list odd-wildcard", "ipsec:route-set=access-list odd-wildcard: route set access-list odd-wildcard: wildcard 0.255.0.255 is not a subnet mask"),
        ("interface Tunnel9", "ipsec:route-set=interface Tunnel9: route set interface Tunnel9: no such interface in the configuration"),
    ])
    func testUnusableRouteSet_pushesNothingAndSaysWhy(value: String, reason: String) throws {
        let mapping = try Self.mapping([value])
        #expect(mapping.authorization.pushedAttributes.isEmpty)
        #expect(mapping.unsent == [reason])
    }
}
