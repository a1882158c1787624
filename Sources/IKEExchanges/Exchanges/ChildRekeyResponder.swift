import HubVocabulary
import IKECrypto
import IKEWire

/// CHILD_SA rekey, responder side (RFC 7296 §1.3.3, §2.8):
///
/// ```
/// HDR, SK {N(REKEY_SA), SA, Ni, [KEi], TSi, TSr}  -->
///   .installChildSA(new, replaces old)
///                        <--  HDR, SK {SA, Nr, [KEr], TSi, TSr}
/// HDR, SK {D(ESP, old)}  -->  .deleteChildSA(old)   <--  HDR, SK {D(ESP, ours)}
/// ```
enum ChildRekeyResponder {
    static func receive(_ request: CreateChildSAResponder.Request, messageID: MessageID, datagram: InboundDatagram,
                        sa: inout IKESA, env: ExchangeEnvironment, out: inout Outcome) throws(IKEProtocolError) {
        let place = sa.place(.createChildSA, messageID, payload: .notify)
        guard case .established(var state) = sa.phase, let notify = request.rekeySA else { return }
        let target: (protocol: IPsecProtocol, spi: UInt32)
        do { target = try notify.rekeySA() } catch { throw .malformed(error, place: place) }
        // The SPI is the one the peer receives on: our outbound (RFC 7296 §1.3.3).
        guard let index = state.children.firstIndex(where: { $0.outboundSPI == target.spi }) else {
            throw IKEProtocolError(.childSANotFound, notify: .childSANotFound, place: place,
                                   reason: "REKEY_SA for unknown SPI \(target.spi)")
        }
        let old = state.children[index]
        if case .ikeRekey? = sa.outstanding?.purpose {
            // RFC 7296 §2.25.2: a CHILD_SA rekey while we rekey the IKE SA.
            throw IKEProtocolError(.temporaryFailure, notify: .temporaryFailure, place: place, reason: "IKE SA rekey in progress")
        }
        let proposal: SelectedChildProposal
        switch ProposalSelection.selectChild(offered: request.proposals, configured: env.configuration.childProposals,
                                             keyExchangeGroup: request.keyExchange?.group, inIKEAuth: false) {
        case .selected(let choice): proposal = choice
        case .invalidKE(let group):
            throw IKEProtocolError(.invalidKEPayload, notify: .invalidKEPayload,
                                   notifyData: [UInt8(truncatingIfNeeded: group.transformID >> 8), UInt8(truncatingIfNeeded: group.transformID)],
                                   place: place, reason: "PFS group \(group) wanted")
        case .noProposal(let reason): throw .noProposal(reason, place: place)
        }
        // Narrow to the selectors the old SA had (the same tunnel, new keys).
        let remoteSelectors = TrafficSelectorNarrowing.narrow(request.initiatorSelectors, to: old.remoteSelectors)
        let localSelectors = TrafficSelectorNarrowing.narrow(request.responderSelectors, to: old.localSelectors)
        guard !remoteSelectors.isEmpty, !localSelectors.isEmpty else {
            throw .tsUnacceptable("rekey selectors outside those of SPI \(old.inboundSPI)", place: place)
        }
        var keyExchange: KeyExchange?, shared: SecretBytes?
        if let group = proposal.group, let payload = request.keyExchange {
            (keyExchange, shared) = try CreateChildSAResponder.agree(payload, group: group, place: place)
        }
        do {
            let nonce = try env.random.nonce()
            let inboundSPI = try env.random.childSPI()
            let keymat = try ChildKeyMaterial.derive(transforms: proposal.transforms, prf: sa.keys.transforms.prf,
                                                     skD: sa.keys.keys.skD, initiatorNonce: request.nonce,
                                                     responderNonce: nonce, pfsSharedSecret: shared)
            let child = ChildSA(inboundSPI: inboundSPI, outboundSPI: proposal.peerSPI, proposal: proposal,
                                localSelectors: localSelectors, remoteSelectors: remoteSelectors, createdAt: env.now,
                                lifetimeSeconds: env.configuration.lifetimes.childSASeconds)
            var payloads: [Payload] = [
                .securityAssociation(SecurityAssociationPayload(proposals: [proposal.responseProposal(spi: inboundSPI)])),
                .nonce(NoncePayload(data: nonce)),
                .trafficSelectorInitiator(TrafficSelectorPayload(remoteSelectors)),
                .trafficSelectorResponder(TrafficSelectorPayload(localSelectors)),
            ]
            if let keyExchange, let group = proposal.group {
                payloads.append(.keyExchange(KeyExchangePayload(group: group.transformID, keyExchangeData: keyExchange.publicValue)))
            }
            state.pendingResponse = PendingChildResponse(messageID: messageID, replyRemote: datagram.remote,
                                                         replyLocal: datagram.local, payloads: payloads, child: child,
                                                         replacesInboundSPI: old.inboundSPI, nonces: [request.nonce, nonce])
            sa.phase = .established(state)
            sa.window.processing = messageID
            out.effects.append(.installChildSA(IKEAuthResponder.installation(
                for: child, keymat: keymat, weInitiated: false, sa: sa, virtualAccess: state.session.virtualAccess,
                replaces: old.inboundSPI)))
        } catch {
            throw .crypto(error, place: place)
        }
    }

    /// tunneld answered for the new CHILD_SA of the peer's rekey.
    static func handle(installResult: ChildSAInstallResult, sa: inout IKESA, env: ExchangeEnvironment, out: inout Outcome) {
        guard case .established(var state) = sa.phase, let pending = state.pendingResponse else { return }
        state.pendingResponse = nil
        if case .failed(let reason) = installResult {
            sa.phase = .established(state)
            out.effects.append(.protocolError(.noProposal("rekeyed CHILD_SA not installed: \(reason)",
                                                          place: sa.place(.createChildSA, pending.messageID))))
            sa.sendErrorResponse(exchange: .createChildSA, messageID: pending.messageID, notify: .noProposalChosen,
                                 remote: pending.replyRemote, local: pending.replyLocal, env: env, out: &out)
            return
        }
        var child = pending.child
        child.peerRekey = nil
        state.children.append(child)
        var resolveCollision = false
        if let index = state.children.firstIndex(where: { $0.inboundSPI == pending.replacesInboundSPI }) {
            state.children[index].peerRekey = ChildRekeyRecord(newInboundSPI: child.inboundSPI, nonces: pending.nonces,
                                                               completed: true)
            resolveCollision = state.children[index].ownRekey?.completed == true
            // The peer rekeyed it; our own rekey of the old SA is no longer due.
            if state.children[index].ownRekey == nil { sa.timers[.childSARekey(inboundSPI: pending.replacesInboundSPI)] = nil }
        }
        sa.phase = .established(state)
        do {
            try sa.sendResponse(exchange: .createChildSA, messageID: pending.messageID, payloads: pending.payloads,
                                remote: pending.replyRemote, local: pending.replyLocal, env: env, out: &out)
        } catch {
            out.effects.append(.protocolError(error))
        }
        sa.scheduleLifetime(of: child, env: env, out: &out)
        if resolveCollision { ChildRekeyInitiator.resolveCollision(oldInboundSPI: pending.replacesInboundSPI, sa: &sa, env: env, out: &out) }
    }
}
