@testable import AuthWorker
import HubVocabulary
import Testing

/// The seed's merge precedence, as tables: user > cached; merged user > group unless
/// `override`; interface-config applied from every source in precedence order.
@Suite struct AuthorizationMergeTests {
    static let user = [SessionAttribute(.dnsServers, "10.0.0.1"), SessionAttribute(.interfaceConfig, "ip mtu 1300")]
    static let cached = [SessionAttribute(.framedIPAddress, "10.9.9.9"), SessionAttribute(.dnsServers, "10.0.0.9"),
                         SessionAttribute(.banner, "cached"), SessionAttribute(.interfaceConfig, "ip mtu 1250")]
    static let group = [SessionAttribute(.dnsServers, "10.0.0.2"), SessionAttribute(.banner, "group"),
                        SessionAttribute(.splitDNS, "a.example"), SessionAttribute(.splitDNS, "b.example"),
                        SessionAttribute(.framedIPAddress, "10.8.8.8"), SessionAttribute(.interfaceConfig, "ip mtu 1400")]

    @Test func testDefault_userOverCachedOverGroup() {
        let merged = AuthorizationMerge.merge(user: Self.user, cached: Self.cached, group: Self.group, groupOverride: false)
        #expect(merged.map(\.description) == [
            "Framed-IP-Address=10.9.9.9",      // cached over group
            "ipsec:dns-servers=10.0.0.1",      // user over cached and group
            "ipsec:split-dns=a.example",       // group only: both values
            "ipsec:split-dns=b.example",
            "ipsec:banner=cached",             // cached over group
            "ip:interface-config=ip mtu 1400", // group, implicit, user
            "ip:interface-config=ip mtu 1250",
            "ip:interface-config=ip mtu 1300",
        ])
    }

    @Test func testOverride_groupOverUserOverCached() {
        let merged = AuthorizationMerge.merge(user: Self.user, cached: Self.cached, group: Self.group, groupOverride: true)
        #expect(merged.map(\.description) == [
            "Framed-IP-Address=10.9.9.9",      // never from group authorization
            "ipsec:dns-servers=10.0.0.2",
            "ipsec:split-dns=a.example",
            "ipsec:split-dns=b.example",
            "ipsec:banner=group",
            "ip:interface-config=ip mtu 1250", // implicit, user, group
            "ip:interface-config=ip mtu 1300",
            "ip:interface-config=ip mtu 1400",
        ])
    }

    @Test func testMultiValuedAttribute_isReplacedAsAWhole_byTheHigherSource() {
        let merged = AuthorizationMerge.merge(user: [SessionAttribute(.splitDNS, "u.example")], cached: [],
                                              group: [SessionAttribute(.splitDNS, "a.example"), SessionAttribute(.splitDNS, "b.example")],
                                              groupOverride: false)
        #expect(merged.map(\.description) == ["ipsec:split-dns=u.example"])
    }

    @Test func testGroupFramedIPAddress_isIgnored_evenAlone() {
        let merged = AuthorizationMerge.merge(user: [], cached: [], group: [SessionAttribute(.framedIPAddress, "10.8.8.8")], groupOverride: true)
        #expect(merged.isEmpty)
    }

    @Test func testNoSources_isEmpty() {
        #expect(AuthorizationMerge.merge(user: [], cached: [], group: [], groupOverride: true).isEmpty)
    }
}

/// The default authorization user name per method.
@Suite struct AuthorizationUsernameTests {
    @Test func testPSK_usesTheIKEIdentity_EAP_usesTheEAPIdentity() {
        #expect(AuthorizationService.name(.fqdn("branch1.example.com"), authenticated: "branch1", method: .psk) == "branch1.example.com")
        #expect(AuthorizationService.name(.keyID("192.0.2.1"), authenticated: "alice", method: .eap) == "alice")
        #expect(AuthorizationService.name(.address(.v4(IPv4Address("192.0.2.7")!)), authenticated: "", method: .eap) == "192.0.2.7")
    }
}
