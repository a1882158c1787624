import FlexConfig
import HubVocabulary
import PKI
import Testing

@Suite("Certificate maps, name mangler dn, configuration")
struct CertificateMapTests {
    static let certificate: Certificate = {
        let issued = try! fixture.issue("mapped", subject: "/C=CH/ST=Zurich/L=Winterthur/O=Cisco Systems/OU=Engineering/CN=alice",
                                        days: 400, serial: "0x00C0FFEE", extensions: [
                                            "basicConstraints=CA:FALSE",
                                            "subjectAltName=DNS:alice.vpn.example.com,email:alice@example.com,IP:192.0.2.7",
                                        ])
        return try! Certificate(der: issued.der)
    }()

    static func holds(_ field: CertificateMap.Rule.Field, _ op: CertificateMap.Rule.Operator, _ value: String) throws(PKIError) -> Bool {
        let map = CertificateMap(name: "m", sequence: 10, rules: [.init(field: field, operator: op, value: value)])
        do throws(PKIError) {
            try CertificateMapEvaluator(maps: [map]).matchingSequence(of: "m", for: certificate)
            return true
        } catch {
            guard let rejection = error.rejection else { throw error }
            #expect(rejection.rule == .mapMismatch)
            #expect(rejection.subject == certificate.subject.rfc4514)
            return false
        }
    }

    /// Dates relative to the certificate's notAfter (about 400 days from now).
    static var expiryDay: String {
        WallTimeText.format(certificate.notAfter).prefix(10).description
    }
    static var dayAfterExpiry: String {
        WallTimeText.format(certificate.notAfter.adding(seconds: 86400)).prefix(10).description
    }

    @Test func testNameFieldOperators() throws {
        #expect(try Self.holds(.subjectName, .co, "cisco"))
        #expect(try Self.holds(.subjectName, .co, "OU=ENGINEERING"))
        #expect(try !Self.holds(.subjectName, .co, "juniper"))
        #expect(try Self.holds(.subjectName, .nc, "juniper"))
        #expect(try !Self.holds(.subjectName, .nc, "cisco"))
        #expect(try Self.holds(.subjectName, .eq, "cn=alice, ou=engineering, o=cisco systems, l=winterthur, st=zurich, c=ch"))
        #expect(try !Self.holds(.subjectName, .eq, "cn=alice"))
        #expect(try Self.holds(.subjectName, .ne, "cn=alice"))
        #expect(try !Self.holds(.subjectName, .ne, "CN=alice,OU=Engineering,O=Cisco Systems,L=Winterthur,ST=Zurich,C=CH"))
        #expect(try Self.holds(.issuerName, .eq, "cn=root a,o=ikehub test,c=ch"))
        #expect(try Self.holds(.issuerName, .co, "root a"))
        #expect(try Self.holds(.issuerName, .nc, "root b"))
        #expect(try !Self.holds(.issuerName, .ne, "cn=root a,o=ikehub test,c=ch"))
    }

    @Test func testAltSubjectNameOperators_lookAtEverySAN() throws {
        #expect(try Self.holds(.altSubjectName, .eq, "alice@example.com"))
        #expect(try Self.holds(.altSubjectName, .eq, "192.0.2.7"))
        #expect(try !Self.holds(.altSubjectName, .eq, "example.com"))
        #expect(try Self.holds(.altSubjectName, .co, "vpn.example"))
        #expect(try Self.holds(.altSubjectName, .ne, "bob@example.com"))
        #expect(try !Self.holds(.altSubjectName, .ne, "alice.vpn.example.com"))
        #expect(try Self.holds(.altSubjectName, .nc, "juniper"))
        #expect(try !Self.holds(.altSubjectName, .nc, "alice"))
    }

    @Test func testSerialNumberOperators() throws {
        #expect(Self.certificate.serialNumber == "C0FFEE")
        #expect(try Self.holds(.serialNumber, .eq, "c0ffee"))
        #expect(try Self.holds(.serialNumber, .eq, "00:C0:FF:EE"))
        #expect(try !Self.holds(.serialNumber, .eq, "c0ffef"))
        #expect(try Self.holds(.serialNumber, .ne, "1234"))
        #expect(try Self.holds(.serialNumber, .co, "ffe"))
        #expect(try Self.holds(.serialNumber, .nc, "abc"))
        #expect(try !Self.holds(.serialNumber, .nc, "c0"))
    }

    @Test func testExpiresOnOperators_compareDates() throws {
        let notAfter = Self.certificate.notAfter
        let exact = WallTimeText.format(notAfter)  // 2027-…T…Z
        #expect(try Self.holds(.expiresOn, .eq, exact))
        #expect(try Self.holds(.expiresOn, .eq, Self.expiryDay))
        #expect(try Self.holds(.expiresOn, .ne, Self.dayAfterExpiry))
        #expect(try Self.holds(.expiresOn, .lt, Self.dayAfterExpiry))
        #expect(try !Self.holds(.expiresOn, .lt, Self.expiryDay))
        #expect(try Self.holds(.expiresOn, .le, Self.expiryDay))
        #expect(try Self.holds(.expiresOn, .gt, "01 01 2020 00:00:00"))
        #expect(try Self.holds(.expiresOn, .gt, "jan 01 2021"))
        #expect(try !Self.holds(.expiresOn, .gt, Self.dayAfterExpiry))
        #expect(try Self.holds(.expiresOn, .ge, Self.expiryDay))
        #expect(throws: PKIError.self) { try Self.holds(.expiresOn, .lt, "someday") }
    }

    @Test func testSequences_oneMustHoldEntirely_andMismatchNamesTheRule() throws {
        let maps = [
            CertificateMap(name: "certmap1", sequence: 20, rules: [.init(field: .subjectName, operator: .co, value: "cisco")]),
            CertificateMap(name: "certmap1", sequence: 10, rules: [
                .init(field: .subjectName, operator: .co, value: "cisco"), .init(field: .issuerName, operator: .co, value: "root b"),
            ]),
            CertificateMap(name: "other", sequence: 1, rules: [.init(field: .subjectName, operator: .co, value: "juniper")]),
        ]
        let evaluator = CertificateMapEvaluator(maps: maps)
        #expect(try evaluator.matchingSequence(of: "certmap1", for: Self.certificate) == 20)
        let rejection = rejectionRule { _ = try evaluator.matchingSequence(of: "other", for: Self.certificate) }
        #expect(rejection?.rule == .mapMismatch)
        #expect(rejection?.reason.contains("subject-name co juniper") == true)
        #expect(try evaluator.firstMatch(among: ["other", "certmap1"], for: Self.certificate) == ("certmap1", 20))
        #expect(throws: PKIError.self) { try evaluator.matchingSequence(of: "undefined", for: Self.certificate) }
        #expect(evaluator.matchingMaps(for: Self.certificate) == ["certmap1"])
        #expect(evaluator.matchingMaps(endEntity: Self.certificate.der) == ["certmap1"])
        #expect(evaluator.matchingMaps(endEntity: [0x30, 0x00]).isEmpty)
    }

    @Test(arguments: [
        (NameMangler.DNField.commonName, "alice"), (.country, "CH"), (.locality, "Winterthur"), (.organization, "Cisco Systems"),
        (.organizationUnit, "Engineering"), (.state, "Zurich"),
    ])
    func testNameManglerDN_takesTheField(_ field: NameMangler.DNField, _ expected: String) throws {
        #expect(try DistinguishedNameMangler.name(from: Self.certificate.subject, field: field) == expected)
    }

    @Test func testNameManglerDNDomain_joinsDomainComponents_orUsesEmailDomain() throws {
        let dc = try Certificate(der: try fixture.issue("dc", subject: "/DC=com/DC=example/DC=eng/CN=bob").der)
        #expect(try DistinguishedNameMangler.name(from: dc.subject, field: .domain) == "eng.example.com")
        let email = try Certificate(der: try fixture.issue("email", subject: "/O=X/CN=carol/emailAddress=carol@corp.example").der)
        #expect(try DistinguishedNameMangler.name(from: email.subject, field: .domain) == "corp.example")
        #expect(throws: PKIError.self) { try DistinguishedNameMangler.name(from: Self.certificate.subject, field: .domain) }
        #expect(throws: PKIError.self) { try DistinguishedNameMangler.name(from: dc.subject, field: .organization) }
    }

    @Test func testConfiguration_parsesNewMapFieldsAndCRLFile() throws {
        let text = """
        crypto pki trustpoint tp1
         revocation-check crl none
         ca-certificate-file /etc/ikehub/ca.pem
         crl-file /etc/ikehub/ca.crl
        !
        crypto pki certificate map certmap1 1
         subject-name co cisco
         serial-number eq 00C0FFEE
         expires-on lt 01 01 2040 00:00:00
        !
        """
        let result = FlexConfig.load(text: text, file: "pki.cfg")
        #expect(result.errors.isEmpty, "\(result.errors)")
        #expect(result.configuration.pki.trustpoints.first?.crlFile == "/etc/ikehub/ca.crl")
        #expect(result.configuration.pki.trustpoints.first?.revocationCheck == [.crl, .none])
        let rules = result.configuration.pki.certificateMaps.first?.rules ?? []
        #expect(rules.map(\.field) == [.subjectName, .serialNumber, .expiresOn])
        #expect(try CertificateMapEvaluator(maps: result.configuration.pki.certificateMaps)
            .matchingSequence(of: "certmap1", for: Self.certificate) == 1)
        // Printed and re-read, unchanged.
        #expect(FlexConfig.load(text: FlexConfig.show(result.configuration), file: "shown").configuration == result.configuration)

        let wrong = FlexConfig.load(text: "crypto pki certificate map m 1\n expires-on co 2030\n subject-name lt x\n", file: "bad.cfg")
        #expect(wrong.errors.count == 2)
    }
}
