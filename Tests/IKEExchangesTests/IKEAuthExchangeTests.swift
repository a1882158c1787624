import HubVocabulary
import IKECrypto
import IKEExchanges
import IKEWire
import Testing

/// Two-party IKE_SA_INIT + IKE_AUTH runs against the responder (STYLE §15(b)).
@Suite struct IKEAuthExchangeTests {
    static let suites = (try? Harness.suites()) ?? []

    @Test(arguments: suites)
    func testPSKSessionIsEstablished_whenClientOffersSuite(_ suite: TestInitiator.Suite) throws {
        var harness = Harness()
        var client = try TestInitiator(suite: suite, endpoint: Harness.client, gateway: Harness.gateway)
        let setup = try harness.establish(&client)

        // DESIGN §2 order: authenticate → allocate → virtual-access → install → accounting.
        #expect(Harness.steps(setup.effects) == ["authenticate", "allocateAddress", "createVirtualAccess",
                                                 "installChildSA", "accountingStart"])
        let payloads = setup.response.payloads
        #expect(setup.response.header.isResponse && setup.response.header.messageID == MessageID(1))
        // The responder's AUTH is what the initiator computes on its own from RealMessage2 | Ni | prf(SK_pr, IDr').
        guard case .identificationResponder(let idr)? = payloads.first(where: { $0.type == .identificationResponder }),
              case .authentication(let auth)? = payloads.first(where: { $0.type == .authentication }) else {
            Issue.record("no IDr/AUTH in \(payloads.map(\.type))")
            return
        }
        #expect(idr.identity == Harness.gatewayIdentity)
        #expect(auth.authenticationData == (try client.expectedResponderAuth(psk: Harness.psk, idr: idr)))
        // CFG_REPLY carries the assigned address and the pool's DNS server.
        guard case .configuration(let reply)? = payloads.first(where: { $0.type == .configuration }) else {
            Issue.record("no CP")
            return
        }
        #expect(reply.configurationType == .reply)
        #expect(reply.attributes(ofType: .internalIP4Address).first?.value == Harness.assignedAddress.bytes)
        #expect(reply.attributes(ofType: .internalIP4DNS).first?.value == IPv4Address(0x0a01_0035).bytes)
        // KEYMAT: the installed keys are the ones the initiator derives (RFC 7296 §2.17).
        let keymat = try ChildKeyMaterial.derive(
            transforms: try ChildSATransforms(encryption: try EncryptionTransform(.aesGCM16, keyLengthBits: 256), integrity: nil),
            prf: suite.prf, skD: try #require(client.skD), initiatorNonce: client.nonce, responderNonce: client.responderNonce)
        #expect(setup.installation.inbound.encryptionKey == keymat.initiatorToResponder.encryption)
        #expect(setup.installation.outbound.encryptionKey == keymat.responderToInitiator.encryption)
        #expect(setup.installation.outbound.spi == 0xc0ff_ee01)
        #expect(setup.installation.virtualAccess == VirtualAccessInterface(index: 1))
        let snapshot = harness.table.snapshot(at: harness.now)
        #expect(snapshot.count == 1)
        #expect(snapshot.first?.state == "established")
        #expect(snapshot.first?.assignedIPv4 == Harness.assignedAddress)
        #expect(snapshot.first?.encryption == suite.encryption.description)
        #expect(snapshot.first?.children.count == 1)
    }

    @Test func testTrafficSelectorsAreNarrowed_whenClientAsksForEverything() throws {
        var harness = Harness()
        var client = try TestInitiator(suite: try Harness.suites()[0], endpoint: Harness.client, gateway: Harness.gateway)
        // TSi = 0.0.0.0/0 and TSr = 0.0.0.0/0 --> TSi = 10.10.0.5 (the CP address), TSr = 10.1.0.0/16 (RFC 7296 §2.9).
        let setup = try harness.establish(&client)
        guard case .trafficSelectorInitiator(let tsi)? = setup.response.payloads.first(where: { $0.type == .trafficSelectorInitiator }),
              case .trafficSelectorResponder(let tsr)? = setup.response.payloads.first(where: { $0.type == .trafficSelectorResponder }) else {
            Issue.record("no TS")
            return
        }
        #expect(tsi.addressRanges == [.host(.v4(Harness.assignedAddress))])
        #expect(tsr.addressRanges == [Harness.protectedSubnet])
        #expect(setup.installation.remoteSelectors == [.host(.v4(Harness.assignedAddress))])
        #expect(setup.installation.localSelectors == [Harness.protectedSubnet])
    }

    @Test func testTSUnacceptableReleasesEverything_whenTSrIsOutsideThePolicy() throws {
        var harness = Harness()
        var client = try TestInitiator(suite: try Harness.suites()[0], endpoint: Harness.client, gateway: Harness.gateway)
        try harness.initialExchange(&client)
        let elsewhere = TrafficSelector(startAddress: .v4(IPv4Address(0xc000_0200)), endAddress: .v4(IPv4Address(0xc000_02ff)))
        // IKE_AUTH { …, TSr = 192.0.2.0/24 } -->
        var effects = harness.deliver(try client.request(.ikeAuth, Harness.ikeAuthPayloads(client, tsr: [elsewhere])))
        let auth = try #require(Harness.authRequest(effects))
        effects += harness.record(harness.table.handle(authResult: try harness.broker(auth), session: auth.session, at: harness.now))
        effects += harness.record(harness.table.handle(addressResult: .assigned(Harness.assignment), session: auth.session, at: harness.now))
        let last = harness.record(harness.table.handle(virtualAccessResult: .created(VirtualAccessInterface(index: 3)),
                                                       session: auth.session, at: harness.now))
        // <-- { IDr, AUTH, N(TS_UNACCEPTABLE) }, then the virtual-access and the lease are released.
        let response = try client.open([Harness.sent(last)[0]])
        #expect(Harness.notifies(response.payloads) == [.tsUnacceptable])
        #expect(response.payloads.contains { $0.type == .authentication })
        #expect(Harness.steps(last) == ["deleteVirtualAccess", "releaseAddress"])
        // …and a Delete of the useless IKE SA goes out as our request.
        let delete = try client.open([Harness.sent(last)[1]])
        #expect(!delete.header.isResponse && delete.header.exchangeType == .informational)
        #expect(delete.payloads == [.delete(.ikeSA)])
    }

    @Test func testAuthenticationFailedAndNothingAllocated_whenPSKIsWrong() throws {
        var harness = Harness()
        var client = try TestInitiator(suite: try Harness.suites()[1], endpoint: Harness.client, gateway: Harness.gateway)
        try harness.initialExchange(&client)
        // IKE_AUTH { IDi, AUTH(prf with the wrong key), … } -->
        let wrong = Array("not-the-key".utf8)
        let effects = harness.deliver(try client.request(.ikeAuth, Harness.ikeAuthPayloads(client, psk: wrong)))
        let auth = try #require(Harness.authRequest(effects))
        // The broker (the test, with the right key) rejects: <-- { N(AUTHENTICATION_FAILED) }
        let result = try harness.broker(auth)
        guard case .rejected = result else { Issue.record("broker accepted a wrong AUTH"); return }
        let answer = harness.record(harness.table.handle(authResult: result, session: auth.session, at: harness.now))
        let response = try client.open(Harness.sent(answer))
        #expect(Harness.notifies(response.payloads) == [.authenticationFailed])
        #expect(Harness.steps(harness.log) == ["authenticate", "deleteSession"])
        #expect(Harness.sessionEnd(answer)?.reason == .authenticationFailed)
        #expect(harness.table.count == 0)
    }

    @Test func testRefusalIsRepeatedForARetransmission_untilItsWindowEnds() throws {
        var harness = Harness()
        var client = try TestInitiator(suite: try Harness.suites()[0], endpoint: Harness.client, gateway: Harness.gateway)
        try harness.initialExchange(&client)
        let request = try client.request(.ikeAuth, Harness.ikeAuthPayloads(client, psk: Array("not-the-key".utf8)))
        let auth = try #require(Harness.authRequest(harness.deliver(request)))
        let answer = harness.record(harness.table.handle(authResult: try harness.broker(auth), session: auth.session, at: harness.now))
        let refusal = Harness.sent(answer)
        #expect(harness.table.count == 0 && harness.table.halfOpenCount == 0)
        // The refusal was lost: the client's retransmission 4 s later gets the same octets
        // (RFC 7296 §2.1), with no new step — the session is gone.
        harness.advance(seconds: 4)
        let again = harness.deliver(request)
        #expect(Harness.sent(again) == refusal)
        #expect(Harness.steps(again).isEmpty)
        #expect(Harness.notifies(try client.open(Harness.sent(again)).payloads) == [.authenticationFailed])
        #expect(harness.table.statistics.endedSetupRetransmissionsAnswered == 1)
        // A forged copy (one flipped octet of the ICV) is not answered.
        var forged = request
        forged[0][forged[0].count - 1] ^= 0x01
        #expect(Harness.sent(harness.deliver(forged)).isEmpty)
        // After the window (60 s by default) it is forgotten: silence, counted as an unknown SPI.
        let expiry = try #require(Harness.timers(answer).first { $0.kind == .endedSetupAnswerExpiry })
        #expect(expiry.deadline == harness.now.adding(seconds: 56))
        harness.advance(seconds: 56)
        _ = harness.record(harness.table.handle(timer: expiry, at: harness.now))
        #expect(Harness.sent(harness.deliver(request)).isEmpty)
        #expect(harness.table.statistics.droppedUnknownSPI == 1)
    }

    @Test func testInternalAddressFailure_whenPoolIsExhausted() throws {
        var harness = Harness()
        var client = try TestInitiator(suite: try Harness.suites()[0], endpoint: Harness.client, gateway: Harness.gateway)
        try harness.initialExchange(&client)
        let effects = harness.deliver(try client.request(.ikeAuth, Harness.ikeAuthPayloads(client)))
        let auth = try #require(Harness.authRequest(effects))
        _ = harness.record(harness.table.handle(authResult: try harness.broker(auth), session: auth.session, at: harness.now))
        // addrd: pool exhausted --> <-- { IDr, AUTH, N(INTERNAL_ADDRESS_FAILURE) } (RFC 7296 §3.15.4)
        let answer = harness.record(harness.table.handle(addressResult: .failed(reason: "pool exhausted"),
                                                         session: auth.session, at: harness.now))
        let response = try client.open([Harness.sent(answer)[0]])
        #expect(Harness.notifies(response.payloads) == [.internalAddressFailure])
        #expect(!harness.log.contains { if case .createVirtualAccess = $0 { true } else { false } })
        #expect(!harness.log.contains { if case .accountingStart = $0 { true } else { false } })
    }

    @Test func testEverythingAllocatedIsReleased_whenChildSAInstallationFails() throws {
        var harness = Harness()
        var client = try TestInitiator(suite: try Harness.suites()[0], endpoint: Harness.client, gateway: Harness.gateway)
        try harness.initialExchange(&client)
        var effects = harness.deliver(try client.request(.ikeAuth, Harness.ikeAuthPayloads(client)))
        let auth = try #require(Harness.authRequest(effects))
        effects += harness.record(harness.table.handle(authResult: try harness.broker(auth), session: auth.session, at: harness.now))
        effects += harness.record(harness.table.handle(addressResult: .assigned(Harness.assignment), session: auth.session, at: harness.now))
        effects += harness.record(harness.table.handle(virtualAccessResult: .created(VirtualAccessInterface(index: 9)),
                                                       session: auth.session, at: harness.now))
        let installation = try #require(Harness.installation(effects))
        let answer = harness.record(harness.table.handle(childSAInstallResult: .failed(reason: "XFRM: ENOBUFS"), session: auth.session,
                                                         inboundSPI: installation.inbound.spi, at: harness.now))
        #expect(Harness.steps(answer) == ["deleteVirtualAccess", "releaseAddress"])
        let response = try client.open([Harness.sent(answer)[0]])
        #expect(Harness.notifies(response.payloads) == [.noProposalChosen])
        // The peer answers our Delete: the SA is gone.
        let delete = try client.open([Harness.sent(answer)[1]])
        let ack = try client.seal(.informational, messageID: delete.header.messageID.rawValue, isResponse: true, payloads: [])
        let end = harness.deliver(ack)
        #expect(Harness.sessionEnd(end)?.reason == .setupFailed(.noProposalChosen))
        #expect(harness.table.count == 0)
    }

    @Test func testNoProposalChosenForChildSA_whenESPProposalIsUnsupported() throws {
        var harness = Harness()
        var client = try TestInitiator(suite: try Harness.suites()[0], endpoint: Harness.client, gateway: Harness.gateway)
        try harness.initialExchange(&client)
        let des = espProposal(spi: 0x1234_5678, encryption: try EncryptionTransform(.aesCTR, keyLengthBits: 128), integrity: .hmacSHA1_96)
        let effects = harness.deliver(try client.request(.ikeAuth, Harness.ikeAuthPayloads(client, esp: [des])))
        let auth = try #require(Harness.authRequest(effects))
        let answer = harness.record(harness.table.handle(authResult: try harness.broker(auth), session: auth.session, at: harness.now))
        let response = try client.open([Harness.sent(answer)[0]])
        #expect(Harness.notifies(response.payloads) == [.noProposalChosen])
        #expect(Harness.steps(harness.log) == ["authenticate"])   // nothing was allocated
    }

    @Test func testFailedCPRequired_whenConfigurationPayloadIsMissing() throws {
        var harness = Harness(configuration: Harness.configuration(requiresCP: true))
        var client = try TestInitiator(suite: try Harness.suites()[0], endpoint: Harness.client, gateway: Harness.gateway)
        try harness.initialExchange(&client)
        let effects = harness.deliver(try client.request(.ikeAuth, Harness.ikeAuthPayloads(client, configurationRequest: false)))
        let auth = try #require(Harness.authRequest(effects))
        let answer = harness.record(harness.table.handle(authResult: try harness.broker(auth), session: auth.session, at: harness.now))
        #expect(Harness.notifies(try client.open([Harness.sent(answer)[0]]).payloads) == [.failedCPRequired])
    }

    @Test func testAuthorizationStepRuns_whenConfigured() throws {
        var harness = Harness(configuration: Harness.configuration(requiresAuthorization: true))
        var client = try TestInitiator(suite: try Harness.suites()[0], endpoint: Harness.client, gateway: Harness.gateway)
        try harness.initialExchange(&client)
        let effects = harness.deliver(try client.request(.ikeAuth, Harness.ikeAuthPayloads(client)))
        let auth = try #require(Harness.authRequest(effects))
        let next = harness.record(harness.table.handle(authResult: try harness.broker(auth), session: auth.session, at: harness.now))
        #expect(Harness.steps(next) == ["authorize"])
        let banner = ConfigurationAttribute.text(.unityBanner, "authorized users only")
        let allocate = harness.record(harness.table.handle(
            authorizationResult: .authorized(SessionAuthorization(pushedAttributes: [banner], poolName: "vpn-pool")),
            session: auth.session, at: harness.now))
        guard case .allocateAddress(let request)? = allocate.first else { Issue.record("no allocation"); return }
        #expect(request.poolName == "vpn-pool")
        #expect(request.wantsIPv4)
    }

    @Test func testFragmentedIKEAuthIsReassembled_andResponseIsFragmented() throws {
        var configuration = Harness.configuration()
        configuration.fragmentation = .init(maximumMessageSize: 200)
        var harness = Harness(configuration: configuration)
        var client = try TestInitiator(suite: try Harness.suites()[1], endpoint: Harness.client, gateway: Harness.gateway)
        try harness.initialExchange(&client)
        // IKE_AUTH in SKF fragments of 300 octets (RFC 7383), with 2000 octets of vendor ID to pad it.
        let payloads = try Harness.ikeAuthPayloads(client, padding: 2000)
        let setup = try harness.establish(&client, payloads: payloads, fragmentContent: 300)
        #expect(Harness.steps(setup.effects).first == "authenticate")
        #expect(setup.response.payloads.contains { $0.type == .authentication })
        // <-- { HDR, SKF(1/n) } … { HDR, SKF(n/n) }: every fragment within 200 octets (RFC 7383 §2.5).
        #expect(setup.responseDatagrams.count > 1)
        #expect(setup.responseDatagrams.allSatisfy { $0.count <= 200 })
        #expect(setup.responseDatagrams.allSatisfy { (try? IKEMessage.parse($0))?.encryptedFragment != nil })
    }

    @Test func testRetransmittedIKEAuthGetsTheCachedResponse_byteForByte() throws {
        var harness = Harness()
        var client = try TestInitiator(suite: try Harness.suites()[0], endpoint: Harness.client, gateway: Harness.gateway)
        try harness.initialExchange(&client)
        let request = try client.request(.ikeAuth, Harness.ikeAuthPayloads(client))
        var effects = harness.deliver(request)
        // The same request while the broker works: dropped, no second .authenticate.
        #expect(Harness.steps(harness.deliver(request)).isEmpty)
        let auth = try #require(Harness.authRequest(effects))
        effects += harness.record(harness.table.handle(authResult: try harness.broker(auth), session: auth.session, at: harness.now))
        effects += harness.record(harness.table.handle(addressResult: .assigned(Harness.assignment), session: auth.session, at: harness.now))
        effects += harness.record(harness.table.handle(virtualAccessResult: .created(VirtualAccessInterface(index: 1)), session: auth.session, at: harness.now))
        let installation = try #require(Harness.installation(effects))
        let first = Harness.sent(harness.record(harness.table.handle(childSAInstallResult: .installed, session: auth.session,
                                                                     inboundSPI: installation.inbound.spi, at: harness.now)))
        // IKE_AUTH again (same Message ID 1) --> the cached answer, identical octets (RFC 7296 §2.1).
        let again = harness.deliver(request)
        #expect(Harness.sent(again) == first)
        #expect(Harness.steps(again).isEmpty)
    }
}

extension TestInitiator.Suite: CustomTestStringConvertible {
    var testDescription: String { description }
}

/// One table, several peers: routing by SPI keeps their sessions apart.
@Suite struct TableRoutingTests {
    @Test func testTwoClientsAreRoutedBySPI_andDeletingOneKeepsTheOther() throws {
        var harness = Harness()
        let second = Endpoint(address: .v4(IPv4Address(0xcb00_7163)), port: 500)   // 203.0.113.99
        var first = try TestInitiator(suite: try Harness.suites()[0], endpoint: Harness.client, gateway: Harness.gateway)
        var other = try TestInitiator(suite: try Harness.suites()[1], endpoint: second, gateway: Harness.gateway)
        let a = try harness.establish(&first)
        try harness.initialExchange(&other)
        var effects = harness.deliver(try other.request(.ikeAuth, Harness.ikeAuthPayloads(other, childSPI: 0xc0ff_ee99)), from: second)
        let auth = try #require(Harness.authRequest(effects))
        #expect(auth.session != a.session)
        effects += harness.table.handle(authResult: try harness.broker(auth), session: auth.session, at: harness.now)
        effects += harness.table.handle(addressResult: .assigned(AddressAssignment(lease: LeaseID(8), ipv4Address: IPv4Address(0x0a0a_0006))),
                                        session: auth.session, at: harness.now)
        effects += harness.table.handle(virtualAccessResult: .created(VirtualAccessInterface(index: 2)), session: auth.session, at: harness.now)
        let installation = try #require(Harness.installation(effects))
        _ = try other.open(Harness.sent(harness.table.handle(childSAInstallResult: .installed, session: auth.session,
                                                             inboundSPI: installation.inbound.spi, at: harness.now)))
        #expect(harness.table.snapshot(at: harness.now).count == 2)
        // The first client leaves; the second still answers liveness on its own SA.
        let gone = harness.deliver(try first.request(.informational, [.delete(.ikeSA)]))
        #expect(Harness.sessionEnd(gone)?.session == a.session)
        #expect(gone.contains { if case .releaseAddress(let r) = $0 { r.lease == LeaseID(7) } else { false } })
        let live = harness.deliver(try other.request(.informational, []), from: second)
        #expect(try other.open(Harness.sent(live)).payloads.isEmpty)
        #expect(harness.table.snapshot(at: harness.now).map(\.session) == [auth.session])
    }
}
