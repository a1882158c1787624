import FlexConfig
import HubVocabulary
import IKECrypto
import PKI
import Testing

@Suite("Certificate decoding")
struct CertificateTests {
    @Test func testFieldsAreDecoded_whenCertificateHasEveryExtension() throws {
        let issued = try fixture.issue("fields", key: .p256, serial: "0x0A1B2C", extensions: [
            "basicConstraints=critical,CA:FALSE",
            "keyUsage=critical,digitalSignature,keyEncipherment",
            "extendedKeyUsage=serverAuth,1.3.6.1.5.5.7.3.17",
            "subjectAltName=DNS:vpn.example.com,email:ops@example.com,IP:192.0.2.1,URI:http://example.com/x",
            "crlDistributionPoints=URI:http://127.0.0.1:8080/root.crl",
        ])
        let certificate = try #require(try Certificate.certificates(pemFile: issued.certificatePath).first)
        #expect(certificate.subject.rfc4514 == "CN=client1.example.com,OU=Clients,O=IKEHub Test,C=CH")
        #expect(certificate.issuer.rfc4514 == "CN=Root A,O=IKEHub Test,C=CH")
        #expect(certificate.serialNumber == "0A1B2C")
        #expect(certificate.subjectAlternativeNames == [
            .dns("vpn.example.com"), .email("ops@example.com"), .ipAddress([192, 0, 2, 1]), .uri("http://example.com/x"),
        ])
        #expect(certificate.keyUsage == [.digitalSignature, .keyEncipherment])
        #expect(certificate.extendedKeyUsage == [ExtendedKeyUsage.serverAuth, ExtendedKeyUsage.ipsecIKE])
        #expect(certificate.crlDistributionPoints == ["http://127.0.0.1:8080/root.crl"])
        #expect(!certificate.isCertificateAuthority)
        #expect(certificate.notAfter.secondsSinceEpoch - certificate.notBefore.secondsSinceEpoch == 365 * 86400)
        #expect(try certificate.publicKey().kind == .ecdsa(.p256))
        // The DER of the subject decodes back to the same name (ID_DER_ASN1_DN data).
        let reparsed = try DistinguishedName(der: certificate.subject.der)
        #expect(reparsed == certificate.subject)
        #expect(throws: PKIError.self) { try DistinguishedName(der: certificate.subject.der + [0x00]) }
        #expect(certificate.subject.values(of: "cn") == ["client1.example.com"])
        // PEM and DER give the same certificate.
        #expect(try Certificate(der: issued.der) == certificate)
    }

    @Test(arguments: TestPKI.KeyType.allCases)
    func testPublicKeyKind_matchesGeneratedKey(_ type: TestPKI.KeyType) throws {
        let issued = try fixture.issue("kind", key: type)
        let kind = try Certificate(der: issued.der).publicKey().kind
        switch type {
        case .rsa2048: #expect(kind == .rsa(bits: 2048))
        case .rsa3072: #expect(kind == .rsa(bits: 3072))
        case .p256: #expect(kind == .ecdsa(.p256))
        case .p384: #expect(kind == .ecdsa(.p384))
        }
    }

    @Test func testAbsentExtensionsAreNil_whenCertificateHasNone() throws {
        let issued = try fixture.issue("bare", extensions: ["basicConstraints=CA:FALSE"])
        let certificate = try Certificate(der: issued.der)
        #expect(certificate.keyUsage == nil)
        #expect(certificate.extendedKeyUsage == nil)
        #expect(certificate.subjectAlternativeNames.isEmpty)
        #expect(certificate.crlDistributionPoints.isEmpty)
    }

    @Test func testSpecialCharactersAreEscaped_inRFC4514Text() throws {
        let issued = try fixture.issue("escape", subject: "/O=Smith, Jones\\+Co/CN=#hash user")
        let certificate = try Certificate(der: issued.der)
        #expect(certificate.subject.rfc4514 == "CN=\\#hash user,O=Smith\\, Jones\\+Co")
    }

    @Test func testGarbageIsRejected_withDecodingError() {
        #expect(throws: PKIError.self) { try Certificate(der: [0x30, 0x03, 0x02, 0x01, 0x01]) }
        #expect(throws: PKIError.self) { try Certificate.certificates(pem: Array("no pem here".utf8)) }
        let der = (try? fixture.issue("trailing").der) ?? []
        // Octets after the certificate are refused, every truncation too.
        #expect(throws: PKIError.self) { try Certificate(der: der + [0]) }
        for length in stride(from: 0, to: der.count, by: max(1, der.count / 40)) {
            #expect(throws: PKIError.self) { try Certificate(der: Array(der.prefix(length))) }
        }
    }

    @Test func testCertificateRequestHash_isSHA1OfSubjectPublicKeyInfo() throws {
        let root = try #require(try Certificate.certificates(pemFile: fixture.rootA.certificatePath).first)
        let hash = try root.subjectPublicKeyInfoSHA1()
        let (data, _) = try TestPKI.run("/usr/bin/openssl", ["x509", "-in", fixture.rootA.certificatePath, "-noout", "-pubkey"])
        let (der, _) = try TestPKI.run("/usr/bin/openssl", ["pkey", "-pubin", "-outform", "DER"], input: data)
        #expect(hash == (try MessageDigest.sha1.hash(Array(der))))
        #expect(hash.count == 20)
    }
}
