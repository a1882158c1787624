import HubVocabulary
import IKECrypto
import IKEWire

/// Our rekey of the IKE SA at its soft lifetime (RFC 7296 §1.3.2, §2.18). We become the
/// original initiator of the new IKE SA:
///
/// ```
/// HDR, SK {SA(IKE, our new SPI), Ni, KEi}  -->
///                            <--  HDR, SK {SA(IKE, SPIr'), Nr, KEr}
/// HDR, SK {D(IKE)}  -->  (on the old SA)
/// ```
///
/// Simultaneous IKE SA rekey (RFC 7296 §2.8.2): "the new IKE SA ... with the lowest of the
/// four nonces ... SHOULD be deleted by the node that created it" (the redundant SA is
/// closed by its creator, the winner deletes the old SA). When the peer's rekey arrived
/// while ours was in flight, the session already moved to the peer's new SA; if ours
/// holds the lowest nonce we delete our new SA, otherwise the session moves on to ours and
/// we delete the old SA (the peer deletes its redundant one).
struct IKERekeyInitiator: Sendable {
    var newSPI: IKESPI
    var nonce: [UInt8]
    var keyExchange: KeyExchange
    var transforms: NegotiatedIKETransforms

    static func start(sa: inout IKESA, env: ExchangeEnvironment, out: inout Outcome) {
        guard case .established(let state) = sa.phase else { return }
        guard sa.canSendRequest, state.pendingResponse == nil, state.pendingOwnInstall == nil else {
            sa.schedule(.ikeSARekey, at: env.now.adding(milliseconds: env.configuration.retransmission.initialTimeoutMilliseconds),
                        out: &out)
            return
        }
        let transforms = sa.keys.transforms
        do {
            let newSPI = try env.random.ikeSPI()
            let nonce = try env.random.nonce()
            let keyExchange = try KeyExchange(group: transforms.group)
            let proposal = SelectedIKEProposal(number: 1, transforms: transforms, configurationName: sa.proposalName, peerSPI: [])
            let payloads: [Payload] = [
                .securityAssociation(SecurityAssociationPayload(proposals: [proposal.responseProposal(spi: newSPI.bytes)])),
                .nonce(NoncePayload(data: nonce)),
                .keyExchange(KeyExchangePayload(group: transforms.group.transformID, keyExchangeData: keyExchange.publicValue)),
            ]
            let initiator = IKERekeyInitiator(newSPI: newSPI, nonce: nonce, keyExchange: keyExchange, transforms: transforms)
            try sa.sendRequest(exchange: .createChildSA, payloads: payloads, purpose: .ikeRekey(initiator), env: env, out: &out)
        } catch let error as IKECryptoError {
            out.effects.append(.protocolError(.crypto(error, place: sa.place(.createChildSA, nil))))
        } catch {
            out.effects.append(.protocolError(IKEProtocolError(.cryptoFailure, notify: nil, place: sa.place(.createChildSA, nil),
                                                               reason: "\(error)")))
        }
    }

    func handleResponse(_ payloads: [Payload], messageID: MessageID, sa: inout IKESA, env: ExchangeEnvironment,
                        out: inout Outcome) {
        let place = sa.place(.createChildSA, messageID)
        var collision: Rekeyed?
        switch sa.phase {
        case .established: break
        case .rekeyed(let rekeyed) where rekeyed.peerRekeyNonces != nil: collision = rekeyed
        default: return
        }
        var peerProposal: Proposal?, peerNonce: [UInt8]?, peerKE: KeyExchangePayload?, error: NotifyType?
        for payload in payloads {
            switch payload {
            case .securityAssociation(let sa): peerProposal = sa.proposals.first
            case .nonce(let nonce): peerNonce = nonce.data
            case .keyExchange(let ke): peerKE = ke
            case .notify(let notify) where notify.notifyType.isError: error = error ?? notify.notifyType
            default: break
            }
        }
        guard error == nil, let peerProposal, let peerNonce, let peerKE, let peerSPI = IKESPI(bytes: peerProposal.spi),
              !peerSPI.isZero, peerKE.group == transforms.group.transformID else {
            out.effects.append(.protocolError(IKEProtocolError(.noProposalChosen, notify: nil, place: place,
                                                               reason: "peer refused our IKE SA rekey: \(error.map { "\($0)" } ?? "bad answer")")))
            sa.schedule(.ikeSARekey, at: env.now.adding(milliseconds: env.configuration.retransmission.initialTimeoutMilliseconds * 4),
                        out: &out)
            return
        }
        do {
            let shared = try keyExchange.sharedSecret(peer: peerKE.keyExchangeData)
            let spis = IKESAIdentifier(initiatorSPI: newSPI, responderSPI: peerSPI)
            let keys = try IKESAKeys.derive(transforms: transforms, sharedSecret: shared, initiatorNonce: nonce,
                                            responderNonce: peerNonce, spis: spis, role: .originalInitiator, rekeying: sa.keys)
            if let collision, let peerNonces = collision.peerRekeyNonces {
                try resolveCollision(keys: keys, spis: spis, peerNonces: peerNonces, peerSuccessor: collision.successor,
                                     peerNonce: peerNonce, sa: &sa, env: env, out: &out)
                return
            }
            guard case .established(let state) = sa.phase else { return }
            let successor = sa.successor(localSPI: newSPI, identifier: spis, role: .originalInitiator, keys: keys,
                                         proposalName: sa.proposalName, state: state, env: env)
            sa.moveSession(to: successor, env: env, out: &out)
            // The initiator of the rekey deletes the old IKE SA (RFC 7296 §2.18).
            try sa.sendRequest(exchange: .informational, payloads: [.delete(.ikeSA)], purpose: .deleteIKESA, env: env, out: &out)
        } catch let error as IKECryptoError {
            out.effects.append(.protocolError(.crypto(error, place: place)))
        } catch {
            out.effects.append(.protocolError(IKEProtocolError(.cryptoFailure, notify: nil, place: place, reason: "\(error)")))
        }
    }

    /// RFC 7296 §2.8.2, once both rekeys of this IKE SA are answered.
    private func resolveCollision(keys: IKESAKeys, spis: IKESAIdentifier, peerNonces: [[UInt8]], peerSuccessor: IKESPI,
                                  peerNonce: [UInt8], sa: inout IKESA, env: ExchangeEnvironment,
                                  out: inout Outcome) throws(IKEProtocolError) {
        let ours = [nonce, peerNonce]
        let lowestIsOurs = ChildRekeyInitiator.lowestNonceIsIn(ours, comparedWith: peerNonces)
        out.effects.append(.protocolError(IKEProtocolError(
            .temporaryFailure, notify: nil, place: sa.place(.createChildSA, nil),
            reason: "simultaneous IKE SA rekey: lowest nonce in \(lowestIsOurs ? "our" : "the peer's") exchange")))
        var created = IKESA(localSPI: newSPI, identifier: spis, role: .originalInitiator, sessionID: sa.sessionID,
                            remote: sa.remote, local: sa.local, nat: sa.nat, keys: keys, proposalName: sa.proposalName,
                            phase: .rekeyed(Rekeyed(successor: peerSuccessor)), window: ResponderWindow(expected: .zero),
                            peerSupportsFragmentation: sa.peerSupportsFragmentation, createdAt: env.now,
                            lastHeardFrom: env.now, lifetimeSeconds: env.configuration.lifetimes.ikeSASeconds)
        if lowestIsOurs {
            // Our new SA is redundant: we created it, we delete it; the peer deletes the old one.
            try created.sendRequest(exchange: .informational, payloads: [.delete(.ikeSA)], purpose: .deleteIKESA,
                                    env: env, out: &out)
            out.actions.append(.register(created))
            sa.phase = .rekeyed(Rekeyed(successor: peerSuccessor))
        } else {
            // The peer's new SA is redundant (the peer deletes it); ours takes the session and
            // we, the winner, delete the old SA.
            out.actions.append(.adoptSession(from: peerSuccessor, into: created))
            sa.phase = .rekeyed(Rekeyed(successor: newSPI))
            try sa.sendRequest(exchange: .informational, payloads: [.delete(.ikeSA)], purpose: .deleteIKESA, env: env, out: &out)
        }
    }
}
