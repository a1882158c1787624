import Testing
@testable import FlexConfig

/// Malformed configurations, each with the exact diagnostics it must produce: the place,
/// the offending word in quotes, and what was expected or which choices are valid.
struct MalformedInputTests {
    static let profileHead = "crypto ikev2 profile p\n match identity remote any\n authentication local pre-share key k\n authentication remote pre-share key k\n"
    static let bareProfile = "crypto ikev2 profile p\n match identity remote any\n"

    static let cases: [(String, [String])] = [
        ("crypto ikev2 profle p", [
            "t.cfg:1:14: error: invalid input 'profle'; expected one of 'authorization', 'client', 'cookie-challenge', 'dpd', 'fragmentation', 'http-url', 'keyring', 'limit', 'name-mangler', 'nat', 'policy', 'profile', 'proposal', 'redirect'",
        ]),
        ("cryto pki trustpoint x", [
            "t.cfg:1:1: error: unknown command 'cryto' in global configuration mode; expected one of 'aaa', 'access-list', 'class-map', 'crypto', 'hostname', 'ikehub', 'interface', 'ip', 'ipv6', 'policy-map', 'radius', 'radius-server', 'username', 'vrf'",
        ]),
        ("crypto ikev2 p x", [
            "t.cfg:1:14: error: ambiguous 'p': could be 'policy', 'profile', 'proposal'",
        ]),
        ("ip local pool p 10.0.0.300", [
            "t.cfg:1:17: error: '10.0.0.300' is not an IPv4 address; expected <start: IPv4 address>",
        ]),
        ("ip local pool p 10.0.0.9 10.0.0.1", [
            "t.cfg:1:26: error: pool range ends at 10.0.0.1, before its start 10.0.0.9",
        ]),
        ("ip local pool a 10.0.0.1 10.0.0.9\nip local pool b 10.0.0.5 10.0.0.20", [
            "t.cfg:2:17: error: range 10.0.0.5-10.0.0.20 overlaps 10.0.0.1-10.0.0.9 of pool 'a'",
        ]),
        ("crypto ikev2 dpd 5 2 on-demand", [
            "t.cfg:1:18: error: '5' is out of range 10-3600; expected <interval 10-3600>",
        ]),
        ("crypto ikev2 dpd 10 2", [
            "t.cfg:1:22: error: incomplete command; expected one of 'on-demand', 'periodic'",
        ]),
        (profileHead + " match identity remote fqdn", [
            "t.cfg:5:28: error: incomplete command; expected one of 'domain', <fqdn>",
        ]),
        (profileHead + " keyring local missing", [
            "t.cfg:5:16: error: ikev2 keyring 'missing' is not defined; none is defined",
        ]),
        (profileHead + " pki trustpoint nope", [
            "t.cfg:5:17: error: trustpoint 'nope' is not defined; none is defined",
        ]),
        (profileHead + " aaa authorization group psk list nolist", [
            "t.cfg:5:35: error: aaa authorization network list 'nolist' is not defined; none is defined",
        ]),
        ("aaa authorization network l local\n" + profileHead + " aaa authorization user psk list l name-mangler nm", [
            "t.cfg:6:49: error: name mangler 'nm' is not defined; none is defined",
        ]),
        ("aaa authorization network l local\n" + profileHead + " aaa authorization group eap list l no-such-policy", [
            "t.cfg:6:37: error: ikev2 authorization policy 'no-such-policy' is not defined; none is defined",
        ]),
        (profileHead + " virtual-template 7", [
            "t.cfg:5:19: error: interface 'Virtual-Template7' is not defined; none is defined",
        ]),
        ("crypto ikev2 authorization policy a\n pool nopool\n ipv6 pool nopool6", [
            "t.cfg:2:7: error: ip local pool 'nopool' is not defined; none is defined",
            "t.cfg:3:12: error: ipv6 local pool 'nopool6' is not defined; none is defined",
        ]),
        ("crypto ikev2 authorization policy a\n netmask 255.0.255.0", [
            "t.cfg:2:10: error: '255.0.255.0' is not a contiguous netmask; expected <mask: IPv4 netmask>",
        ]),
        ("interface Virtual-Template1\n tunnel mode ipsec ipv4", [
            "t.cfg:1:11: error: 'Virtual-Template1' needs 'type tunnel': IKEHub clones virtual-templates into IPsec tunnel interfaces",
        ]),
        ("interface Virtual-Access3", [
            "t.cfg:1:11: error: 'Virtual-Access3' is created per session from a virtual-template and cannot be configured",
        ]),
        ("interface vi1", [
            "t.cfg:1:11: error: ambiguous interface type 'vi': could be Virtual-Template, Virtual-Access; expected <interface: interface>",
        ]),
        ("crypto ipsec transform-set t esp-aes esp-3des", [
            "t.cfg:1:28: error: transform set 't' has 2 encryption transforms; one is allowed",
            "t.cfg:1:38: error: 'esp-3des' is not supported by IKEHub's ESP data plane; use esp-aes [128|192|256] or esp-gcm [128|256] with esp-sha-hmac, esp-sha256-hmac, esp-sha384-hmac or esp-sha512-hmac",
        ]),
        ("crypto ipsec transform-set t esp-gcm esp-sha-hmac", [
            "t.cfg:1:28: error: 'esp-gcm' authenticates by itself; 'esp-sha-hmac' cannot be combined with it",
        ]),
        ("crypto ipsec transform-set t esp-sha esp-aes", [
            "t.cfg:1:30: error: ambiguous 'esp-sha': could be 'esp-sha-hmac', 'esp-sha256-hmac', 'esp-sha384-hmac', 'esp-sha512-hmac'",
        ]),
        ("username bob password", [
            "t.cfg:1:22: error: incomplete command; expected one of '0', '7', <password>",
        ]),
        ("radius server r\n key", [
            "t.cfg:2:5: error: incomplete command; expected one of '0', '6', '7', <key>",
        ]),
        ("radius server r\n key s3cr3t-value extra-word", [
            "t.cfg:2:19: error: invalid input <redacted>; expected the end of the command",
        ]),
        ("ikehub\n dataplane dpdk", [
            "t.cfg:2:12: error: invalid input 'dpdk'; expected one of 'userspace', 'xfrm'",
        ]),
        ("ikehub\n ipc endpoint authd /run/x.sock", [
            "t.cfg:2:21: error: '/run/x.sock' is not an ipc:///path or tcp://host:port endpoint; expected <endpoint: ipc:// or tcp:// endpoint>",
        ]),
        ("ikehub\n ipc worker-key w short", [
            "t.cfg:2:19: error: 'short' is not a 40-character Z85 key; expected <key: 40-character Z85 key>",
        ]),
        ("ikehub\n state-directory relative/dir", [
            "t.cfg:2:18: error: 'relative/dir' is not an absolute path; expected <path: path>",
        ]),
        ("aaa attribute list a\n attribute type interface-config \"ip mtu 99999\"", [
            "t.cfg:2:42: error: interface-config: '99999' is out of range 68-65535; expected <mtu 68-65535>",
        ]),
        ("aaa attribute list a\n attribute type interface-config \"ip mtu 1100", [
            "t.cfg:2:34: error: unterminated quoted string: expected a closing '\"'",
        ]),
        ("crypto ikev2 authorization policy p\n banner #never closed", [
            "t.cfg:2:9: error: banner delimiter '#' is never closed",
        ]),
        ("crypto ikev2 keyring k\n peer p\n  pre-shared-key 6 ABCDEF0123", [
            "t.cfg:3:20: error: type 6 (AES-encrypted) keys need the router's master key and cannot be read; write the key in clear text (type 0)",
        ]),
        (bareProfile + " authentication local pre-share key k1\n authentication remote eap\n aaa authentication eap l\naaa authentication login l local", [
            "t.cfg:4:2: error: ikev2 profile 'p': 'authentication remote eap' needs 'authentication local rsa-sig' or 'ecdsa-sig'; an EAP client authenticates the server by its certificate",
        ]),
        (bareProfile + " authentication local pre-share key k1\n authentication remote pre-share key k2\n reconnect", [
            "t.cfg:5:2: warning: 'reconnect' (AnyConnect auto-reconnect) is not implemented: a client that comes back starts a new session; ignored",
            "t.cfg:5:2: error: ikev2 profile 'p': 'reconnect' cannot be used with pre-shared key authentication (seed: auto-reconnect needs certificate or EAP authentication)",
        ]),
        ("crypto ikev2 proposal old\n encryption aes-cbc-256 3des\n integrity md5\n group 14 5", [
            "t.cfg:2:25: error: 'encryption 3des' is not supported by IKEHub (RFC 8247 §2 forbids or deprecates it); use aes-cbc-128, aes-cbc-192, aes-cbc-256, aes-gcm-128 or aes-gcm-256",
            "t.cfg:3:12: error: 'integrity md5' is not supported by IKEHub (RFC 8247 §2 forbids or deprecates it); use sha1, sha256, sha384 or sha512",
            "t.cfg:4:11: error: 'group 5' is not supported by IKEHub (RFC 8247 §2 forbids or deprecates it); use 2, 14, 15, 16, 19, 20, 21 or 31",
        ]),
        ("access-list 250 permit any", [
            "t.cfg:1:13: error: invalid input '250'; expected one of <acl 1-99>, <acl 1300-1999>, <acl 100-199>, <acl 2000-2699>, <acl 1-199>, <acl 1300-2699>",
        ]),
        ("ip access-list standard s\n permit 10.0.0.0 0.0.0.255 extra", [
            "t.cfg:2:28: error: invalid input 'extra'; expected 'log' or the end of the command",
        ]),
        ("radius server r\n key 7 0822455D0A1", [
            "t.cfg:2:8: error: the type 7 key is not a type 7 encoding (two decimal digits, then pairs of hex digits)",
        ]),
        (bareProfile + " authentication local pre-share key 6 AbCdEf\n authentication remote rsa-sig\ncrypto pki trustpoint t", [
            "t.cfg:3:2: error: ikev2 profile 'p': 'authentication local pre-share' has no key and the profile has no 'keyring'",
            "t.cfg:3:39: error: type 6 (AES-encrypted) keys need the router's master key and cannot be read; write the key in clear text (type 0)",
        ]),
        ("no", [
            "t.cfg:1:3: error: incomplete command; expected a command after 'no'",
        ]),
        ("ipv6 local pool p 2001:db8::/48 32", [
            "t.cfg:1:33: error: assigned prefix length /32 is shorter than the pool's /48",
        ]),
        ("crypto pki certificate map m 0", [
            "t.cfg:1:30: error: '0' is out of range 1-65535; expected <sequence 1-65535>",
        ]),
        ("crypto ikev2 authorization policy p\n route set access-list ext\nip access-list extended ext\n permit ip any any", [
            "t.cfg:2:24: error: access list 'ext' is extended; 'route set access-list' takes a standard access list",
        ]),
        ("crypto ipsec profile ip\n set transform-set nope", [
            "t.cfg:2:20: error: transform set 'nope' is not defined; defined: 'default'",
        ]),
        ("interface Virtual-Template1 type tunnel\n tunnel protection ipsec profile nope", [
            "t.cfg:2:34: error: ipsec profile 'nope' is not defined; defined: 'default'",
        ]),
        // Every error of a file is reported, and a broken block does not cascade.
        ("crypto ikev2 proflie p\n match identity remote any\n authentication local rsa-sig\nip local pool p 1.2.3\n!\nfoo bar", [
            "t.cfg:1:14: error: invalid input 'proflie'; expected one of 'authorization', 'client', 'cookie-challenge', 'dpd', 'fragmentation', 'http-url', 'keyring', 'limit', 'name-mangler', 'nat', 'policy', 'profile', 'proposal', 'redirect'",
            "t.cfg:4:17: error: '1.2.3' is not an IPv4 address; expected <start: IPv4 address>",
            "t.cfg:6:1: error: unknown command 'foo' in global configuration mode; expected one of 'aaa', 'access-list', 'class-map', 'crypto', 'hostname', 'ikehub', 'interface', 'ip', 'ipv6', 'policy-map', 'radius', 'radius-server', 'username', 'vrf'",
        ]),
        ("crypto ikev2 keyring k\n peer p\n  bogus 1", [
            "t.cfg:3:3: error: unknown command 'bogus' in ikev2 keyring peer mode; expected one of 'address', 'description', 'hostname', 'identity', 'pre-shared-key', 'exit'",
        ]),
    ]

    @Test(arguments: MalformedInputTests.cases)
    func testMalformedInputGivesExactDiagnostics_whenLoaded(_ text: String, _ expected: [String]) {
        let result = load(text)
        #expect(result.diagnostics.map(\.description) == expected)
        #expect(result.hasErrors)
    }

    @Test func testThereAreAtLeastThirtyMalformedCases_whenCounted() {
        #expect(MalformedInputTests.cases.count >= 30)
    }
}
