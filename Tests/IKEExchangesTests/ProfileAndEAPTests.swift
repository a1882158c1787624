import HubVocabulary
import IKECrypto
import IKEExchanges
import IKEWire
import Testing

/// Profile selection by IDi (`match identity remote`), EAP inside IKE_AUTH (RFC 7296
/// §2.16) and childless IKE SAs (RFC 6023), two-party against the responder.
@Suite struct ProfileAndEAPTests {
    static let branchIdentity = PeerIdentity.fqdn("hub.branch.example")
    static let usersIdentity = PeerIdentity.fqdn("vpn.users.example")
    static let msk = [UInt8](repeating: 0x4d, count: 64)

    /// `branches` takes *.example.net by PSK; `users` takes e-mail identities by EAP.
    static func configuration(queryIdentity: Bool = false, eapTimeout: Int64 = 30) -> ResponderConfiguration {
        var configuration = Harness.configuration()
        let esp = configuration.childProposals
        configuration.profiles = [
            ResponderProfile(name: "branches", match: ProfileMatch(identities: [.fqdn("example.net", domain: true)]),
                             remoteAuthentication: [.sharedKey], localIdentity: branchIdentity, childProposals: esp,
                             protectedSelectors: [Harness.protectedSubnet]),
            ResponderProfile(name: "users", match: ProfileMatch(identities: [.email("example.com", domain: true)]),
                             remoteAuthentication: [.eap(queryIdentity: queryIdentity, timeoutSeconds: eapTimeout)],
                             localIdentity: usersIdentity, childProposals: esp, protectedSelectors: [Harness.protectedSubnet]),
        ]
        return configuration
    }

    static func client() throws -> TestInitiator {
        try TestInitiator(suite: try Harness.suites()[0], endpoint: Harness.client, gateway: Harness.gateway)
    }

    /// IDi, [AUTH], CP, SAi2, TSi, TSr for `identity`.
    static func firstRequest(_ client: TestInitiator, identity: PeerIdentity, withAuth: Bool) throws -> [Payload] {
        var payloads = try Harness.ikeAuthPayloads(client)
        payloads[0] = .identificationInitiator(IdentificationPayload(identity: identity))
        if withAuth {
            payloads[1] = .authentication(try client.initiatorAuth(psk: Harness.psk, id: IdentificationPayload(identity: identity)))
        } else {
            payloads.remove(at: 1)
        }
        return payloads
    }

    static func eap(_ payloads: [Payload]) -> EAPPayload? {
        payloads.lazy.compactMap { if case .eap(let e) = $0 { e } else { nil } }.first
    }

    // MARK: - Profile selection

    @Test func testProfileIsChosenByIDi_andGivesItsLocalIdentity() throws {
        var harness = Harness(configuration: Self.configuration())
        var client = try Self.client()
        let setup = try harness.establish(&client)   // IDi client.example.net → branches
        #expect(Harness.authRequest(setup.effects)?.profile == "branches")
        guard case .identificationResponder(let idr)? = setup.response.payloads.first(where: { $0.type == .identificationResponder }) else {
            Issue.record("no IDr")
            return
        }
        #expect(idr.identity == Self.branchIdentity)
        #expect(harness.table.snapshot(at: harness.now).first?.profile == "branches")
    }

    @Test func testNoProfileMatches_isAuthenticationFailed() throws {
        var harness = Harness(configuration: Self.configuration())
        var client = try Self.client()
        try harness.initialExchange(&client)
        let request = try client.request(.ikeAuth, try Self.firstRequest(client, identity: .fqdn("stranger.example.org"), withAuth: true))
        let effects = harness.deliver(request)
        #expect(Harness.authRequest(effects) == nil)
        #expect(Harness.notifies(try client.open(Harness.sent(effects)).payloads) == [.authenticationFailed])
        #expect(Harness.sessionEnd(effects)?.reason == .authenticationFailed)
        #expect(harness.table.count == 0)
    }

    @Test func testProfileRefusesAMethodItDoesNotAllow() throws {
        var harness = Harness(configuration: Self.configuration())
        var client = try Self.client()
        try harness.initialExchange(&client)
        // alice@example.com matches `users`, which takes EAP only; she sends a PSK AUTH.
        let request = try client.request(.ikeAuth, try Self.firstRequest(client, identity: .email("alice@example.com"), withAuth: true))
        let effects = harness.deliver(request)
        #expect(Harness.authRequest(effects) == nil)
        #expect(Harness.notifies(try client.open(Harness.sent(effects)).payloads) == [.authenticationFailed])
        let errors = effects.compactMap { if case .protocolError(let e) = $0 { e.reason } else { nil } }
        #expect(errors.contains { $0.contains("profile users does not allow AUTH method") })
    }

    // MARK: - EAP

    /// Runs EAP for alice up to the EAP-Success, with one relayed round.
    private func runEAP(_ harness: inout Harness, _ client: inout TestInitiator, mskAvailable: Bool,
                        responderAuth: AuthenticationPayload) throws -> (session: SessionID, idr: IdentificationPayload) {
        try harness.initialExchange(&client)
        let first = try client.request(.ikeAuth, try Self.firstRequest(client, identity: .email("alice@example.com"), withAuth: false))
        var effects = harness.deliver(first)
        let start = try #require(Harness.authRequest(effects))
        #expect(start.profile == "users")
        #expect(start.method == .eapStart(queryIdentity: false))
        // The broker: our AUTH and the EAP server's first request (MD5-Challenge, id 7).
        let challenge = EAPPayload(code: .request, identifier: 7, method: .type(.md5Challenge), data: [16] + [UInt8](repeating: 1, count: 16))
        effects = harness.record(harness.table.handle(authResult: .eapContinue(EAPContinuation(
            responderAuthentication: responderAuth, eapMessage: challenge.eapMessage)), session: start.session, at: harness.now))
        // <-- IDr, AUTH, EAP(Request)
        let answer = try client.open(Harness.sent(effects))
        guard case .identificationResponder(let idr)? = answer.payloads.first(where: { $0.type == .identificationResponder }) else {
            throw TestInitiator.Failure.unexpected("no IDr in \(answer.payloads.map(\.type))")
        }
        #expect(idr.identity == Self.usersIdentity)
        #expect(Self.eap(answer.payloads) == challenge)
        // --> EAP(Response, id 7)
        let response = EAPPayload(code: .response, identifier: 7, method: .type(.md5Challenge), data: [16] + [UInt8](repeating: 2, count: 16))
        effects = harness.deliver(try client.request(.ikeAuth, [.eap(response)]))
        let round = try #require(Harness.authRequest(effects))
        #expect(round.method == .eapRound(response, round: 1))
        effects = harness.record(harness.table.handle(authResult: .eapSucceeded(EAPOutcome(
            eapMessage: nil, mskAvailable: mskAvailable, username: "alice")), session: start.session, at: harness.now))
        // <-- EAP(Success, id 7)
        let success = try #require(Self.eap(try client.open(Harness.sent(effects)).payloads))
        #expect(success.code == .success && success.identifier == 7)
        return (start.session, idr)
    }

    /// After the final AUTH is accepted: address, virtual-access, CHILD_SA, answer.
    private func finishSetup(_ harness: inout Harness, _ client: TestInitiator, session: SessionID,
                             effects: [IKEEffect]) throws -> (effects: [IKEEffect], payloads: [Payload]) {
        var effects = effects
        effects += harness.record(harness.table.handle(addressResult: .assigned(Harness.assignment), session: session, at: harness.now))
        effects += harness.record(harness.table.handle(virtualAccessResult: .created(VirtualAccessInterface(index: 4)),
                                                       session: session, at: harness.now))
        let installation = try #require(Harness.installation(effects))
        let final = harness.record(harness.table.handle(childSAInstallResult: .installed, session: session,
                                                        inboundSPI: installation.inbound.spi, at: harness.now))
        return (effects + final, try client.open(Harness.sent(final)).payloads)
    }

    @Test func testEAPWithMSK_finalAUTHIsCheckedByTheBroker_andTheSessionIsEstablished() throws {
        var harness = Harness(configuration: Self.configuration())
        var client = try Self.client()
        let ours = AuthenticationPayload(method: .sharedKeyMessageIntegrityCode, authenticationData: [UInt8](repeating: 9, count: 32))
        let (session, idr) = try runEAP(&harness, &client, mskAvailable: true, responderAuth: ours)
        // --> AUTH computed with the MSK
        let auth = try client.initiatorAuth(psk: Self.msk, id: IdentificationPayload(identity: .email("alice@example.com")))
        var effects = harness.deliver(try client.request(.ikeAuth, [.authentication(auth)]))
        let finish = try #require(Harness.authRequest(effects))
        #expect(finish.method == .eapFinish(auth, round: 2))
        // The broker checks it with the MSK over the octets of the first request.
        let key = try finish.prf.compute(key: Self.msk, data: TestInitiator.keyPad)
        #expect(try finish.prf.compute(key: key, data: finish.initiatorSignedOctets) == auth.authenticationData)
        let mskAuth = try finish.prf.compute(key: key, data: finish.responderSignedOctets)
        effects = harness.record(harness.table.handle(authResult: .authenticated(AuthSuccess(
            responderAuthentication: AuthenticationPayload(method: .sharedKeyMessageIntegrityCode, authenticationData: mskAuth))),
            session: session, at: harness.now))
        let (all, payloads) = try finishSetup(&harness, client, session: session, effects: effects)
        #expect(Harness.steps(all) == ["allocateAddress", "createVirtualAccess", "installChildSA", "accountingStart"])
        // <-- AUTH (MSK), CP, SA, TS, and no second IDr.
        #expect(!payloads.contains { $0.type == .identificationResponder })
        guard case .authentication(let final)? = payloads.first(where: { $0.type == .authentication }) else {
            Issue.record("no AUTH")
            return
        }
        #expect(final.authenticationData == (try client.expectedResponderAuth(psk: Self.msk, idr: idr)))
        #expect(payloads.contains { $0.type == .configuration })
        let row = try #require(harness.table.snapshot(at: harness.now).first)
        #expect(row.state == "established" && row.username == "alice" && row.profile == "users")
    }

    @Test func testEAPWithoutMSK_usesSKp_checkedByTheEngine() throws {
        var harness = Harness(configuration: Self.configuration())
        var client = try Self.client()
        let ours = AuthenticationPayload(method: .sharedKeyMessageIntegrityCode, authenticationData: [UInt8](repeating: 9, count: 32))
        let (session, idr) = try runEAP(&harness, &client, mskAvailable: false, responderAuth: ours)
        let keys = try #require(client.keys)
        // --> AUTH with SK_pi as the shared key (RFC 7296 §2.16).
        let auth = try client.initiatorAuth(psk: keys.skPi.revealedBytes(), id: IdentificationPayload(identity: .email("alice@example.com")))
        let effects = harness.deliver(try client.request(.ikeAuth, [.authentication(auth)]))
        #expect(Harness.authRequest(effects) == nil)   // no broker round for EAP-MD5
        let (_, payloads) = try finishSetup(&harness, client, session: session, effects: effects)
        guard case .authentication(let final)? = payloads.first(where: { $0.type == .authentication }) else {
            Issue.record("no AUTH in \(payloads.map(\.type))")
            return
        }
        #expect(final.authenticationData == (try client.expectedResponderAuth(psk: keys.skPr.revealedBytes(), idr: idr)))
    }

    @Test func testEAPWithoutMSK_wrongAUTH_isAuthenticationFailed() throws {
        var harness = Harness(configuration: Self.configuration())
        var client = try Self.client()
        let ours = AuthenticationPayload(method: .sharedKeyMessageIntegrityCode, authenticationData: [UInt8](repeating: 9, count: 32))
        _ = try runEAP(&harness, &client, mskAvailable: false, responderAuth: ours)
        let wrong = try client.initiatorAuth(psk: Array("not-sk-pi".utf8), id: IdentificationPayload(identity: .email("alice@example.com")))
        let effects = harness.deliver(try client.request(.ikeAuth, [.authentication(wrong)]))
        #expect(Harness.notifies(try client.open(Harness.sent(effects)).payloads) == [.authenticationFailed])
        #expect(Harness.sessionEnd(effects)?.reason == .authenticationFailed)
        #expect(!Harness.steps(effects).contains("allocateAddress"))
        #expect(harness.table.count == 0)
    }

    @Test func testEAPReject_sendsEAPFailure_andNothingIsAllocated() throws {
        var harness = Harness(configuration: Self.configuration())
        var client = try Self.client()
        try harness.initialExchange(&client)
        var effects = harness.deliver(try client.request(.ikeAuth, try Self.firstRequest(client, identity: .email("bob@example.com"), withAuth: false)))
        let start = try #require(Harness.authRequest(effects))
        let request = EAPPayload(code: .request, identifier: 3, method: .type(.md5Challenge), data: [16] + [UInt8](repeating: 1, count: 16))
        effects = harness.record(harness.table.handle(authResult: .eapContinue(EAPContinuation(
            responderAuthentication: AuthenticationPayload(method: .sharedKeyMessageIntegrityCode, authenticationData: [1]),
            eapMessage: request.eapMessage)), session: start.session, at: harness.now))
        _ = try client.open(Harness.sent(effects))
        effects = harness.deliver(try client.request(.ikeAuth, [.eap(EAPPayload(code: .response, identifier: 3, method: .type(.md5Challenge),
                                                                                  data: [16] + [UInt8](repeating: 0, count: 16)))]))
        effects = harness.record(harness.table.handle(authResult: .eapFailed(reason: "Access-Reject", eapMessage: nil),
                                                      session: start.session, at: harness.now))
        let failure = try #require(Self.eap(try client.open(Harness.sent(effects)).payloads))
        #expect(failure.code == .failure && failure.identifier == 3)
        #expect(Harness.sessionEnd(effects)?.reason == .authenticationFailed)
        #expect(!harness.log.contains { if case .allocateAddress = $0 { true } else { false } })
        #expect(harness.table.count == 0)
    }

    @Test func testQueryIdentity_engineAsksForTheEAPIdentity() throws {
        var harness = Harness(configuration: Self.configuration(queryIdentity: true))
        var client = try Self.client()
        try harness.initialExchange(&client)
        var effects = harness.deliver(try client.request(.ikeAuth, try Self.firstRequest(client, identity: .email("carol@example.com"), withAuth: false)))
        let start = try #require(Harness.authRequest(effects))
        #expect(start.method == .eapStart(queryIdentity: true))
        effects = harness.record(harness.table.handle(authResult: .eapContinue(EAPContinuation(
            responderAuthentication: AuthenticationPayload(method: .sharedKeyMessageIntegrityCode, authenticationData: [1]),
            eapMessage: nil)), session: start.session, at: harness.now))
        let identityRequest = try #require(Self.eap(try client.open(Harness.sent(effects)).payloads))
        #expect(identityRequest.code == .request && identityRequest.method == .type(.identity))
        // The peer's EAP-Response/Identity is round 1, relayed as it came.
        let identity = EAPPayload(code: .response, identifier: identityRequest.identifier, method: .type(.identity), data: Array("carol".utf8))
        effects = harness.deliver(try client.request(.ikeAuth, [.eap(identity)]))
        #expect(Harness.authRequest(effects)?.method == .eapRound(identity, round: 1))
    }

    @Test func testEAPTimeout_endsTheHalfOpenSA() throws {
        var harness = Harness(configuration: Self.configuration(eapTimeout: 20))
        var client = try Self.client()
        try harness.initialExchange(&client)
        var effects = harness.deliver(try client.request(.ikeAuth, try Self.firstRequest(client, identity: .email("dave@example.com"), withAuth: false)))
        let start = try #require(Harness.authRequest(effects))
        effects = harness.record(harness.table.handle(authResult: .eapContinue(EAPContinuation(
            responderAuthentication: AuthenticationPayload(method: .sharedKeyMessageIntegrityCode, authenticationData: [1]),
            eapMessage: nil)), session: start.session, at: harness.now))
        // The peer never answers; the profile's EAP timeout (20 s) ends it.
        harness.advance(seconds: 19)
        #expect(Harness.sessionEnd(harness.fireDueTimers(from: effects)) == nil)
        harness.advance(seconds: 2)
        let expired = harness.fireDueTimers(from: effects)
        #expect(Harness.sessionEnd(expired)?.reason == .halfOpenTimeout)
        #expect(harness.table.count == 0)
    }

    // MARK: - Childless (RFC 6023)

    @Test func testChildlessIKESA_isEstablishedWithoutAChildSA() throws {
        var harness = Harness()
        var client = try Self.client()
        try harness.initialExchange(&client)
        let idi = IdentificationPayload(identity: Harness.clientIdentity)
        let effects = harness.deliver(try client.request(.ikeAuth, [.identificationInitiator(idi),
                                                                     .authentication(try client.initiatorAuth(psk: Harness.psk, id: idi))]))
        let auth = try #require(Harness.authRequest(effects))
        let done = harness.record(harness.table.handle(authResult: try harness.broker(auth), session: auth.session, at: harness.now))
        #expect(Harness.steps(done) == ["accountingStart"])
        let payloads = try client.open(Harness.sent(done)).payloads
        #expect(payloads.map(\.type) == [.identificationResponder, .authentication])
        let row = try #require(harness.table.snapshot(at: harness.now).first)
        #expect(row.state == "established" && row.children.isEmpty)
    }

    // MARK: - Certificates (engine side)

    /// Maps by the end-entity DER: the engine only sees map names (X.509 is parsed in PKI).
    struct MapsByCertificate: CertificateMapMatcher {
        let maps: [[UInt8]: Set<String>]
        func matchingMaps(endEntity: [UInt8], intermediates: [[UInt8]]) -> Set<String> { maps[endEntity] ?? [] }
        func mismatch(endEntity: [UInt8], maps: [String]) -> String { "none of \(maps) for this certificate" }
    }

    @Test func testCertificateMap_choosesTheProfile_andOurChainAndCERTREQGoOut() throws {
        var configuration = Self.configuration()
        let caHash = [UInt8](repeating: 0xca, count: 20)
        configuration.certificateAuthorities = [caHash]
        configuration.profiles.insert(ResponderProfile(
            name: "machines", match: ProfileMatch(certificateMaps: ["corp-map"]), remoteAuthentication: [.signature],
            localIdentity: .fqdn("certs.example"), childProposals: configuration.childProposals,
            protectedSelectors: [Harness.protectedSubnet]), at: 0)
        let endEntity: [UInt8] = [0x30, 0x03, 0x02, 0x01, 0x07]
        var harness = Harness()
        harness.table = IKESATable(configuration: configuration, certificateMatcher: MapsByCertificate(maps: [endEntity: ["corp-map"]]))
        var client = try Self.client()
        // IKE_SA_INIT: our CERTREQ names the trustpoint's CA.
        let initEffects = harness.deliver([try client.makeInitRequest()])
        let initResponse = try IKEMessage.parse(try #require(Harness.sent(initEffects).first))
        #expect(initResponse.payloads.contains { $0 == .certificateRequest(CertificateRequestPayload(encoding: .x509Signature, authorityData: caHash)) })
        _ = try client.takeInitResponse(try #require(Harness.sent(initEffects).first))
        // IKE_AUTH with CERT (the map matches), a signature AUTH and the client's own CERTREQ.
        var payloads = try Harness.ikeAuthPayloads(client)
        payloads[1] = .authentication(AuthenticationPayload(method: .rsaDigitalSignature, authenticationData: [1, 2, 3]))
        payloads.insert(.certificate(CertificatePayload(encoding: .x509Signature, data: endEntity)), at: 1)
        let theirCA = [UInt8](repeating: 0x5e, count: 20)
        payloads.insert(.certificateRequest(CertificateRequestPayload(encoding: .x509Signature, authorityData: theirCA)), at: 2)
        var effects = harness.deliver(try client.request(.ikeAuth, payloads))
        let auth = try #require(Harness.authRequest(effects))
        #expect(auth.profile == "machines")
        #expect(auth.requestedCertificateAuthorities == [theirCA])
        guard case .signature(_, let certificates) = auth.method else {
            Issue.record("not a signature request: \(auth.method)")
            return
        }
        #expect(certificates.map(\.data) == [endEntity])
        // The broker signed; our chain goes out in CERT payloads between IDr and AUTH.
        let chain: [[UInt8]] = [[0x30, 0x01, 0xaa], [0x30, 0x01, 0xbb]]
        effects = harness.record(harness.table.handle(authResult: .authenticated(AuthSuccess(
            responderAuthentication: AuthenticationPayload(method: .rsaDigitalSignature, authenticationData: [9]),
            responderCertificates: chain)), session: auth.session, at: harness.now))
        let (_, answer) = try finishSetup(&harness, client, session: auth.session, effects: effects)
        let sent = answer.compactMap { if case .certificate(let c) = $0 { c.data } else { nil } }
        #expect(sent == chain)
        #expect(answer.map(\.type).prefix(4) == [.identificationResponder, .certificate, .certificate, .authentication])
    }

    @Test func testNoCertificateMapMatch_fallsToTheNextProfileByIdentity() throws {
        var configuration = Self.configuration()
        configuration.profiles.insert(ResponderProfile(
            name: "machines", match: ProfileMatch(certificateMaps: ["corp-map"]), remoteAuthentication: [.signature],
            localIdentity: .fqdn("certs.example"), childProposals: configuration.childProposals), at: 0)
        var harness = Harness()
        harness.table = IKESATable(configuration: configuration, certificateMatcher: MapsByCertificate(maps: [:]))
        var client = try Self.client()
        let setup = try harness.establish(&client)   // PSK, IDi client.example.net: `branches`
        #expect(Harness.authRequest(setup.effects)?.profile == "branches")
    }

    // MARK: - RFC 4739: certificate, then EAP

    @Test func testCertificateThenEAP_twoAuthenticationsOneSession() throws {
        var configuration = Self.configuration()
        configuration.profiles.insert(ResponderProfile(
            name: "dual", match: ProfileMatch(identities: [.fqdn("laptop.corp.example", domain: false)]),
            remoteAuthentication: [.signature, .eap(queryIdentity: false, timeoutSeconds: 60)],
            localIdentity: .fqdn("gw.corp.example"), childProposals: configuration.childProposals,
            protectedSelectors: [Harness.protectedSubnet]), at: 0)
        var harness = Harness(configuration: configuration)
        var client = try Self.client()
        try harness.initialExchange(&client)
        // 1st IKE_AUTH: IDi (machine), CERT, AUTH, N(ANOTHER_AUTH_FOLLOWS), CP, SA, TS.
        var payloads = try Harness.ikeAuthPayloads(client)
        payloads[0] = .identificationInitiator(IdentificationPayload(identity: .fqdn("laptop.corp.example")))
        payloads[1] = .authentication(AuthenticationPayload(method: .rsaDigitalSignature, authenticationData: [7, 7]))
        payloads.insert(.certificate(CertificatePayload(encoding: .x509Signature, data: [0x30, 0x00])), at: 1)
        payloads.insert(.notify(NotifyPayload(type: .anotherAuthFollows)), at: 3)
        var effects = harness.deliver(try client.request(.ikeAuth, payloads))
        let first = try #require(Harness.authRequest(effects))
        #expect(first.profile == "dual")
        effects = harness.record(harness.table.handle(authResult: .authenticated(AuthSuccess(
            responderAuthentication: AuthenticationPayload(method: .rsaDigitalSignature, authenticationData: [8]),
            responderCertificates: [[0x30, 0x01, 0x01]])), session: first.session, at: harness.now))
        // <-- IDr, CERT, AUTH only: no SA yet, nothing allocated.
        let firstAnswer = try client.open(Harness.sent(effects)).payloads
        #expect(firstAnswer.map(\.type) == [.identificationResponder, .certificate, .authentication])
        #expect(Harness.steps(effects).isEmpty)
        guard case .identificationResponder(let idr)? = firstAnswer.first else { return }
        // 2nd IKE_AUTH: IDi (the user), no AUTH: EAP under the second identity.
        let user = IdentificationPayload(identity: .email("alice@corp.example"))
        effects = harness.deliver(try client.request(.ikeAuth, [.identificationInitiator(user)]))
        let start = try #require(Harness.authRequest(effects))
        #expect(start.method == .eapStartSecond(queryIdentity: false))
        #expect(start.initiatorIdentity == user.identity)
        let challenge = EAPPayload(code: .request, identifier: 1, method: .type(.md5Challenge), data: [16] + [UInt8](repeating: 3, count: 16))
        effects = harness.record(harness.table.handle(authResult: .eapContinue(EAPContinuation(eapMessage: challenge.eapMessage)),
                                                      session: start.session, at: harness.now))
        #expect(try client.open(Harness.sent(effects)).payloads.map(\.type) == [.eap])
        let response = EAPPayload(code: .response, identifier: 1, method: .type(.md5Challenge), data: [16] + [UInt8](repeating: 4, count: 16))
        effects = harness.deliver(try client.request(.ikeAuth, [.eap(response)]))
        effects = harness.record(harness.table.handle(authResult: .eapSucceeded(EAPOutcome(eapMessage: nil, mskAvailable: true, username: "alice")),
                                                      session: start.session, at: harness.now))
        _ = try client.open(Harness.sent(effects))
        // Final AUTH over the second IDi with the MSK.
        let auth = try client.initiatorAuth(psk: Self.msk, id: user)
        effects = harness.deliver(try client.request(.ikeAuth, [.authentication(auth)]))
        let finish = try #require(Harness.authRequest(effects))
        let key = try finish.prf.compute(key: Self.msk, data: TestInitiator.keyPad)
        #expect(try finish.prf.compute(key: key, data: finish.initiatorSignedOctets) == auth.authenticationData)
        effects = harness.record(harness.table.handle(authResult: .authenticated(AuthSuccess(responderAuthentication: AuthenticationPayload(
            method: .sharedKeyMessageIntegrityCode, authenticationData: try finish.prf.compute(key: key, data: finish.responderSignedOctets)))),
            session: finish.session, at: harness.now))
        let (all, final) = try finishSetup(&harness, client, session: finish.session, effects: effects)
        #expect(Harness.steps(all) == ["allocateAddress", "createVirtualAccess", "installChildSA", "accountingStart"])
        guard case .authentication(let ours)? = final.first(where: { $0.type == .authentication }) else { return }
        #expect(ours.authenticationData == (try client.expectedResponderAuth(psk: Self.msk, idr: idr)))
        let row = try #require(harness.table.snapshot(at: harness.now).first)
        #expect(row.username == "alice" && row.identity == .fqdn("laptop.corp.example"))
    }
}

/// RADIUS Session-Timeout: the session ends when it is over, whatever its IKE SA lifetime.
@Suite struct SessionTimeoutTests {
    @Test func testSessionTimeout_endsTheSessionWithAccountingStop() throws {
        var harness = Harness(configuration: Harness.configuration(requiresAuthorization: true))
        var client = try TestInitiator(suite: try Harness.suites()[0], endpoint: Harness.client, gateway: Harness.gateway)
        try harness.initialExchange(&client)
        var effects = harness.deliver(try client.request(.ikeAuth, try Harness.ikeAuthPayloads(client)))
        let auth = try #require(Harness.authRequest(effects))
        effects += harness.record(harness.table.handle(authResult: try harness.broker(auth), session: auth.session, at: harness.now))
        var authorization = SessionAuthorization()
        authorization.sessionTimeoutSeconds = 600
        effects += harness.record(harness.table.handle(authorizationResult: .authorized(authorization), session: auth.session, at: harness.now))
        effects += harness.record(harness.table.handle(addressResult: .assigned(Harness.assignment), session: auth.session, at: harness.now))
        effects += harness.record(harness.table.handle(virtualAccessResult: .created(VirtualAccessInterface(index: 1)),
                                                       session: auth.session, at: harness.now))
        let installation = try #require(Harness.installation(effects))
        effects += harness.record(harness.table.handle(childSAInstallResult: .installed, session: auth.session,
                                                       inboundSPI: installation.inbound.spi, at: harness.now))
        #expect(harness.table.snapshot(at: harness.now).first?.state == "established")
        harness.advance(seconds: 599)
        #expect(!Harness.steps(harness.fireDueTimers(from: effects)).contains("accountingStop"))
        harness.advance(seconds: 2)
        let ended = harness.fireDueTimers(from: effects)
        #expect(Harness.steps(ended).contains("accountingStop"))
        #expect(ended.contains { if case .accountingStop(let stop) = $0 { stop.reason == .lifetimeExpired } else { false } })
    }
}

/// Vendor IDs decide which private CFG_REPLY attributes a client gets.
@Suite struct PeerClientTests {
    @Test func testCiscoAndFlexVPNVendorIDs_areRecognised_othersAreNot() {
        let flexVPN = Array("FLEXVPN-SUPPORTED".utf8), deleteReason = Array("CISCO-DELETE-REASON".utf8)
        #expect(PeerClient(vendorIDs: [deleteReason, flexVPN]) == PeerClient(isCisco: true, isFlexVPN: true))
        #expect(PeerClient(vendorIDs: [Array("CISCO(COPYRIGHT)&Copyright (c) 2009 Cisco Systems, Inc.".utf8)]) == PeerClient(isCisco: true))
        // strongSwan's MD5("strongSwan") and an unknown one: a standard client.
        #expect(PeerClient(vendorIDs: [KnownVendorID.strongSwan.bytes, [1, 2, 3]]) == PeerClient())
    }
}
