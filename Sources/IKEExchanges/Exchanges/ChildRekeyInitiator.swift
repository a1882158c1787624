import HubVocabulary
import IKECrypto
import IKEWire

/// Our rekey of a CHILD_SA at its soft lifetime (RFC 7296 §1.3.3, §2.8):
///
/// ```
/// HDR, SK {N(REKEY_SA, our inbound SPI), SA, Ni, [KEi], TSi, TSr}  -->
///                                           <--  HDR, SK {SA, Nr, [KEr], TSi, TSr}
///   .installChildSA(new) → HDR, SK {D(ESP, old)}  -->
/// ```
///
/// Simultaneous rekey (RFC 7296 §2.8.1): "If redundant SAs are created though such a
/// collision, the SA created with the lowest of the four nonces used in the two
/// exchanges SHOULD be closed by the endpoint that created it." We keep both exchanges'
/// nonces on the old CHILD_SA and, once both new SAs are installed, delete our own new SA
/// if the lowest nonce is in our exchange, else the old SA.
struct ChildRekeyInitiator: Sendable {
    var oldInboundSPI: UInt32
    var newInboundSPI: UInt32
    var nonce: [UInt8]
    var keyExchange: KeyExchange?
    var proposal: SelectedChildProposal

    /// The soft-lifetime timer of `inboundSPI` fired.
    static func start(inboundSPI: UInt32, sa: inout IKESA, env: ExchangeEnvironment, out: inout Outcome) {
        guard case .established(var state) = sa.phase,
              let index = state.children.firstIndex(where: { $0.inboundSPI == inboundSPI }),
              state.children[index].ownRekey == nil, state.children[index].peerRekey == nil else { return }
        guard sa.canSendRequest, state.pendingOwnInstall == nil else {
            // One request at a time (window 1): try again after the usual retransmission wait.
            sa.schedule(.childSARekey(inboundSPI: inboundSPI),
                        at: env.now.adding(milliseconds: env.configuration.retransmission.initialTimeoutMilliseconds), out: &out)
            return
        }
        let old = state.children[index]
        do {
            let newSPI = try env.random.childSPI()
            let nonce = try env.random.nonce()
            var proposal = old.proposal
            proposal.number = 1
            proposal.group = env.configuration.childProposals.first { $0.name == old.proposal.configurationName }?.pfsGroup
            let keyExchange = try proposal.group.map { try KeyExchange(group: $0) }
            var payloads: [Payload] = [
                .notify(.rekeySA(protocol: .esp, spi: old.inboundSPI)),
                .securityAssociation(SecurityAssociationPayload(proposals: [proposal.responseProposal(spi: newSPI)])),
                .nonce(NoncePayload(data: nonce)),
                .trafficSelectorInitiator(TrafficSelectorPayload(old.localSelectors)),
                .trafficSelectorResponder(TrafficSelectorPayload(old.remoteSelectors)),
            ]
            if let keyExchange, let group = proposal.group {
                payloads.append(.keyExchange(KeyExchangePayload(group: group.transformID, keyExchangeData: keyExchange.publicValue)))
            }
            state.children[index].ownRekey = ChildRekeyRecord(newInboundSPI: newSPI, nonces: [nonce], completed: false)
            sa.phase = .established(state)
            let initiator = ChildRekeyInitiator(oldInboundSPI: old.inboundSPI, newInboundSPI: newSPI, nonce: nonce,
                                                keyExchange: keyExchange, proposal: proposal)
            try sa.sendRequest(exchange: .createChildSA, payloads: payloads, purpose: .childRekey(initiator), env: env, out: &out)
        } catch let error as IKECryptoError {
            out.effects.append(.protocolError(.crypto(error, place: sa.place(.createChildSA, nil))))
        } catch {
            out.effects.append(.protocolError(IKEProtocolError(.cryptoFailure, notify: nil, place: sa.place(.createChildSA, nil),
                                                               reason: "\(error)")))
        }
    }

    /// The peer's answer to our rekey.
    func handleResponse(_ payloads: [Payload], messageID: MessageID, sa: inout IKESA, env: ExchangeEnvironment,
                        out: inout Outcome) {
        let place = sa.place(.createChildSA, messageID)
        guard case .established(var state) = sa.phase else { return }
        guard let index = state.children.firstIndex(where: { $0.inboundSPI == oldInboundSPI }) else {
            // The peer deleted the old SA meanwhile (RFC 7296 §2.25.1); if it created the new
            // one anyway, tell it to drop that too, since we never installed it.
            let created = payloads.contains { $0.type == .securityAssociation }
            if created, sa.canSendRequest {
                try? sa.sendRequest(exchange: .informational,
                                    payloads: [.delete(.childSAs(protocolID: .esp, spis: [newInboundSPI]))],
                                    purpose: .deleteChildSAs([newInboundSPI]), env: env, out: &out)
            }
            return
        }
        var peerProposal: Proposal?, peerNonce: [UInt8]?, peerKE: KeyExchangePayload?, error: NotifyType?
        var remoteSelectors = state.children[index].remoteSelectors, localSelectors = state.children[index].localSelectors
        for payload in payloads {
            switch payload {
            case .securityAssociation(let sa): peerProposal = sa.proposals.first
            case .nonce(let nonce): peerNonce = nonce.data
            case .keyExchange(let ke): peerKE = ke
            case .trafficSelectorInitiator(let ts): localSelectors = ts.addressRanges
            case .trafficSelectorResponder(let ts): remoteSelectors = ts.addressRanges
            case .notify(let notify) where notify.notifyType.isError: error = error ?? notify.notifyType
            default: break
            }
        }
        guard error == nil, let peerProposal, let peerNonce, let peerSPI = spiValue(peerProposal.spi),
              peerProposal.transforms(ofType: .encryption).first?.id == proposal.transforms.encryption?.algorithm.transformID,
              (proposal.group == nil) == (peerKE == nil) else {
            // TEMPORARY_FAILURE, NO_PROPOSAL_CHOSEN …: keep the old SA and try again later (RFC 7296 §2.25).
            state.children[index].ownRekey = nil
            sa.phase = .established(state)
            out.effects.append(.protocolError(IKEProtocolError(.noProposalChosen, notify: nil, place: place,
                                                               reason: "peer refused our CHILD_SA rekey: \(error.map { "\($0)" } ?? "bad answer")")))
            sa.schedule(.childSARekey(inboundSPI: oldInboundSPI),
                        at: env.now.adding(milliseconds: env.configuration.retransmission.initialTimeoutMilliseconds * 4), out: &out)
            return
        }
        do {
            var shared: SecretBytes?
            if let keyExchange, let peerKE { shared = try keyExchange.sharedSecret(peer: peerKE.keyExchangeData) }
            let keymat = try ChildKeyMaterial.derive(transforms: proposal.transforms, prf: sa.keys.transforms.prf,
                                                     skD: sa.keys.keys.skD, initiatorNonce: nonce, responderNonce: peerNonce,
                                                     pfsSharedSecret: shared)
            var chosen = proposal
            chosen.peerSPI = peerSPI
            let child = ChildSA(inboundSPI: newInboundSPI, outboundSPI: peerSPI, proposal: chosen,
                                localSelectors: localSelectors, remoteSelectors: remoteSelectors, createdAt: env.now,
                                lifetimeSeconds: env.configuration.lifetimes.childSASeconds)
            state.children[index].ownRekey?.nonces = [nonce, peerNonce]
            state.pendingOwnInstall = PendingOwnInstall(child: child, replacesInboundSPI: oldInboundSPI)
            sa.phase = .established(state)
            out.effects.append(.installChildSA(IKEAuthResponder.installation(
                for: child, keymat: keymat, weInitiated: true, sa: sa, virtualAccess: state.session.virtualAccess,
                replaces: oldInboundSPI)))
        } catch {
            out.effects.append(.protocolError(.crypto(error, place: place)))
        }
    }

    /// tunneld answered for the new CHILD_SA of our rekey.
    static func handle(installResult: ChildSAInstallResult, sa: inout IKESA, env: ExchangeEnvironment, out: inout Outcome) {
        guard case .established(var state) = sa.phase, let pending = state.pendingOwnInstall else { return }
        state.pendingOwnInstall = nil
        guard let index = state.children.firstIndex(where: { $0.inboundSPI == pending.replacesInboundSPI }) else {
            sa.phase = .established(state)
            return
        }
        if case .failed(let reason) = installResult {
            state.children[index].ownRekey = nil
            sa.phase = .established(state)
            out.effects.append(.protocolError(IKEProtocolError(.cryptoFailure, notify: nil, place: sa.place(.createChildSA, nil),
                                                               reason: "our rekeyed CHILD_SA not installed: \(reason)")))
            // The peer did install it: tell it to drop the SA we cannot use.
            if sa.canSendRequest {
                try? sa.sendRequest(exchange: .informational,
                                    payloads: [.delete(.childSAs(protocolID: .esp, spis: [pending.child.inboundSPI]))],
                                    purpose: .deleteChildSAs([pending.child.inboundSPI]), env: env, out: &out)
            }
            return
        }
        state.children[index].ownRekey?.completed = true
        let collided = state.children[index].peerRekey != nil
        state.children.append(pending.child)
        sa.phase = .established(state)
        sa.scheduleLifetime(of: pending.child, env: env, out: &out)
        if collided {
            resolveCollision(oldInboundSPI: pending.replacesInboundSPI, sa: &sa, env: env, out: &out)
        } else {
            DeleteExchange.deleteChildren([pending.replacesInboundSPI], sa: &sa, env: env, out: &out)
        }
    }

    /// RFC 7296 §2.8.1, once both rekeys of the same CHILD_SA are installed.
    static func resolveCollision(oldInboundSPI: UInt32, sa: inout IKESA, env: ExchangeEnvironment, out: inout Outcome) {
        guard case .established(var state) = sa.phase,
              let index = state.children.firstIndex(where: { $0.inboundSPI == oldInboundSPI }),
              let own = state.children[index].ownRekey, let peer = state.children[index].peerRekey,
              own.completed, peer.completed else { return }
        state.children[index].ownRekey = nil
        state.children[index].peerRekey = nil
        sa.phase = .established(state)
        let lowestIsOurs = lowestNonceIsIn(own.nonces, comparedWith: peer.nonces)
        out.effects.append(.protocolError(IKEProtocolError(
            .temporaryFailure, notify: nil, place: sa.place(.createChildSA, nil),
            reason: "simultaneous CHILD_SA rekey of \(oldInboundSPI): lowest nonce in \(lowestIsOurs ? "our" : "the peer's") exchange")))
        if lowestIsOurs {
            // Our new SA is the redundant one; the peer (winner) deletes the old one.
            DeleteExchange.deleteChildren([own.newInboundSPI], sa: &sa, env: env, out: &out)
        } else {
            DeleteExchange.deleteChildren([oldInboundSPI], sa: &sa, env: env, out: &out)
        }
    }

    /// True when the lowest of all four nonces is one of `ours` (octet-wise, a shorter
    /// prefix sorting first).
    static func lowestNonceIsIn(_ ours: [[UInt8]], comparedWith theirs: [[UInt8]]) -> Bool {
        guard let lowestOurs = ours.min(by: { $0.lexicographicallyPrecedes($1) }) else { return false }
        guard let lowestTheirs = theirs.min(by: { $0.lexicographicallyPrecedes($1) }) else { return true }
        return lowestOurs.lexicographicallyPrecedes(lowestTheirs)
    }
}
