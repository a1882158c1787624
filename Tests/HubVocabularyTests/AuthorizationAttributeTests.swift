import HubVocabulary
import Testing

/// The canonical attribute names and their value syntax.
@Suite struct AuthorizationAttributeTests {
    @Test func testSeedSpellings() {
        #expect(AuthorizationAttribute(rawValue: "ipsec:ipv6-dns-servers-addr") == .ipv6DNSServers)
        #expect(AuthorizationAttribute(rawValue: "ipsec:ipsec-backup-gateway") == .backupGateway)
        #expect(AuthorizationAttribute(rawValue: "ip:interface-config") == .interfaceConfig)
        #expect(Set(AuthorizationAttribute.allCases.map(\.rawValue)).count == AuthorizationAttribute.allCases.count)
    }

    @Test(arguments: [
        (AuthorizationAttribute.framedIPAddress, "10.0.0.1", true), (.framedIPAddress, "10.0.0.256", false),
        (.dnsServers, "10.0.0.1 10.0.0.2", true), (.dnsServers, "10.0.0.1 10.0.0.2 10.0.0.3", false),
        (.ipv6DNSServers, "2001:db8::1", true), (.framedIPv6Prefix, "2001:db8::/48", true), (.framedIPv6Prefix, "2001:db8::", false),
        (.pfs, "1", true), (.pfs, "yes", false), (.flowLimit, "50000", true), (.flowLimit, "50001", false),
        (.routeSet, "remote ipv4 10.0.0.0 255.0.0.0", true), (.routeSet, "remote ipv6 2001:db8::/32", true),
        (.routeSet, "access-list ipv6 v6-acl", true), (.routeSet, "interface", true), (.routeSet, "bogus", false),
        (.class, "c0ffee", true), (.class, "xyz", false), (.addressPool, "pool 1", false),
    ])
    func testValueSyntax(attribute: AuthorizationAttribute, value: String, valid: Bool) {
        #expect((attribute.problem(with: value) == nil) == valid, "\(attribute.rawValue)=\(value): \(attribute.problem(with: value) ?? "ok")")
    }

    @Test func testAudience_ciscoAndFlexVPNAttributesAreMarked() {
        #expect(AuthorizationAttribute.banner.audience == .ciscoClients)
        #expect(AuthorizationAttribute.configurationURL.audience == .flexVPNClients)
        #expect(AuthorizationAttribute.dnsServers.audience == .everyone)
        #expect(AuthorizationAttribute.interfaceConfig.audience == .local)
        #expect(AuthorizationAttribute.splitDNS.isMultiValued && !AuthorizationAttribute.banner.isMultiValued)
    }
}
