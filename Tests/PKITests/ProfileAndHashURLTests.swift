import FlexConfig
import Foundation
import HubVocabulary
import IKECrypto
import PKI
import Testing

@Suite("Profile trustpoints and hash-and-URL certificates")
struct ProfileAndHashURLTests {
    @Test func testProfileVerifiesWithItsTrustpoints_orAllWhenItNamesNone() throws {
        let leaf = try fixture.issue("profile", issuer: fixture.rootB)
        let text = """
        crypto pki trustpoint TP-A
         ca-certificate-file \(fixture.rootA.certificatePath)
         revocation-check none
        !
        crypto pki trustpoint TP-B
         ca-certificate-file \(fixture.rootB.certificatePath)
         revocation-check none
        !
        crypto pki certificate map cm 1
         issuer-name co root
        !
        crypto ikev2 profile only-a
         match certificate cm
         authentication local rsa-sig
         authentication remote rsa-sig
         pki trustpoint TP-A
        !
        crypto ikev2 profile any
         match certificate cm
         authentication local rsa-sig
         authentication remote rsa-sig
        !
        """
        let configuration = FlexConfig.load(text: text, file: "profiles.cfg").configuration
        let set = try VerificationTrustpointSet(configuration: configuration)
        let onlyA = try #require(configuration.ikev2.profiles.first { $0.name == "only-a" })
        let any = try #require(configuration.ikev2.profiles.first { $0.name == "any" })
        #expect(try set.trustpoints(for: onlyA).map(\.name) == ["TP-A"])
        #expect(try set.trustpoints(for: any).map(\.name) == ["TP-A", "TP-B"])
        let rejection = rejectionRule {
            _ = try set.verifier(for: onlyA, revocationSource: RevocationListStore())
                .verify(certificates: [leaf.der], identity: clientFQDN, signature: nil, clock: now)
        }
        #expect(rejection?.rule == .untrustedIssuer)
        let accepted = try set.verifier(for: any, revocationSource: RevocationListStore())
            .verify(certificates: [leaf.der], identity: clientFQDN, signature: nil, clock: now)
        #expect(accepted.trustpoint == "TP-B")
        let rootA = try Certificate(der: fixture.rootA.der)
        #expect(try set.certificateRequestHashes(for: onlyA) == [try rootA.subjectPublicKeyInfoSHA1()])
    }

    @Test func testHashAndURL_fetchesAndChecksTheHash() throws {
        let server = try CRLHTTPServer()
        defer { server.stop() }
        let leaf = try fixture.issue("hash-url")
        FileManagerShim.write(leaf.der, to: server.directory.appendingPathComponent("client.der").path)
        try server.start()
        let url = Array("\(server.baseURL)/client.der".utf8)
        let hash = try MessageDigest.sha1.hash(leaf.der)
        #expect(try HashAndURLCertificate.fetch(hash + url) == leaf.der)
        var wrong = hash
        wrong[0] ^= 1
        #expect(throws: PKIError.self) { try HashAndURLCertificate.fetch(wrong + url) }
        #expect(throws: PKIError.self) { try HashAndURLCertificate.decode(Array(hash.prefix(19))) }
    }
}
