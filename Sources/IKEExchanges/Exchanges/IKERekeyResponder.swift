import HubVocabulary
import IKECrypto
import IKEWire

/// IKE SA rekey, responder side (RFC 7296 §1.3.2, §2.18):
///
/// ```
/// HDR, SK {SA(IKE, SPIi'), Ni, KEi}  -->
///                     <--  HDR, SK {SA(IKE, SPIr'), Nr, KEr}
///   SKEYSEED' = prf(SK_d, g^ir' | Ni | Nr); the session and CHILD_SAs move to the new SA
/// HDR, SK {D(IKE)}  -->  (on the old SA)   <--  HDR, SK {}
/// ```
///
/// A peer rekey while our own IKE SA rekey is in flight is a collision (RFC 7296 §2.8.2):
/// we answer it as usual and keep its nonces; `IKERekeyInitiator` settles which new SA
/// survives when our answer arrives. While a CHILD_SA rekey of ours is in flight we answer
/// TEMPORARY_FAILURE (RFC 7296 §2.25.2) and the peer retries later.
enum IKERekeyResponder {
    static func receive(_ request: CreateChildSAResponder.Request, messageID: MessageID, datagram: InboundDatagram,
                        sa: inout IKESA, env: ExchangeEnvironment, out: inout Outcome) throws(IKEProtocolError) {
        let place = sa.place(.createChildSA, messageID, payload: .securityAssociation)
        guard case .established(let state) = sa.phase else { return }
        var collides = false
        switch sa.outstanding?.purpose {
        case .ikeRekey?: collides = true
        case .childRekey?:
            throw IKEProtocolError(.temporaryFailure, notify: .temporaryFailure, place: place,
                                   reason: "our CHILD_SA rekey is in progress")
        default: break
        }
        if state.pendingOwnInstall != nil {
            throw IKEProtocolError(.temporaryFailure, notify: .temporaryFailure, place: place,
                                   reason: "our own rekey is in progress")
        }
        guard let keyExchange = request.keyExchange else {
            throw IKEProtocolError(.malformedMessage, notify: .invalidSyntax, place: place, reason: "IKE SA rekey without KE")
        }
        let selected: SelectedIKEProposal
        switch ProposalSelection.selectIKE(offered: request.proposals, configured: env.configuration.ikeProposals,
                                           keyExchangeGroup: keyExchange.group) {
        case .selected(let choice): selected = choice
        case .invalidKE(let group):
            throw IKEProtocolError(.invalidKEPayload, notify: .invalidKEPayload,
                                   notifyData: [UInt8(truncatingIfNeeded: group.transformID >> 8), UInt8(truncatingIfNeeded: group.transformID)],
                                   place: place, reason: "IKE rekey KE group \(keyExchange.group), we want \(group)")
        case .noProposal(let reason): throw .noProposal(reason, place: place)
        }
        guard let peerSPI = IKESPI(bytes: selected.peerSPI), !peerSPI.isZero else {
            throw IKEProtocolError(.malformedMessage, notify: .invalidSyntax, place: place, reason: "IKE rekey proposal without an 8-octet SPI")
        }
        let (ours, shared) = try CreateChildSAResponder.agree(keyExchange, group: selected.transforms.group, place: place)
        let successor: IKESA
        let nonce: [UInt8]
        do {
            nonce = try env.random.nonce()
            let newSPI = try env.random.ikeSPI()
            let spis = IKESAIdentifier(initiatorSPI: peerSPI, responderSPI: newSPI)
            let keys = try IKESAKeys.derive(transforms: selected.transforms, sharedSecret: shared, initiatorNonce: request.nonce,
                                            responderNonce: nonce, spis: spis, role: .originalResponder, rekeying: sa.keys)
            successor = sa.successor(localSPI: newSPI, identifier: spis, role: .originalResponder, keys: keys,
                                     proposalName: selected.configurationName, state: state, env: env)
        } catch {
            throw .crypto(error, place: place)
        }
        try sa.sendResponse(exchange: .createChildSA, messageID: messageID, payloads: [
            .securityAssociation(SecurityAssociationPayload(proposals: [selected.responseProposal(spi: successor.localSPI.bytes)])),
            .nonce(NoncePayload(data: nonce)),
            .keyExchange(KeyExchangePayload(group: selected.transforms.group.transformID, keyExchangeData: ours.publicValue)),
        ], remote: datagram.remote, local: datagram.local, env: env, out: &out)
        sa.moveSession(to: successor, env: env, out: &out)
        if collides, case .rekeyed(var rekeyed) = sa.phase {
            rekeyed.peerRekeyNonces = [request.nonce, nonce]
            sa.phase = .rekeyed(rekeyed)
        }
    }
}

extension IKESA {
    /// The IKE SA that replaces this one after a rekey, holding the session and CHILD_SAs
    /// (RFC 7296 §2.18: they move to the new IKE SA; Message IDs restart at 0).
    func successor(localSPI: IKESPI, identifier: IKESAIdentifier, role: IKESARole, keys: IKESAKeys, proposalName: String,
                   state: Established, env: ExchangeEnvironment) -> IKESA {
        var moved = state
        moved.pendingResponse = nil
        moved.pendingOwnInstall = nil
        for index in moved.children.indices {
            moved.children[index].ownRekey = nil
            moved.children[index].peerRekey = nil
        }
        return IKESA(localSPI: localSPI, identifier: identifier, role: role, sessionID: sessionID, remote: remote, local: local,
                     nat: nat, keys: keys, proposalName: proposalName, phase: .established(moved),
                     window: ResponderWindow(expected: .zero), peerSupportsFragmentation: peerSupportsFragmentation,
                     createdAt: env.now, lastHeardFrom: env.now, lifetimeSeconds: env.configuration.lifetimes.ikeSASeconds)
    }

    /// Hands the session to `successor` and arms its timers: this SA keeps only its keys
    /// until it is deleted.
    mutating func moveSession(to successor: IKESA, env: ExchangeEnvironment, out: inout Outcome) {
        phase = .rekeyed(Rekeyed(successor: successor.localSPI))
        for kind in Array(timers.keys) where kind != .retransmission { timers[kind] = nil }
        var successor = successor
        successor.armEstablishedTimers(env: env, out: &out)
        out.actions.append(.register(successor))
        out.effects.append(.sessionMoved(SessionMove(session: sessionID, from: identifier, to: successor.identifier)))
    }
}
