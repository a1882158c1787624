import HubVocabulary
import IKECrypto
import IKEExchanges
import IKEWire
import Testing

/// CREATE_CHILD_SA rekeys in both directions, and their collision (RFC 7296 §1.3, §2.8).
@Suite struct CreateChildSAExchangeTests {
    static let clientTSi = [TrafficSelector.host(.v4(Harness.assignedAddress))]
    static let clientTSr = [Harness.protectedSubnet]

    private func established(_ configuration: ResponderConfiguration = Harness.configuration())
        throws -> (Harness, TestInitiator, Harness.Setup) {
        var harness = Harness(configuration: configuration)
        var client = try TestInitiator(suite: try Harness.suites()[0], endpoint: Harness.client, gateway: Harness.gateway)
        let setup = try harness.establish(&client)
        return (harness, client, setup)
    }

    /// The client's `SK {N(REKEY_SA), SA, Ni, [KEi], TSi, TSr}`.
    private func rekeyRequest(oldSPI: UInt32, newSPI: UInt32, nonce: [UInt8], keyExchange: KeyExchange?,
                              offeredGroups: [DiffieHellmanGroup]? = nil) throws -> [Payload] {
        var payloads: [Payload] = [
            .notify(.rekeySA(protocol: .esp, spi: oldSPI)),
            .securityAssociation(SecurityAssociationPayload(proposals: [
                espProposal(spi: newSPI, encryption: try EncryptionTransform(.aesGCM16, keyLengthBits: 256),
                            groups: offeredGroups ?? keyExchange.map { [$0.group] } ?? []),
            ])),
            .nonce(NoncePayload(data: nonce)),
            .trafficSelectorInitiator(TrafficSelectorPayload(Self.clientTSi)),
            .trafficSelectorResponder(TrafficSelectorPayload(Self.clientTSr)),
        ]
        if let keyExchange {
            payloads.append(.keyExchange(KeyExchangePayload(group: keyExchange.group.transformID, keyExchangeData: keyExchange.publicValue)))
        }
        return payloads
    }

    @Test(arguments: [false, true])
    func testChildSAIsRekeyed_whenClientRekeys(withPFS: Bool) throws {
        var (harness, client, setup) = try established(Harness.configuration(childPFS: withPFS ? .ecp256 : nil))
        let nonce = try SystemRandom().nonce()
        let keyExchange = withPFS ? try KeyExchange(group: .ecp256) : nil
        // CREATE_CHILD_SA { HDR, SK {N(REKEY_SA, c0ffee01), SA, Ni, [KEi], TSi, TSr} } -->
        let effects = harness.deliver(try client.request(.createChildSA, rekeyRequest(
            oldSPI: 0xc0ff_ee01, newSPI: 0xc0ff_ee02, nonce: nonce, keyExchange: keyExchange)))
        let installation = try #require(Harness.installation(effects))
        #expect(installation.replacesInboundSPI == setup.installation.inbound.spi)
        #expect(installation.outbound.spi == 0xc0ff_ee02)
        #expect(Harness.sent(effects).isEmpty)   // the answer waits for tunneld
        // tunneld: installed --> <-- { HDR, SK {SA, Nr, [KEr], TSi, TSr} }
        let answer = harness.record(harness.table.handle(childSAInstallResult: .installed, session: setup.session,
                                                         inboundSPI: installation.inbound.spi, at: harness.now))
        let response = try client.open(Harness.sent(answer))
        guard case .nonce(let nr)? = response.payloads.first(where: { $0.type == .nonce }),
              case .securityAssociation(let sa)? = response.payloads.first(where: { $0.type == .securityAssociation }) else {
            Issue.record("no SA/Nr in \(response.payloads.map(\.type))")
            return
        }
        #expect(sa.proposals.first?.spi == (0..<4).map { UInt8(truncatingIfNeeded: installation.inbound.spi >> (24 - 8 * $0)) })
        // KEYMAT = prf+(SK_d, [g^ir] | Ni | Nr), computed here independently (RFC 7296 §2.17).
        var shared: SecretBytes?
        if let keyExchange {
            guard case .keyExchange(let kr)? = response.payloads.first(where: { $0.type == .keyExchange }) else {
                Issue.record("no KEr with PFS")
                return
            }
            shared = try keyExchange.sharedSecret(peer: kr.keyExchangeData)
        } else {
            #expect(!response.payloads.contains { $0.type == .keyExchange })
        }
        let keymat = try ChildKeyMaterial.derive(transforms: installation.transforms, prf: client.suite.prf,
                                                 skD: try #require(client.skD), initiatorNonce: nonce, responderNonce: nr.data,
                                                 pfsSharedSecret: shared)
        #expect(installation.inbound.encryptionKey == keymat.initiatorToResponder.encryption)
        #expect(installation.outbound.encryptionKey == keymat.responderToInitiator.encryption)
        // INFORMATIONAL { D(ESP, c0ffee01) } --> .deleteChildSA(old) <-- { D(ESP, our old SPI) }
        let deleted = harness.deliver(try client.request(.informational, [.delete(.childSAs(protocolID: .esp, spis: [0xc0ff_ee01]))]))
        #expect(Harness.steps(deleted) == ["deleteChildSA"])
        let ack = try client.open(Harness.sent(deleted))
        #expect(ack.payloads == [.delete(.childSAs(protocolID: .esp, spis: [setup.installation.inbound.spi]))])
        #expect(harness.table.snapshot(at: harness.now).first?.children.map(\.inboundSPI) == [installation.inbound.spi])
    }

    @Test func testInvalidKEPayloadNamesPFSGroup_whenKEGroupDiffers() throws {
        var (harness, client, _) = try established(Harness.configuration(childPFS: .ecp256))
        // SA offers groups 31 and 19, KEi is 31; the profile's PFS group is 19.
        let effects = harness.deliver(try client.request(.createChildSA, rekeyRequest(
            oldSPI: 0xc0ff_ee01, newSPI: 0xc0ff_ee02, nonce: try SystemRandom().nonce(),
            keyExchange: try KeyExchange(group: .curve25519), offeredGroups: [.curve25519, .ecp256])))
        let response = try client.open(Harness.sent(effects))
        guard case .notify(let notify)? = response.payloads.first else { Issue.record("no notify"); return }
        #expect(try notify.invalidKEPayloadGroup() == DiffieHellmanGroup.ecp256.transformID)
    }

    @Test func testNoProposalChosen_whenPFSIsRequiredButNoKEIsSent() throws {
        var (harness, client, _) = try established(Harness.configuration(childPFS: .ecp256))
        let effects = harness.deliver(try client.request(.createChildSA, rekeyRequest(
            oldSPI: 0xc0ff_ee01, newSPI: 0xc0ff_ee02, nonce: try SystemRandom().nonce(), keyExchange: nil)))
        // No KE while the profile wants PFS group 19: NO_PROPOSAL_CHOSEN.
        #expect(Harness.notifies(try client.open(Harness.sent(effects)).payloads) == [.noProposalChosen])
    }

    @Test func testChildSANotFound_whenRekeyNamesUnknownSPI() throws {
        var (harness, client, _) = try established()
        let effects = harness.deliver(try client.request(.createChildSA, rekeyRequest(
            oldSPI: 0xdead_beef, newSPI: 0xc0ff_ee02, nonce: try SystemRandom().nonce(), keyExchange: nil)))
        #expect(Harness.notifies(try client.open(Harness.sent(effects)).payloads) == [.childSANotFound])
    }

    @Test func testIKESAIsRekeyed_andSessionMovesToTheNewSA() throws {
        var (harness, client, setup) = try established()
        let nonce = try SystemRandom().nonce()
        let keyExchange = try KeyExchange(group: client.suite.group)
        let newSPI = try SystemRandom().ikeSPI()
        // CREATE_CHILD_SA { HDR, SK {SA(IKE, SPIi'), Ni, KEi} } -->
        let effects = harness.deliver(try client.request(.createChildSA, [
            .securityAssociation(SecurityAssociationPayload(proposals: client.offeredProposals(spi: newSPI.bytes))),
            .nonce(NoncePayload(data: nonce)),
            .keyExchange(KeyExchangePayload(group: keyExchange.group.transformID, keyExchangeData: keyExchange.publicValue)),
        ]))
        #expect(Harness.steps(effects) == ["sessionMoved"])
        // <-- { HDR, SK {SA(IKE, SPIr'), Nr, KEr} }
        let response = try client.open(Harness.sent(effects))
        guard case .securityAssociation(let sa)? = response.payloads.first(where: { $0.type == .securityAssociation }),
              case .nonce(let nr)? = response.payloads.first(where: { $0.type == .nonce }),
              case .keyExchange(let kr)? = response.payloads.first(where: { $0.type == .keyExchange }),
              let responderSPI = IKESPI(bytes: sa.proposals.first?.spi ?? []) else {
            Issue.record("bad IKE rekey answer")
            return
        }
        var old = client
        // SKEYSEED' = prf(SK_d(old), g^ir' | Ni | Nr) (RFC 7296 §2.18), computed by the initiator.
        try client.adoptRekeyedSA(newInitiatorSPI: newSPI, newResponderSPI: responderSPI,
                                  sharedSecret: try keyExchange.sharedSecret(peer: kr.keyExchangeData),
                                  initiatorNonce: nonce, responderNonce: nr.data, weInitiated: true)
        // INFORMATIONAL { D(IKE) } on the old SA --> <-- {}: the old SA goes, the session stays.
        let gone = harness.deliver(try old.request(.informational, [.delete(.ikeSA)]))
        #expect(Harness.steps(gone).isEmpty)
        #expect(try old.open(Harness.sent(gone)).payloads.isEmpty)
        // The new SA works: a liveness check on it with Message ID 0.
        let live = harness.deliver(try client.request(.informational, []))
        #expect(try client.open(Harness.sent(live)).header.messageID == .zero)
        let rows = harness.table.snapshot(at: harness.now)
        #expect(rows.count == 1)
        #expect(rows.first?.identifier == IKESAIdentifier(initiatorSPI: newSPI, responderSPI: responderSPI))
        #expect(rows.first?.session == setup.session)
        #expect(rows.first?.children.count == 1)
    }

    /// Answers the engine's own CHILD_SA rekey request as a responder would.
    private func answerRekey(_ request: (header: IKEHeader, payloads: [Payload]), client: TestInitiator, nonce: [UInt8],
                             newSPI: UInt32) throws -> [[UInt8]] {
        #expect(request.header.exchangeType == .createChildSA && !request.header.isResponse)
        guard case .securityAssociation(let sa)? = request.payloads.first(where: { $0.type == .securityAssociation }),
              let offered = sa.proposals.first else { throw TestInitiator.Failure.unexpected("no SA in our rekey") }
        let chosen = Proposal(number: offered.number, protocolID: .esp,
                              spi: (0..<4).map { UInt8(truncatingIfNeeded: newSPI >> (24 - 8 * $0)) }, transforms: offered.transforms)
        return try client.seal(.createChildSA, messageID: request.header.messageID.rawValue, isResponse: true, payloads: [
            .securityAssociation(SecurityAssociationPayload(proposals: [chosen])), .nonce(NoncePayload(data: nonce)),
            .trafficSelectorInitiator(TrafficSelectorPayload(Self.clientTSr)),
            .trafficSelectorResponder(TrafficSelectorPayload(Self.clientTSi)),
        ])
    }

    @Test func testOwnRekeyAtSoftLifetime_deletesTheOldChildSA() throws {
        var (harness, client, setup) = try established(Harness.configuration(lifetimes: .init(childSASeconds: 100)))
        // Soft lifetime = 90 % of 100 s.
        harness.advance(seconds: 91)
        let fired = harness.fireDueTimers(from: setup.effects)
        // <-- CREATE_CHILD_SA { HDR, SK {N(REKEY_SA, our inbound), SA, Ni, TSi, TSr} }
        let request = try client.open(Harness.sent(fired))
        #expect(Harness.notifies(request.payloads) == [.rekeySA])
        // --> { HDR, SK {SA, Nr, TSi, TSr} }
        let installing = harness.deliver(try answerRekey(request, client: client, nonce: try SystemRandom().nonce(), newSPI: 0xc0ff_ee03))
        let installation = try #require(Harness.installation(installing))
        #expect(installation.outbound.spi == 0xc0ff_ee03)
        // Installed --> <-- INFORMATIONAL { D(ESP, old inbound) }
        let done = harness.record(harness.table.handle(childSAInstallResult: .installed, session: setup.session,
                                                       inboundSPI: installation.inbound.spi, at: harness.now))
        #expect(Harness.steps(done) == ["deleteChildSA"])
        let delete = try client.open(Harness.sent(done))
        #expect(delete.payloads == [.delete(.childSAs(protocolID: .esp, spis: [setup.installation.inbound.spi]))])
    }

    /// RFC 7296 §2.8.1: "If redundant SAs are created though such a collision, the SA
    /// created with the lowest of the four nonces used in the two exchanges SHOULD be
    /// closed by the endpoint that created it." The client picks its two nonces so that
    /// the lowest of the four is known: all-zero Ni in its own request puts it in the
    /// client's exchange (the client closes its SA, we close the old one); all-zero Nr in
    /// its answer to ours puts it in our exchange (we close the SA we created).
    @Test(arguments: [true, false])
    func testSimultaneousChildRekey_closesTheRedundantSAByTheLowestNonce(lowestInClientExchange: Bool) throws {
        var (harness, client, setup) = try established(Harness.configuration(lifetimes: .init(childSASeconds: 100)))
        let low = [UInt8](repeating: 0x00, count: 32), high = [UInt8](repeating: 0xff, count: 32)
        harness.advance(seconds: 91)
        // Both sides start a rekey of the same CHILD_SA at once:
        // <-- CREATE_CHILD_SA (ours, Message ID 0) … and --> CREATE_CHILD_SA (the client's, Message ID 2)
        let ours = try client.open(Harness.sent(harness.fireDueTimers(from: setup.effects)))
        let theirs = harness.deliver(try client.request(.createChildSA, rekeyRequest(
            oldSPI: 0xc0ff_ee01, newSPI: 0xc0ff_ee04, nonce: lowestInClientExchange ? low : high, keyExchange: nil)))
        let peerInstall = try #require(Harness.installation(theirs))
        let answered = harness.record(harness.table.handle(childSAInstallResult: .installed, session: setup.session,
                                                           inboundSPI: peerInstall.inbound.spi, at: harness.now))
        _ = try client.open(Harness.sent(answered))   // the client's exchange completed
        // The client answers ours --> and both new SAs exist.
        let installing = harness.deliver(try answerRekey(ours, client: client, nonce: lowestInClientExchange ? high : low,
                                                         newSPI: 0xc0ff_ee05))
        let ownInstall = try #require(Harness.installation(installing))
        let resolved = harness.record(harness.table.handle(childSAInstallResult: .installed, session: setup.session,
                                                           inboundSPI: ownInstall.inbound.spi, at: harness.now))
        let delete = try client.open(Harness.sent(resolved))
        if lowestInClientExchange {
            // The client closes the SA its exchange created; we (the other creator) close the old one.
            #expect(delete.payloads == [.delete(.childSAs(protocolID: .esp, spis: [setup.installation.inbound.spi]))])
        } else {
            // Lowest nonce in our exchange: we close the SA we created.
            #expect(delete.payloads == [.delete(.childSAs(protocolID: .esp, spis: [ownInstall.inbound.spi]))])
        }
        #expect(Harness.steps(resolved) == ["deleteChildSA"])
    }

    @Test func testOwnIKERekey_movesTheSessionAndDeletesTheOldSA() throws {
        var (harness, client, setup) = try established(Harness.configuration(lifetimes: .init(ikeSASeconds: 200)))
        harness.advance(seconds: 181)
        // <-- CREATE_CHILD_SA { HDR, SK {SA(IKE, SPIi'), Ni, KEi} }
        let request = try client.open(Harness.sent(harness.fireDueTimers(from: setup.effects)))
        guard case .securityAssociation(let sa)? = request.payloads.first(where: { $0.type == .securityAssociation }),
              case .nonce(let ni)? = request.payloads.first(where: { $0.type == .nonce }),
              case .keyExchange(let ki)? = request.payloads.first(where: { $0.type == .keyExchange }),
              let offered = sa.proposals.first, let engineSPI = IKESPI(bytes: offered.spi) else {
            Issue.record("bad IKE rekey request")
            return
        }
        let keyExchange = try KeyExchange(group: client.suite.group)
        let nonce = try SystemRandom().nonce()
        let clientSPI = try SystemRandom().ikeSPI()
        let chosen = Proposal(number: offered.number, protocolID: .ike, spi: clientSPI.bytes, transforms: offered.transforms)
        // --> { HDR, SK {SA(IKE, SPIr'), Nr, KEr} }
        let moved = harness.deliver(try client.seal(.createChildSA, messageID: request.header.messageID.rawValue, isResponse: true,
                                                    payloads: [.securityAssociation(SecurityAssociationPayload(proposals: [chosen])),
                                                               .nonce(NoncePayload(data: nonce)),
                                                               .keyExchange(KeyExchangePayload(group: keyExchange.group.transformID,
                                                                                               keyExchangeData: keyExchange.publicValue))]))
        #expect(Harness.steps(moved) == ["sessionMoved"])
        // <-- INFORMATIONAL { D(IKE) } on the old SA (the rekey initiator deletes it, RFC 7296 §2.18)
        let old = client
        let delete = try old.open(Harness.sent(moved))
        #expect(delete.payloads == [.delete(.ikeSA)])
        _ = harness.deliver(try old.seal(.informational, messageID: delete.header.messageID.rawValue, isResponse: true, payloads: []))
        // We are now the original initiator of the new SA.
        try client.adoptRekeyedSA(newInitiatorSPI: engineSPI, newResponderSPI: clientSPI,
                                  sharedSecret: try keyExchange.sharedSecret(peer: ki.keyExchangeData),
                                  initiatorNonce: ni.data, responderNonce: nonce, weInitiated: false)
        let live = harness.deliver(try client.request(.informational, []))
        #expect(try client.open(Harness.sent(live)).payloads.isEmpty)
        let rows = harness.table.snapshot(at: harness.now)
        #expect(rows.count == 1)
        #expect(rows.first?.role == .originalInitiator)
        #expect(rows.first?.session == setup.session)
    }

    /// RFC 7296 §2.8.2: in a simultaneous IKE SA rekey "the new IKE SA ... created with the
    /// lowest of the four nonces SHOULD be deleted by the node that created it", and the
    /// winner deletes the old IKE SA.
    @Test(arguments: [true, false])
    func testSimultaneousIKERekey_keepsTheSAWithoutTheLowestNonce(lowestInClientExchange: Bool) throws {
        var (harness, client, setup) = try established(Harness.configuration(lifetimes: .init(ikeSASeconds: 200)))
        let low = [UInt8](repeating: 0x00, count: 32), high = [UInt8](repeating: 0xff, count: 32)
        harness.advance(seconds: 181)
        // <-- CREATE_CHILD_SA { SA(IKE, SPIi_ours), Ni, KEi } (ours, on the old SA)
        let ours = try client.open(Harness.sent(harness.fireDueTimers(from: setup.effects)))
        guard case .securityAssociation(let ourSA)? = ours.payloads.first(where: { $0.type == .securityAssociation }),
              case .nonce(let ourNi)? = ours.payloads.first(where: { $0.type == .nonce }),
              case .keyExchange(let ourKE)? = ours.payloads.first(where: { $0.type == .keyExchange }),
              let ourSPI = IKESPI(bytes: ourSA.proposals.first?.spi ?? []) else {
            Issue.record("bad IKE rekey request")
            return
        }
        // --> CREATE_CHILD_SA { SA(IKE, SPIi_client), Ni, KEi } (the client's, crossing ours)
        let clientKE = try KeyExchange(group: client.suite.group)
        let clientSPI = try SystemRandom().ikeSPI()
        let theirs = harness.deliver(try client.request(.createChildSA, [
            .securityAssociation(SecurityAssociationPayload(proposals: client.offeredProposals(spi: clientSPI.bytes))),
            .nonce(NoncePayload(data: lowestInClientExchange ? low : high)),
            .keyExchange(KeyExchangePayload(group: clientKE.group.transformID, keyExchangeData: clientKE.publicValue)),
        ]))
        #expect(Harness.steps(theirs) == ["sessionMoved"])
        _ = try client.open(Harness.sent(theirs))
        // The client answers ours --> { SA(IKE, SPIr_client'), Nr, KEr }
        let answerKE = try KeyExchange(group: client.suite.group)
        let answerSPI = try SystemRandom().ikeSPI()
        let chosen = Proposal(number: 1, protocolID: .ike, spi: answerSPI.bytes, transforms: ourSA.proposals[0].transforms)
        let resolved = harness.deliver(try client.seal(.createChildSA, messageID: ours.header.messageID.rawValue, isResponse: true, payloads: [
            .securityAssociation(SecurityAssociationPayload(proposals: [chosen])),
            .nonce(NoncePayload(data: lowestInClientExchange ? high : low)),
            .keyExchange(KeyExchangePayload(group: answerKE.group.transformID, keyExchangeData: answerKE.publicValue)),
        ]))
        // Our new SA, as the client derives it (we are its original initiator).
        var ourNew = client
        try ourNew.adoptRekeyedSA(newInitiatorSPI: ourSPI, newResponderSPI: answerSPI,
                                  sharedSecret: try answerKE.sharedSecret(peer: ourKE.keyExchangeData),
                                  initiatorNonce: ourNi.data, responderNonce: lowestInClientExchange ? high : low, weInitiated: false)
        let deletes = Harness.sent(resolved)
        try #require(deletes.count == 1)
        let sessionSA = harness.table.snapshot(at: harness.now).first { $0.state == "established" }
        if lowestInClientExchange {
            // The client's new SA is redundant (it deletes it); ours takes the session and we delete the old SA.
            #expect(try client.open(deletes).payloads == [.delete(.ikeSA)])
            #expect(Harness.steps(resolved) == ["sessionMoved"])
            #expect(sessionSA?.identifier == IKESAIdentifier(initiatorSPI: ourSPI, responderSPI: answerSPI))
        } else {
            // Ours is redundant: we delete it, on itself; the session stays on the client's new SA.
            #expect(try ourNew.open(deletes).payloads == [.delete(.ikeSA)])
            #expect(Harness.steps(resolved).isEmpty)
            #expect(sessionSA?.identifier.initiatorSPI == clientSPI)
        }
        #expect(sessionSA?.session == setup.session)
        #expect(sessionSA?.children.count == 1)
    }
}

/// RFC 7296 §2.25.1: a rekey that crosses the Delete of the SA it rekeys.
@Suite struct RekeyDeleteCollisionTests {
    @Test func testOurRekeyOfADeletedChildSA_deletesTheSAThePeerCreated() throws {
        var harness = Harness(configuration: Harness.configuration(lifetimes: .init(childSASeconds: 100)))
        var client = try TestInitiator(suite: try Harness.suites()[0], endpoint: Harness.client, gateway: Harness.gateway)
        let setup = try harness.establish(&client)
        harness.advance(seconds: 91)
        // <-- CREATE_CHILD_SA (our rekey) … --> INFORMATIONAL { D(ESP, c0ffee01) } crosses it.
        let ours = try client.open(Harness.sent(harness.fireDueTimers(from: setup.effects)))
        let deleted = harness.deliver(try client.request(.informational, [.delete(.childSAs(protocolID: .esp, spis: [0xc0ff_ee01]))]))
        #expect(Harness.steps(deleted) == ["deleteChildSA"])
        guard case .securityAssociation(let sa)? = ours.payloads.first(where: { $0.type == .securityAssociation }),
              let offered = sa.proposals.first else { Issue.record("no SA"); return }
        // The client still answers our rekey with a new SA --> we ask it to delete that one.
        let chosen = Proposal(number: offered.number, protocolID: .esp, spi: [0xc0, 0xff, 0xee, 0x09], transforms: offered.transforms)
        let answer = harness.deliver(try client.seal(.createChildSA, messageID: ours.header.messageID.rawValue, isResponse: true, payloads: [
            .securityAssociation(SecurityAssociationPayload(proposals: [chosen])), .nonce(NoncePayload(data: try SystemRandom().nonce())),
            .trafficSelectorInitiator(TrafficSelectorPayload(CreateChildSAExchangeTests.clientTSr)),
            .trafficSelectorResponder(TrafficSelectorPayload(CreateChildSAExchangeTests.clientTSi)),
        ]))
        #expect(Harness.installation(answer) == nil)
        let delete = try client.open(Harness.sent(answer))
        #expect(delete.payloads == [.delete(.childSAs(protocolID: .esp, spis: offered.spi.count == 4
            ? [offered.spi.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }] : []))])
    }
}
