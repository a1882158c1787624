import FlexConfig
import HubVocabulary
import IKECrypto
import PKI
import Testing

@Suite("Chain, validity, key usage and identity rules")
struct ChainVerificationTests {
    @Test func testChainWithIntermediate_verifies_whenPeerSendsTheIntermediate() throws {
        let leaf = try fixture.issue("via-int", issuer: fixture.intermediateA)
        let intermediate = try #require(try Certificate.certificates(pemFile: fixture.intermediateA.certificatePath).first)
        let result = try verifier([trustpoint("tpA", ca: [fixture.rootA])])
            .verify(certificates: [leaf.der, intermediate.der], identity: clientFQDN, signature: nil, clock: now)
        #expect(result.chain.count == 3)
        #expect(result.chain[1].subject.rfc4514 == "CN=Intermediate A1,OU=Sub,O=IKEHub Test,C=CH")
        #expect(result.chain[2].subject.rfc4514 == "CN=Root A,O=IKEHub Test,C=CH")
        #expect(result.trustpoint == "tpA")
        #expect(result.revocation == .notChecked)
    }

    @Test func testUntrustedIssuer_whenIntermediateIsMissing() throws {
        let leaf = try fixture.issue("no-int", issuer: fixture.intermediateA)
        let rejection = rejectionRule {
            _ = try verifier([try trustpoint("tpA", ca: [fixture.rootA])])
                .verify(certificates: [leaf.der], identity: clientFQDN, signature: nil, clock: now)
        }
        #expect(rejection?.rule == .untrustedIssuer)
        #expect(rejection?.subject == "CN=client1.example.com,OU=Clients,O=IKEHub Test,C=CH")
    }

    @Test func testTrustpointOfTheIntermediateAlone_anchorsThePath() throws {
        let leaf = try fixture.issue("int-anchor", issuer: fixture.intermediateA)
        let result = try verifier([trustpoint("tpSub", ca: [fixture.intermediateA])])
            .verify(certificates: [leaf.der], identity: clientFQDN, signature: nil, clock: now)
        #expect(result.chain.count == 2)
    }

    @Test func testWrongCA_isUntrustedIssuer_andSecondTrustpointIsTried() throws {
        let leaf = try fixture.issue("wrong-ca", issuer: fixture.rootB)
        let rejection = rejectionRule {
            _ = try verifier([try trustpoint("tpA", ca: [fixture.rootA])])
                .verify(certificates: [leaf.der], identity: clientFQDN, signature: nil, clock: now)
        }
        #expect(rejection?.rule == .untrustedIssuer)
        #expect(rejection?.reason.contains("trustpoint tpA") == true)
        let result = try verifier([trustpoint("tpA", ca: [fixture.rootA]), trustpoint("tpB", ca: [fixture.rootB])])
            .verify(certificates: [leaf.der], identity: clientFQDN, signature: nil, clock: now)
        #expect(result.trustpoint == "tpB")
    }

    @Test func testExpired_whenClockIsAfterNotAfter() throws {
        let leaf = try fixture.issue("expired", days: 30)
        let later = FixedWallClock(fixture.madeAt.adding(seconds: 31 * 86400))
        let rejection = rejectionRule {
            _ = try verifier([try trustpoint("tpA", ca: [fixture.rootA])])
                .verify(certificates: [leaf.der], identity: clientFQDN, signature: nil, clock: later)
        }
        #expect(rejection?.rule == .expired)
        #expect(rejection?.subject == "CN=client1.example.com,OU=Clients,O=IKEHub Test,C=CH")
        #expect(rejection?.description.contains("expired") == true)
    }

    @Test func testNotYetValid_whenClockIsBeforeNotBefore() throws {
        let leaf = try fixture.issue("future")
        let earlier = FixedWallClock(fixture.madeAt.adding(seconds: -2 * 86400))
        let rejection = rejectionRule {
            _ = try verifier([try trustpoint("tpA", ca: [fixture.rootA])])
                .verify(certificates: [leaf.der], identity: clientFQDN, signature: nil, clock: earlier)
        }
        #expect(rejection?.rule == .notYetValid)
    }

    @Test func testExpiredIsReported_overUntrustedFromAnotherTrustpoint() throws {
        let leaf = try fixture.issue("expired2", days: 10)
        let later = FixedWallClock(fixture.madeAt.adding(seconds: 20 * 86400))
        let rejection = rejectionRule {
            _ = try verifier([try trustpoint("tpB", ca: [fixture.rootB]), try trustpoint("tpA", ca: [fixture.rootA])])
                .verify(certificates: [leaf.der], identity: clientFQDN, signature: nil, clock: later)
        }
        #expect(rejection?.rule == .expired)
    }

    // MARK: - Key usage (RFC 4945 §5.1.3.2, §5.1.3.12)

    @Test(arguments: [
        ("extendedKeyUsage=serverAuth", true), ("extendedKeyUsage=clientAuth", true),
        ("extendedKeyUsage=1.3.6.1.5.5.7.3.17", true), ("extendedKeyUsage=anyExtendedKeyUsage", true),
        ("extendedKeyUsage=emailProtection,codeSigning", false), ("", true),
        ("keyUsage=critical,keyEncipherment", false), ("keyUsage=critical,nonRepudiation", true),
    ])
    func testUsageRule(_ line: String, _ accepted: Bool) throws {
        let extensions = ["basicConstraints=CA:FALSE", "subjectAltName=DNS:client1.example.com"] + (line.isEmpty ? [] : [line])
        let leaf = try fixture.issue("eku", extensions: extensions)
        let check = { () throws in
            _ = try verifier([try trustpoint("tpA", ca: [fixture.rootA])])
                .verify(certificates: [leaf.der], identity: clientFQDN, signature: nil, clock: now)
        }
        if accepted {
            try check()
        } else {
            #expect(rejectionRule(check)?.rule == .keyUsage)
        }
    }

    // MARK: - IDi bound to the certificate

    @Test func testIdentitiesOfEachType_bindToSubjectOrSAN() throws {
        let leaf = try Certificate(der: try fixture.issue("ids").der)
        try IdentityBinding.check(.fqdn("CLIENT1.example.com."), boundTo: leaf)
        try IdentityBinding.check(.email("alice@EXAMPLE.com"), boundTo: leaf)
        try IdentityBinding.check(.address(IPAddress("192.0.2.10")!), boundTo: leaf)
        try IdentityBinding.check(.address(IPAddress("2001:db8::10")!), boundTo: leaf)
        try IdentityBinding.check(PeerIdentity(kind: .derASN1DN, data: leaf.subject.der), boundTo: leaf)
        // A DN with other string types/case is the same name (RFC 5280 §7.1).
        let (der, _) = try TestPKI.run("/usr/bin/openssl", ["req", "-new", "-x509", "-key", fixture.rootA.keyPath, "-subj",
                                                            "/C=CH/O=ikehub TEST/OU=clients/CN=CLIENT1.example.com",
                                                            "-days", "1", "-outform", "DER"])
        let other = try Certificate(der: Array(der))
        try IdentityBinding.check(PeerIdentity(kind: .derASN1DN, data: other.subject.der), boundTo: leaf)
    }

    @Test(arguments: [
        PeerIdentity.fqdn("client2.example.com"), .email("bob@example.com"), .address(IPAddress("192.0.2.11")!),
        .keyID("client1"), PeerIdentity(kind: .derASN1DN, data: [0x30, 0x00]),
    ])
    func testIdentityMismatch_isRejectedWithTheSubject(_ identity: PeerIdentity) throws {
        let leaf = try fixture.issue("idmis")
        let rejection = rejectionRule {
            _ = try verifier([try trustpoint("tpA", ca: [fixture.rootA])])
                .verify(certificates: [leaf.der], identity: identity, signature: nil, clock: now)
        }
        #expect(rejection?.rule == .identityMismatch)
        #expect(rejection?.subject == "CN=client1.example.com,OU=Clients,O=IKEHub Test,C=CH")
    }

    @Test func testCommonNameDoesNotStandInForSAN() throws {
        let leaf = try fixture.issue("cn-only", extensions: ["basicConstraints=CA:FALSE"])
        let rejection = rejectionRule {
            _ = try verifier([try trustpoint("tpA", ca: [fixture.rootA])])
                .verify(certificates: [leaf.der], identity: clientFQDN, signature: nil, clock: now)
        }
        #expect(rejection?.rule == .identityMismatch)
    }

    @Test func testMalformedCERTPayload_isRejected() {
        let rejection = rejectionRule {
            _ = try verifier([try trustpoint("tpA", ca: [fixture.rootA])])
                .verify(certificates: [[0x30, 0x82, 0x01]], identity: clientFQDN, signature: nil, clock: now)
        }
        #expect(rejection?.rule == .malformed)
    }

    @Test func testTrustpointLoading_namesTrustpointAndFile_whenCAFileIsBad() throws {
        var model = Trustpoint(name: "broken")
        model.caCertificateFile = fixture.path("does-not-exist.pem")
        #expect {
            try VerificationTrustpoint(loading: model)
        } throws: { error in
            guard case .trustpoint(let name, let file, _) = error as? PKIError else { return false }
            return name == "broken" && file.hasSuffix("does-not-exist.pem")
        }
        let leaf = try fixture.issue("not-a-ca")
        model.caCertificateFile = leaf.certificatePath
        #expect(throws: PKIError.self) { try VerificationTrustpoint(loading: model) }
    }
}
