@testable import AuthPluginAPI
import FlexConfig
import HubVocabulary
import Testing

/// Every `dn`, `eap`, `email` and `fqdn` rule of the seed's name mangler, as a table.
@Suite struct NameManglingTests {
    /// DER of `C=US, ST=CA, L=San Jose, O=corp, OU=eng, CN=alice, DC=example, DC=com`.
    static let dn: [UInt8] = {
        func tlv(_ tag: UInt8, _ value: [UInt8]) -> [UInt8] {
            value.count < 128 ? [tag, UInt8(value.count)] + value : [tag, 0x81, UInt8(value.count)] + value
        }
        func rdn(_ oid: [UInt8], _ text: String) -> [UInt8] {
            tlv(0x31, tlv(0x30, tlv(0x06, oid) + tlv(0x0c, Array(text.utf8))))
        }
        let dc: [UInt8] = [0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x19]
        return tlv(0x30, rdn([0x55, 4, 6], "US") + rdn([0x55, 4, 8], "CA") + rdn([0x55, 4, 7], "San Jose")
                   + rdn([0x55, 4, 10], "corp") + rdn([0x55, 4, 11], "eng") + rdn([0x55, 4, 3], "alice")
                   + rdn(dc, "example") + rdn(dc, "com"))
    }()

    /// A mangler from its configuration line (the model has no public initialiser).
    static func mangler(_ rule: String) -> NameMangler {
        let loaded = FlexConfig.load(text: "crypto ikev2 name-mangler m\n \(rule)\n", file: "m.conf")
        precondition(!loaded.hasErrors, "\(loaded.errors)")
        return loaded.configuration.ikev2.nameManglers[0]
    }

    struct Case: CustomStringConvertible, Sendable {
        let rule: String
        let identity: PeerIdentity
        let eap: String?
        let mangler: NameMangler
        let expected: String
        var description: String { rule }
    }

    static let cases: [Case] = [
        Case(rule: "dn common-name", identity: PeerIdentity(kind: .derASN1DN, data: dn), eap: nil, mangler: mangler("dn common-name"), expected: "alice"),
        Case(rule: "dn country", identity: PeerIdentity(kind: .derASN1DN, data: dn), eap: nil, mangler: mangler("dn country"), expected: "US"),
        Case(rule: "dn domain", identity: PeerIdentity(kind: .derASN1DN, data: dn), eap: nil, mangler: mangler("dn domain"), expected: "example.com"),
        Case(rule: "dn locality", identity: PeerIdentity(kind: .derASN1DN, data: dn), eap: nil, mangler: mangler("dn locality"), expected: "San Jose"),
        Case(rule: "dn organization", identity: PeerIdentity(kind: .derASN1DN, data: dn), eap: nil, mangler: mangler("dn organization"), expected: "corp"),
        Case(rule: "dn organization-unit", identity: PeerIdentity(kind: .derASN1DN, data: dn), eap: nil, mangler: mangler("dn organization-unit"), expected: "eng"),
        Case(rule: "dn state", identity: PeerIdentity(kind: .derASN1DN, data: dn), eap: nil, mangler: mangler("dn state"), expected: "CA"),
        Case(rule: "eap all", identity: .keyID("x"), eap: "bob@example.com", mangler: mangler("eap all"), expected: "bob@example.com"),
        Case(rule: "eap prefix delimiter @", identity: .keyID("x"), eap: "bob@example.com", mangler: mangler("eap prefix delimiter @"), expected: "bob"),
        Case(rule: "eap suffix delimiter @", identity: .keyID("x"), eap: "bob@example.com", mangler: mangler("eap suffix delimiter @"), expected: "example.com"),
        Case(rule: "eap prefix delimiter .", identity: .keyID("x"), eap: "bob.smith", mangler: mangler("eap prefix delimiter ."), expected: "bob"),
        Case(rule: "eap suffix delimiter \\", identity: .keyID("x"), eap: "CORP\\bob", mangler: mangler("eap suffix delimiter \\"), expected: "bob"),
        Case(rule: "eap prefix delimiter \\", identity: .keyID("x"), eap: "CORP\\bob", mangler: mangler("eap prefix delimiter \\"), expected: "CORP"),
        Case(rule: "eap prefix, no delimiter", identity: .keyID("x"), eap: "bob", mangler: mangler("eap prefix delimiter @"), expected: "bob"),
        Case(rule: "eap dn common-name", identity: .keyID("x"), eap: "CN=carol, O=corp", mangler: mangler("eap dn common-name"), expected: "carol"),
        Case(rule: "eap dn organization (slash form)", identity: .keyID("x"), eap: "/CN=carol/O=corp", mangler: mangler("eap dn organization"), expected: "corp"),
        Case(rule: "email all", identity: .email("bob@example.com"), eap: nil, mangler: mangler("email all"), expected: "bob@example.com"),
        Case(rule: "email username", identity: .email("bob@example.com"), eap: nil, mangler: mangler("email username"), expected: "bob"),
        Case(rule: "email domain", identity: .email("bob@example.com"), eap: nil, mangler: mangler("email domain"), expected: "example.com"),
        Case(rule: "fqdn all", identity: .fqdn("host1.example.com"), eap: nil, mangler: mangler("fqdn all"), expected: "host1.example.com"),
        Case(rule: "fqdn hostname", identity: .fqdn("host1.example.com"), eap: nil, mangler: mangler("fqdn hostname"), expected: "host1"),
        Case(rule: "fqdn domain", identity: .fqdn("host1.example.com"), eap: nil, mangler: mangler("fqdn domain"), expected: "example.com"),
    ]

    @Test(arguments: cases)
    func testMangledName(_ example: Case) throws {
        #expect(try NameMangling.name(for: example.identity, eapIdentity: example.eap, mangler: example.mangler) == example.expected)
    }

    @Test func testNoRuleForTheIdentityType_isAnErrorNamingTheMangler() {
        #expect(throws: NameMangling.Failure(description: "name-mangler m has no `fqdn` rule for an FQDN identity")) {
            _ = try NameMangling.name(for: .fqdn("a.b"), mangler: Self.mangler("email username"))
        }
        #expect(throws: NameMangling.Failure(description: "name-mangler m: the peer's DN has no common-name")) {
            var noCN = Self.dn
            noCN = [0x30, 0x0b, 0x31, 0x09, 0x30, 0x07, 0x06, 0x03, 0x55, 4, 6, 0x0c, 0x00]
            _ = try NameMangling.name(for: PeerIdentity(kind: .derASN1DN, data: noCN), mangler: Self.mangler("dn common-name"))
        }
        #expect(throws: NameMangling.Failure.self) {
            _ = try NameMangling.name(for: PeerIdentity(kind: .derASN1DN, data: [0x30, 0x05, 0x31]), mangler: Self.mangler("dn common-name"))
        }
        #expect(throws: NameMangling.Failure(description: "name-mangler m: `fqdn domain` of an identity without '.'")) {
            _ = try NameMangling.name(for: .fqdn("localhost"), mangler: Self.mangler("fqdn domain"))
        }
    }

    @Test func testManglerFromConfiguration_isParsedAndApplied() throws {
        let loaded = FlexConfig.load(text: "crypto ikev2 name-mangler m1\n eap suffix delimiter @\n", file: "m.conf")
        try #require(!loaded.hasErrors, "\(loaded.errors)")
        let mangler = try #require(loaded.configuration.ikev2.nameManglers.first)
        #expect(try NameMangling.name(for: .keyID("ignored"), eapIdentity: "dave@corp.example", mangler: mangler) == "corp.example")
    }
}
