import FlexConfig
import Foundation
import HubVocabulary
import PKI
import Testing

@Suite("Revocation: CRL file, CRL over http, revocation-check semantics")
struct RevocationTests {
    @Test func testRevoked_whenCRLFileListsTheSerial() throws {
        let revoked = try fixture.issue("revoked-file")
        let good = try fixture.issue("good-file")
        let crl = try fixture.signCRL(issuer: fixture.rootA, revoking: [revoked])
        let tp = try trustpoint("tpCRL", ca: [fixture.rootA], revocation: [.crl], crlFile: crl)
        let rejection = rejectionRule {
            _ = try verifier([tp]).verify(certificates: [revoked.der], identity: clientFQDN, signature: nil, clock: now)
        }
        #expect(rejection?.rule == .revoked)
        #expect(rejection?.subject == "CN=client1.example.com,OU=Clients,O=IKEHub Test,C=CH")
        let accepted = try verifier([tp]).verify(certificates: [good.der], identity: clientFQDN, signature: nil, clock: now)
        #expect(accepted.revocation == .checked)
    }

    @Test func testRevokedIntermediate_isFound() throws {
        let leaf = try fixture.issue("under-revoked-int", issuer: fixture.intermediateA)
        let intermediate = try Certificate(der: fixture.intermediateA.der)
        let rootCRL = try CertificateRevocationList(file: try fixture.signCRL(issuer: fixture.rootA, revoking: [fixture.intermediateA]))
        let intermediateCRL = try CertificateRevocationList(file: try fixture.signCRL(issuer: fixture.intermediateA, revoking: []))
        let store = RevocationListStore(files: [rootCRL, intermediateCRL])
        let rejection = rejectionRule {
            _ = try verifier([try trustpoint("tpA", ca: [fixture.rootA], revocation: [.crl])], source: store)
                .verify(certificates: [leaf.der, intermediate.der], identity: clientFQDN, signature: nil, clock: now)
        }
        #expect(rejection?.rule == .revoked)
        #expect(rejection?.subject == "CN=Intermediate A1,OU=Sub,O=IKEHub Test,C=CH")
    }

    @Test func testCRLRequired_rejectsWithCRLUnavailable_whenThereIsNone() throws {
        let leaf = try fixture.issue("no-crl")
        let rejection = rejectionRule {
            _ = try verifier([try trustpoint("tpA", ca: [fixture.rootA], revocation: [.crl])])
                .verify(certificates: [leaf.der], identity: clientFQDN, signature: nil, clock: now)
        }
        #expect(rejection?.rule == .crlUnavailable)
        // The IOS default (no revocation-check line) is `crl`.
        #expect(RevocationPolicy([]).methods == [.crl])
    }

    @Test func testCRLNone_acceptsWhenCRLCannotBeFetched() throws {
        // Nothing listens on the distribution point's port.
        let leaf = try fixture.issue("crl-none", extensions: TestPKI.clientExtensions + ["crlDistributionPoints=URI:http://127.0.0.1:9/none.crl"])
        let result = try verifier([trustpoint("tpA", ca: [fixture.rootA], revocation: [.crl, .none])])
            .verify(certificates: [leaf.der], identity: clientFQDN, signature: nil, clock: now)
        guard case .uncheckedAccepted(let reason) = result.revocation else {
            Issue.record("expected uncheckedAccepted, got \(result.revocation)")
            return
        }
        #expect(reason.contains("127.0.0.1:9"))
    }

    @Test func testCRLNone_stillRejectsARevokedCertificate() throws {
        let revoked = try fixture.issue("crl-none-revoked")
        let crl = try fixture.signCRL(issuer: fixture.rootA, revoking: [revoked])
        let rejection = rejectionRule {
            _ = try verifier([try trustpoint("tpA", ca: [fixture.rootA], revocation: [.crl, .none], crlFile: crl)])
                .verify(certificates: [revoked.der], identity: clientFQDN, signature: nil, clock: now)
        }
        #expect(rejection?.rule == .revoked)
    }

    @Test func testCRLOfAnotherCA_orPastNextUpdate_doesNotCount() throws {
        let leaf = try fixture.issue("wrong-crl")
        // A CRL signed by root B but claiming nothing about root A's certificates.
        let foreign = try CertificateRevocationList(file: try fixture.signCRL(issuer: fixture.rootB, revoking: []))
        let rejection = rejectionRule {
            _ = try verifier([try trustpoint("tpA", ca: [fixture.rootA], revocation: [.crl])], source: RevocationListStore(files: [foreign]))
                .verify(certificates: [leaf.der], identity: clientFQDN, signature: nil, clock: now)
        }
        #expect(rejection?.rule == .crlUnavailable)
        // Root A's own CRL, 1 day long, checked 2 days later: stale.
        let stale = try CertificateRevocationList(file: try fixture.signCRL(issuer: fixture.rootA, revoking: [], days: 1))
        let later = FixedWallClock(fixture.madeAt.adding(seconds: 2 * 86400))
        let staleRejection = rejectionRule {
            _ = try verifier([try trustpoint("tpA", ca: [fixture.rootA], revocation: [.crl])], source: RevocationListStore(files: [stale]))
                .verify(certificates: [leaf.der], identity: clientFQDN, signature: nil, clock: later)
        }
        #expect(staleRejection?.rule == .crlUnavailable)
        #expect(staleRejection?.reason.contains("not current") == true)
    }

    @Test func testCRLOverHTTP_revokes_isCached_andIsRefreshedAtNextUpdate() throws {
        let server = try CRLHTTPServer()
        defer { server.stop() }
        let dp = ["crlDistributionPoints=URI:\(server.baseURL)/rootA.crl"]
        let revoked = try fixture.issue("http-revoked", extensions: TestPKI.clientExtensions + dp)
        let good = try fixture.issue("http-good", extensions: TestPKI.clientExtensions + dp)
        _ = try fixture.signCRL(issuer: fixture.rootA, revoking: [revoked], days: 2,
                                file: server.directory.appendingPathComponent("rootA.crl").path)
        try server.start()
        let store = RevocationListStore()
        let check = try verifier([trustpoint("tpHTTP", ca: [fixture.rootA], revocation: [.crl])], source: store)
        let rejection = rejectionRule {
            _ = try check.verify(certificates: [revoked.der], identity: clientFQDN, signature: nil, clock: now)
        }
        #expect(rejection?.rule == .revoked)
        #expect(store.fetchCount == 1)
        #expect(try check.verify(certificates: [good.der], identity: clientFQDN, signature: nil, clock: now).revocation == .checked)
        #expect(store.fetchCount == 1, "the second lookup is answered from the cache")

        // With the server gone the cached CRL still serves until its nextUpdate …
        server.stop()
        let inADay = FixedWallClock(fixture.madeAt.adding(seconds: 86400))
        #expect(try check.verify(certificates: [good.der], identity: clientFQDN, signature: nil, clock: inADay).revocation == .checked)
        #expect(store.fetchCount == 1)
        // … after it the CRL is fetched again, and `crl` alone refuses when that fails.
        let inThreeDays = FixedWallClock(fixture.madeAt.adding(seconds: 3 * 86400))
        let unavailable = rejectionRule {
            _ = try check.verify(certificates: [good.der], identity: clientFQDN, signature: nil, clock: inThreeDays)
        }
        #expect(unavailable?.rule == .crlUnavailable)
        #expect(store.fetchCount == 2)
    }

    @Test func testConcurrentLookups_fetchTheCRLOnce() throws {
        let server = try CRLHTTPServer()
        defer { server.stop() }
        let leaf = try fixture.issue("http-concurrent", extensions: TestPKI.clientExtensions + ["crlDistributionPoints=URI:\(server.baseURL)/a.crl"])
        _ = try fixture.signCRL(issuer: fixture.rootA, revoking: [], file: server.directory.appendingPathComponent("a.crl").path)
        try server.start()
        let store = RevocationListStore()
        let check = try verifier([trustpoint("tpConc", ca: [fixture.rootA], revocation: [.crl])], source: store)
        let failures = ThreadSafeBox<Int>()
        failures.value = 0
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            do {
                _ = try check.verify(certificates: [leaf.der], identity: clientFQDN, signature: nil, clock: now)
            } catch {
                failures.value = (failures.value ?? 0) + 1
            }
        }
        #expect(failures.value == 0)
        #expect(store.fetchCount == 1)
    }

    @Test func testHTTPClient_fetchesBody_andReportsStatus() throws {
        let server = try CRLHTTPServer()
        defer { server.stop() }
        let payload = Array((0..<70000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        FileManagerShim.write(payload, to: server.directory.appendingPathComponent("blob.bin").path)
        try server.start()
        #expect(try HTTPClient().get("\(server.baseURL)/blob.bin") == payload)
        #expect {
            try HTTPClient().get("\(server.baseURL)/missing.crl")
        } throws: { error in
            guard case .http(_, let reason) = error as? PKIError else { return false }
            return reason == "HTTP status 404"
        }
        #expect(throws: PKIError.self) { try HTTPClient().get("https://127.0.0.1/x.crl") }
        // A URL from a certificate cannot smuggle header lines.
        #expect(throws: PKIError.self) { try HTTPClient().get("\(server.baseURL)/x.crl\r\nX-Injected: 1") }
    }
}
