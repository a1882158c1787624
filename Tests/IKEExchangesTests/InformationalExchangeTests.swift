import HubVocabulary
import IKECrypto
import IKEExchanges
import IKEWire
import Testing

/// INFORMATIONAL: Delete, liveness, our DPD, and operator teardown (RFC 7296 §1.4, §2.4).
@Suite struct InformationalExchangeTests {
    static let teardown = ["deleteChildSA", "deleteVirtualAccess", "releaseAddress", "accountingStop", "deleteSession"]

    private func established(_ configuration: ResponderConfiguration = Harness.configuration())
        throws -> (Harness, TestInitiator, Harness.Setup) {
        var harness = Harness(configuration: configuration)
        var client = try TestInitiator(suite: try Harness.suites()[1], endpoint: Harness.client, gateway: Harness.gateway)
        let setup = try harness.establish(&client)
        return (harness, client, setup)
    }

    @Test func testDeleteOfIKESAReleasesEveryResource() throws {
        var (harness, client, setup) = try established()
        // INFORMATIONAL { HDR, SK {D(IKE)} } --> <-- { HDR, SK {} }
        let effects = harness.deliver(try client.request(.informational, [.delete(.ikeSA)]))
        #expect(try client.open(Harness.sent(effects)).payloads.isEmpty)
        // Teardown is the reverse of setup (DESIGN §2).
        #expect(Harness.steps(effects) == Self.teardown)
        #expect(effects.contains { if case .releaseAddress(let r) = $0 { r.lease == LeaseID(7) } else { false } })
        let end = Harness.sessionEnd(effects)
        #expect(end?.session == setup.session && end?.ikeSA == setup.response.header.saIdentifier && end?.reason == .peerDeleted)
        #expect(harness.table.count == 0)
    }

    @Test func testEmptyInformationalIsAnswered_asLivenessCheck() throws {
        var (harness, client, _) = try established()
        // INFORMATIONAL { HDR, SK {} } --> <-- { HDR, SK {} }
        let effects = harness.deliver(try client.request(.informational, []))
        let response = try client.open(Harness.sent(effects))
        #expect(response.header.isResponse && response.payloads.isEmpty)
        #expect(Harness.steps(effects).isEmpty)
    }

    @Test func testRequestsOutsideTheWindowAreDropped() throws {
        var (harness, client, _) = try established()
        client.nextMessageID = 5   // expected is 2
        let effects = harness.deliver(try client.request(.informational, []))
        #expect(Harness.sent(effects).isEmpty)
        #expect(effects.contains { if case .protocolError(let e) = $0 { e.code == .unexpectedMessage } else { false } })
    }

    @Test func testTamperedRequestIsDroppedUnanswered() throws {
        var (harness, client, _) = try established()
        var bytes = try client.request(.informational, [.delete(.ikeSA)])[0]
        bytes[bytes.count - 1] ^= 0x80
        let effects = harness.deliver([bytes])
        #expect(Harness.sent(effects).isEmpty)
        #expect(effects.contains { if case .protocolError(let e) = $0 { e.code == .integrityCheckFailed } else { false } })
        #expect(harness.table.count == 1)
    }

    @Test func testDeadPeerIsRemoved_whenDPDGoesUnanswered() throws {
        let dpd = ResponderConfiguration.DeadPeerDetection(intervalSeconds: 10, retryIntervalSeconds: 2, retries: 3)
        var (harness, _, _) = try established(Harness.configuration(dpd: dpd))
        // 10 s of silence --> <-- INFORMATIONAL { HDR, SK {} } (DPD), then 3 retransmissions 2 s apart.
        harness.advance(seconds: 11)
        var probes = 0
        var ended: SessionEnd?
        for _ in 0..<10 where ended == nil {
            let effects = harness.fireDueTimers(from: harness.log)
            probes += Harness.sent(effects).count
            ended = Harness.sessionEnd(effects)
            if ended != nil {
                #expect(Harness.steps(effects) == Self.teardown)
            }
            harness.advance(seconds: 2)
        }
        #expect(probes == 4)
        #expect(ended?.reason == .deadPeer)
        #expect(harness.table.count == 0)
    }

    /// A profile without `aaa accounting` for PSK: the session comes up (and is reported up)
    /// but sends no accounting, so its teardown has no Stop either.
    @Test func testSessionOfAProfileWithoutAccounting_sendsNoAccountingAndNoStop() throws {
        var configuration = Harness.configuration()
        configuration.profiles = [ResponderProfile(
            name: "unaccounted", match: ProfileMatch(identities: [.any]), remoteAuthentication: [.sharedKey],
            localIdentity: Harness.gatewayIdentity, childProposals: configuration.childProposals,
            protectedSelectors: [Harness.protectedSubnet], accountedMethods: [.eap])]
        var (harness, _, setup) = try established(configuration)
        let starts = setup.effects.compactMap { effect -> AccountingStart? in
            if case .accountingStart(let start) = effect { start } else { nil }
        }
        #expect(starts.count == 1 && starts.first?.accounted == false)
        let effects = harness.record(harness.table.deleteSession(setup.session, at: harness.now))
        #expect(Harness.steps(effects) == ["deleteChildSA", "deleteVirtualAccess", "releaseAddress"])
    }

    @Test func testDPDIsSatisfied_whenPeerAnswers() throws {
        let dpd = ResponderConfiguration.DeadPeerDetection(intervalSeconds: 10, retryIntervalSeconds: 2, retries: 3)
        var (harness, client, _) = try established(Harness.configuration(dpd: dpd))
        harness.advance(seconds: 11)
        let probe = try client.open(Harness.sent(harness.fireDueTimers(from: harness.log)))
        #expect(probe.payloads.isEmpty && !probe.header.isResponse)
        // --> { HDR, SK {} } answers the probe.
        _ = harness.deliver(try client.seal(.informational, messageID: probe.header.messageID.rawValue, isResponse: true, payloads: []))
        harness.advance(seconds: 3)
        let later = harness.fireDueTimers(from: harness.log)
        #expect(Harness.sessionEnd(later) == nil)
        #expect(Harness.sent(later).isEmpty)   // neither a retransmission nor a new probe yet
        #expect(harness.table.count == 1)
    }

    @Test func testClearCryptoSession_releasesAndSendsDelete() throws {
        var (harness, client, setup) = try established()
        let effects = harness.record(harness.table.deleteSession(setup.session, at: harness.now))
        #expect(Harness.steps(effects) == ["deleteChildSA", "deleteVirtualAccess", "releaseAddress", "accountingStop"])
        let delete = try client.open(Harness.sent(effects))
        #expect(delete.payloads == [.delete(.ikeSA)])
        let end = harness.deliver(try client.seal(.informational, messageID: delete.header.messageID.rawValue, isResponse: true, payloads: []))
        #expect(Harness.sessionEnd(end)?.reason == .administrative)
        #expect(harness.table.count == 0)
    }

    @Test func testInitialContactEndsTheOldSessionOfTheSameIdentity() throws {
        var (harness, _, first) = try established()
        // The same client reconnects after a reboot with INITIAL_CONTACT (RFC 7296 §2.4).
        var again = try TestInitiator(suite: try Harness.suites()[0], endpoint: Harness.client, gateway: Harness.gateway)
        try harness.initialExchange(&again)
        let effects = harness.deliver(try again.request(.ikeAuth, Harness.ikeAuthPayloads(again, initialContact: true)))
        let auth = try #require(Harness.authRequest(effects))
        let next = harness.record(harness.table.handle(authResult: try harness.broker(auth), session: auth.session, at: harness.now))
        let end = Harness.sessionEnd(next)
        #expect(end?.session == first.session && end?.reason == .replacedByInitialContact)
        // The old session is released before the new one allocates (so it can get its address back).
        #expect(Harness.steps(next) == Self.teardown + ["allocateAddress"])
    }
}

/// Retransmission of our own requests (RFC 7296 §2.4; strongSwan defaults 4 s × 1.8ⁿ, 5 tries).
@Suite struct RetransmissionTests {
    @Test func testOwnRequestIsRetransmittedWithBackoff_thenThePeerIsDead() throws {
        var harness = Harness(configuration: Harness.configuration(lifetimes: .init(childSASeconds: 100)))
        var client = try TestInitiator(suite: try Harness.suites()[0], endpoint: Harness.client, gateway: Harness.gateway)
        let setup = try harness.establish(&client)
        harness.advance(seconds: 91)
        let first = harness.fireDueTimers(from: setup.effects)
        let request = Harness.sent(first)
        try #require(request.count == 1)
        var deadline = try #require(Harness.timers(first).first { $0.kind == .retransmission })
        var waits: [Int64] = []
        var ended: SessionEnd?
        while ended == nil, waits.count < 10 {
            waits.append(deadline.deadline.milliseconds(since: harness.now))
            harness.now = deadline.deadline
            let effects = harness.record(harness.table.handle(timer: deadline, at: harness.now))
            ended = Harness.sessionEnd(effects)
            if ended == nil {
                // The same octets again (RFC 7296 §2.1: retransmissions are identical).
                #expect(Harness.sent(effects) == request)
                deadline = try #require(Harness.timers(effects).first { $0.kind == .retransmission })
            }
        }
        // 4 s, 7.2 s, 12.96 s, 23.328 s, 41.99 s, then 75.58 s after the fifth retransmission.
        #expect(waits == [4000, 7200, 12960, 23328, 41990, 75582])
        #expect(ended?.reason == .deadPeer)
        #expect(harness.table.count == 0)
    }

    @Test func testLateResponseToAnOldRequestIsIgnored() throws {
        var harness = Harness()
        var client = try TestInitiator(suite: try Harness.suites()[0], endpoint: Harness.client, gateway: Harness.gateway)
        _ = try harness.establish(&client)
        // A "response" with a Message ID we never used.
        let bogus = try client.seal(.informational, messageID: 9, isResponse: true, payloads: [])
        let effects = harness.deliver(bogus)
        #expect(Harness.sent(effects).isEmpty && Harness.steps(effects).isEmpty)
        #expect(effects.contains { if case .protocolError(let e) = $0 { e.code == .unexpectedMessage } else { false } })
    }
}

/// Hostile input: nothing a peer sends may trap or be answered without authentication.
@Suite struct HostileInputTests {
    @Test func testEveryPrefixAndEveryFlippedOctetOfAProtectedRequestIsDropped() throws {
        var harness = Harness()
        var client = try TestInitiator(suite: try Harness.suites()[1], endpoint: Harness.client, gateway: Harness.gateway)
        try harness.initialExchange(&client)
        let request = try client.request(.ikeAuth, Harness.ikeAuthPayloads(client))[0]
        for length in 0..<request.count {
            let effects = harness.deliver([Array(request[0..<length])])
            #expect(Harness.sent(effects).isEmpty && Harness.steps(effects).isEmpty, "prefix \(length)")
        }
        // Flipping any octet after the SPIs (which would route elsewhere) breaks the ICV or the header.
        for index in 16..<request.count {
            var bytes = request
            bytes[index] ^= 0x01
            let effects = harness.deliver([bytes])
            #expect(Harness.sent(effects).isEmpty && Harness.steps(effects).isEmpty, "octet \(index)")
        }
        // The untouched request still works afterwards.
        #expect(Harness.authRequest(harness.deliver([request])) != nil)
    }

    @Test func testAuthenticRequestWithUnknownCriticalPayload_isAnsweredWithItsType() throws {
        var harness = Harness()
        var client = try TestInitiator(suite: try Harness.suites()[0], endpoint: Harness.client, gateway: Harness.gateway)
        _ = try harness.establish(&client)
        // INFORMATIONAL { HDR, SK {<critical payload type 201>} } --> <-- { N(UNSUPPORTED_CRITICAL_PAYLOAD, 201) }
        let effects = harness.deliver(try client.request(.informational, [
            .unknown(UnknownPayload(type: PayloadType(201), flags: .critical, body: [0, 0])),
        ]))
        let response = try client.open(Harness.sent(effects))
        guard case .notify(let notify)? = response.payloads.first else { Issue.record("no notify"); return }
        #expect(notify.notifyType == .unsupportedCriticalPayload && notify.data == [201])
        #expect(harness.table.count == 1)
    }

    @Test func testLateCopyOfIKESAInitIsDropped_onceIKEAuthStarted() throws {
        var harness = Harness()
        var client = try TestInitiator(suite: try Harness.suites()[0], endpoint: Harness.client, gateway: Harness.gateway)
        try harness.initialExchange(&client)
        _ = harness.deliver(try client.request(.ikeAuth, Harness.ikeAuthPayloads(client)))
        let effects = harness.deliver([client.initRequest])
        #expect(Harness.sent(effects).isEmpty)
        #expect(harness.table.count == 1)
    }
}

/// Hard lifetimes: what was not rekeyed in time is removed.
@Suite struct LifetimeTests {
    @Test func testChildSAIsDeleted_whenItsLifetimeEndsUnrekeyed() throws {
        var harness = Harness(configuration: Harness.configuration(lifetimes: .init(childSASeconds: 100)))
        var client = try TestInitiator(suite: try Harness.suites()[0], endpoint: Harness.client, gateway: Harness.gateway)
        let setup = try harness.establish(&client)
        // The rekey at 90 s gets TEMPORARY_FAILURE from the client; at 100 s the SA is deleted.
        harness.advance(seconds: 91)
        let rekey = try client.open(Harness.sent(harness.fireDueTimers(from: harness.log)))
        _ = harness.deliver(try client.seal(.createChildSA, messageID: rekey.header.messageID.rawValue, isResponse: true,
                                            payloads: [.notify(NotifyPayload(type: .temporaryFailure))]))
        harness.advance(seconds: 10)
        let expired = harness.fireDueTimers(from: harness.log)
        #expect(Harness.steps(expired) == ["deleteChildSA"])
        let delete = try client.open(Harness.sent(expired))
        #expect(delete.payloads == [.delete(.childSAs(protocolID: .esp, spis: [setup.installation.inbound.spi]))])
    }

    @Test func testSessionEnds_whenTheIKESALifetimeEndsUnrekeyed() throws {
        var harness = Harness(configuration: Harness.configuration(lifetimes: .init(ikeSASeconds: 100, childSASeconds: 1000)))
        var client = try TestInitiator(suite: try Harness.suites()[0], endpoint: Harness.client, gateway: Harness.gateway)
        _ = try harness.establish(&client)
        harness.advance(seconds: 91)
        let rekey = try client.open(Harness.sent(harness.fireDueTimers(from: harness.log)))
        _ = harness.deliver(try client.seal(.createChildSA, messageID: rekey.header.messageID.rawValue, isResponse: true,
                                            payloads: [.notify(NotifyPayload(type: .noProposalChosen))]))
        harness.advance(seconds: 10)
        let expired = harness.fireDueTimers(from: harness.log)
        #expect(Harness.steps(expired) == ["deleteChildSA", "deleteVirtualAccess", "releaseAddress", "accountingStop"])
        #expect(try client.open(Harness.sent(expired)).payloads == [.delete(.ikeSA)])
    }
}
