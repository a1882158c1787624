import Foundation
import HubVocabulary
import IKECrypto
import IKEExchanges
import IKEWire
import Testing

/// IKE_SA_INIT against the responder: negotiation, stateless answers, limits, retransmits.
@Suite struct IKESAInitExchangeTests {
    private func client(_ index: Int = 0, keGroup: DiffieHellmanGroup? = nil) throws -> TestInitiator {
        try TestInitiator(suite: try Harness.suites()[index], keGroup: keGroup, endpoint: Harness.client, gateway: Harness.gateway)
    }

    @Test func testResponseAnnouncesFragmentationAndHashes_whenInitiatorDoes() throws {
        var harness = Harness()
        var initiator = try client()
        try harness.initialExchange(&initiator)
        let notifies = Harness.notifies(initiator.initResponsePayloads)
        #expect(notifies.contains(.ikev2FragmentationSupported))
        #expect(notifies.contains(.signatureHashAlgorithms))
        #expect(notifies.contains(.natDetectionSourceIP) && notifies.contains(.natDetectionDestinationIP))
        #expect(harness.table.halfOpenCount == 1)
    }

    @Test func testInvalidKEPayloadNamesPreferredGroup_andSecondRequestIsAccepted() throws {
        var harness = Harness()
        // SAi1 offers CURVE_25519 and ECP_256 but KEi is ECP_256: our policy prefers 25519.
        var initiator = try client(0, keGroup: .ecp384)
        initiator.extraGroups = [.ecp384]
        // IKE_SA_INIT { SAi1(…, 31, 20), KEi(20), Ni } -->
        let first = Harness.sent(harness.deliver([try initiator.makeInitRequest()]))
        // <-- { N(INVALID_KE_PAYLOAD, 31) }, and nothing kept (stateless)
        #expect(try initiator.takeInitResponse(first[0]) == .invalidKE(DiffieHellmanGroup.curve25519.transformID))
        #expect(harness.table.count == 0)
        // IKE_SA_INIT { SAi1, KEi(31), Ni } --> <-- { SAr1, KEr, Nr }
        initiator.keyExchange = try KeyExchange(group: .curve25519)
        let second = Harness.sent(harness.deliver([try initiator.makeInitRequest()]))
        #expect(try initiator.takeInitResponse(second[0]) == .accepted)
        #expect(harness.table.count == 1)
    }

    @Test func testCookieRoundTrip_whenHalfOpenSAsExceedThreshold() throws {
        var harness = Harness(configuration: Harness.configuration(limits: .init(cookieChallengeThreshold: 0)))
        var initiator = try client()
        // IKE_SA_INIT { SAi1, KEi, Ni } --> <-- { N(COOKIE) } (RFC 7296 §2.6), no state kept.
        let first = Harness.sent(harness.deliver([try initiator.makeInitRequest()]))
        guard case .cookie(let cookie) = try initiator.takeInitResponse(first[0]) else {
            Issue.record("no COOKIE")
            return
        }
        #expect(NotifyPayload.cookieLengthRange.contains(cookie.count))
        #expect(harness.table.count == 0)
        // A forged cookie gets a fresh challenge, not an SA.
        initiator.cookie = cookie.map { $0 ^ 0x01 }
        #expect(try initiator.takeInitResponse(Harness.sent(harness.deliver([try initiator.makeInitRequest()]))[0]) == .cookie(cookie))
        // IKE_SA_INIT { N(COOKIE), SAi1, KEi, Ni } --> <-- { SAr1, KEr, Nr }
        initiator.cookie = cookie
        let second = Harness.sent(harness.deliver([try initiator.makeInitRequest()]))
        #expect(try initiator.takeInitResponse(second[0]) == .accepted)
        #expect(harness.table.statistics.cookiesSent == 2)
    }

    @Test func testNoProposalChosen_whenNothingMatches() throws {
        var harness = Harness()
        let suite = TestInitiator.Suite(encryption: try EncryptionTransform(.aesCTR, keyLengthBits: 128), integrity: .hmacSHA1_96,
                                        prf: .hmacSHA1, group: .modp1024)
        var initiator = try TestInitiator(suite: suite, endpoint: Harness.client, gateway: Harness.gateway)
        let answer = Harness.sent(harness.deliver([try initiator.makeInitRequest()]))
        #expect(try initiator.takeInitResponse(answer[0]) == .refused(.noProposalChosen))
        #expect(harness.table.count == 0)
    }

    @Test func testRetransmittedInitGetsIdenticalResponse() throws {
        var harness = Harness()
        var initiator = try client(2)
        let request = try initiator.makeInitRequest()
        let first = Harness.sent(harness.deliver([request]))
        let second = Harness.sent(harness.deliver([request]))
        #expect(first == second)
        #expect(harness.table.count == 1)
        #expect(harness.table.statistics.initRetransmissionsAnswered == 1)
    }

    @Test func testRequestsAreDropped_whenHalfOpenLimitIsReached() throws {
        var harness = Harness(configuration: Harness.configuration(limits: .init(maximumHalfOpen: 2)))
        for _ in 0..<3 {
            var initiator = try client()
            _ = harness.deliver([try initiator.makeInitRequest()])
        }
        #expect(harness.table.halfOpenCount == 2)
        #expect(harness.table.statistics.droppedAtHalfOpenLimit == 1)
    }

    @Test func testHalfOpenSAExpires_whenIKEAuthNeverComes() throws {
        var harness = Harness()
        var initiator = try client()
        let effects = harness.deliver([try initiator.makeInitRequest()])
        harness.advance(seconds: 31)
        let expired = harness.fireDueTimers(from: effects)
        #expect(Harness.sessionEnd(expired)?.reason == .halfOpenTimeout)
        #expect(harness.table.count == 0)
    }

    @Test func testNATIsDetectedAndESPIsUDPEncapsulated_whenClientIsBehindNAT() throws {
        var harness = Harness()
        var initiator = try client()
        // The client believes it is 192.168.1.10:500; the datagrams come from 203.0.113.7:500.
        initiator.claimedEndpoint = Endpoint(address: .v4(IPv4Address(0xc0a8_010a)), port: 500)
        try harness.initialExchange(&initiator)
        // After IKE_SA_INIT the client floats to 4500 (RFC 7296 §2.23).
        initiator.endpoint = Endpoint(address: Harness.client.address, port: 4500)
        var effects = harness.deliver(try initiator.request(.ikeAuth, Harness.ikeAuthPayloads(initiator)),
                                      from: initiator.endpoint, to: Endpoint(address: Harness.gateway.address, port: 4500))
        let auth = try #require(Harness.authRequest(effects))
        effects += harness.table.handle(authResult: try harness.broker(auth), session: auth.session, at: harness.now)
        effects += harness.table.handle(addressResult: .assigned(Harness.assignment), session: auth.session, at: harness.now)
        effects += harness.table.handle(virtualAccessResult: .created(VirtualAccessInterface(index: 2)), session: auth.session, at: harness.now)
        let installation = try #require(Harness.installation(effects))
        #expect(installation.encapsulation == .udp)
        #expect(installation.remote.port == 4500)
        let final = harness.table.handle(childSAInstallResult: .installed, session: auth.session,
                                         inboundSPI: installation.inbound.spi, at: harness.now)
        guard case .send(let datagram)? = final.first(where: { if case .send = $0 { true } else { false } }) else {
            Issue.record("no response")
            return
        }
        #expect(datagram.needsNonESPMarker && datagram.remote.port == 4500)
        #expect(harness.table.snapshot(at: harness.now).first?.natDetected == true)
    }

    // MARK: - Captured requests from real peers

    static let capturedRequests = [
        "natt-conn1-ike_sa_init-request.hex", "natt-conn2-ike_sa_init-request.hex", "cisco-ios-ike_sa_init-request.hex",
        "wireshark-ccm12-ike_sa_init-request.hex", "unidentified-ike_sa_init-request.hex",
    ]

    /// Reads a vector of the IKEWire tests (comment lines start with `#`; a leading non-ESP marker is removed).
    static func vector(_ name: String) throws -> [UInt8] {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("IKEWireTests/Vectors")
        let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
        let hex = text.split(separator: "\n").filter { !$0.hasPrefix("#") }.joined()
        let bytes = try #require(Hex.decode(hex))
        return UDPDatagramClassifier.ikeMessage(inNATTraversalDatagram: bytes).map(Array.init) ?? bytes
    }

    @Test(arguments: capturedRequests)
    func testCapturedRequestGetsAWellFormedAnswer(_ name: String) throws {
        let request = try Self.vector(name)
        let offered = try IKEMessage.parse(request)
        var harness = Harness(configuration: {
            var configuration = Harness.configuration()
            configuration.ikeProposals.append(.iosDefault())
            return configuration
        }())
        let effects = harness.deliver([request])
        let answers = Harness.sent(effects)
        try #require(answers.count == 1, "no answer to \(name): \(effects)")
        let response = try IKEMessage.parse(answers[0])
        try response.validate()
        try MessageRules.verify(response, against: MessageRules.ikeSAInitResponse)
        #expect(response.header.isResponse && response.header.initiatorSPI == offered.header.initiatorSPI)
        // Either an SA was negotiated (SAr1 with one proposal) or a notify explains why not.
        let proposals = response.payloads.compactMap { if case .securityAssociation(let sa) = $0 { sa.proposals } else { nil } }
        if let chosen = proposals.first {
            #expect(chosen.count == 1)
            #expect(response.payloads.contains { $0.type == .keyExchange } && response.payloads.contains { $0.type == .nonce })
        } else {
            #expect(!Harness.notifies(response.payloads).isEmpty)
        }
    }
}

/// The front door's answers to broken or abusive first requests.
@Suite struct IKESAInitFrontDoorTests {
    @Test func testHigherMajorVersionIsAnsweredWithInvalidMajorVersion() throws {
        var harness = Harness()
        var initiator = try TestInitiator(suite: try Harness.suites()[0], endpoint: Harness.client, gateway: Harness.gateway)
        var request = try initiator.makeInitRequest()
        request[17] = 0x30   // IKE version 3.0
        let answers = Harness.sent(harness.deliver([request]))
        try #require(answers.count == 1)
        let reply = try IKEMessage.parse(answers[0])
        #expect(reply.header.majorVersion == 2 && reply.header.isResponse)
        #expect(Harness.notifies(reply.payloads) == [.invalidMajorVersion])
        #expect(harness.table.count == 0)
    }

    @Test func testUnknownCriticalPayloadIsAnsweredWithItsType() throws {
        var harness = Harness()
        var initiator = try TestInitiator(suite: try Harness.suites()[0], endpoint: Harness.client, gateway: Harness.gateway)
        var message = try IKEMessage.parse(try initiator.makeInitRequest())
        message.payloads.append(.unknown(UnknownPayload(type: PayloadType(200), flags: .critical, body: [1, 2, 3, 4])))
        let answers = Harness.sent(harness.deliver([message.serialize()]))
        try #require(answers.count == 1)
        let reply = try IKEMessage.parse(answers[0])
        guard case .notify(let notify)? = reply.payloads.first else { Issue.record("no notify"); return }
        #expect(notify.notifyType == .unsupportedCriticalPayload && notify.data == [200])
    }

    @Test func testOnePeerCannotHoldMoreThanItsShareOfHalfOpenSAs() throws {
        var harness = Harness(configuration: Harness.configuration(limits: .init(maximumHalfOpenPerPeer: 2)))
        for _ in 0..<3 {
            var initiator = try TestInitiator(suite: try Harness.suites()[0], endpoint: Harness.client, gateway: Harness.gateway)
            _ = harness.deliver([try initiator.makeInitRequest()])
        }
        #expect(harness.table.halfOpenCount == 2)
        #expect(harness.table.statistics.droppedAtPeerLimit == 1)
        // Another address is not affected.
        let other = Endpoint(address: .v4(IPv4Address(0xcb00_7108)), port: 500)
        var initiator = try TestInitiator(suite: try Harness.suites()[0], endpoint: other, gateway: Harness.gateway)
        _ = harness.deliver([try initiator.makeInitRequest()], from: other)
        #expect(harness.table.halfOpenCount == 3)
    }
}
