import HubVocabulary
import IKECrypto
import IKEWire

/// CREATE_CHILD_SA requests of the peer (RFC 7296 §1.3): the `TaskList` that decides
/// which handler runs. An SA payload of IKE proposals is an IKE SA rekey (§1.3.2),
/// N(REKEY_SA) a CHILD_SA rekey (§1.3.3); a new CHILD_SA besides the first is not
/// offered to remote-access clients (NO_ADDITIONAL_SAS).
enum CreateChildSAResponder {
    /// The parts of a CREATE_CHILD_SA request.
    struct Request {
        var proposals: [Proposal]
        var nonce: [UInt8]
        var keyExchange: KeyExchangePayload?
        var initiatorSelectors: [TrafficSelector]
        var responderSelectors: [TrafficSelector]
        var rekeySA: NotifyPayload?
    }

    static func receive(_ payloads: [Payload], message: IKEMessage, datagram: InboundDatagram, sa: inout IKESA,
                        env: ExchangeEnvironment, out: inout Outcome) throws(IKEProtocolError) {
        let messageID = message.header.messageID
        let place = sa.place(.createChildSA, messageID)
        do {
            try MessageRules.verify(message, innerPayloads: payloads, against: MessageRules.createChildSARequest)
        } catch {
            throw .malformed(error, place: place)
        }
        guard case .established(let state) = sa.phase else {
            throw .unexpected("CREATE_CHILD_SA request in state \(sa.phase.name)", place: place)
        }
        var request = Request(proposals: [], nonce: [], initiatorSelectors: [], responderSelectors: [])
        for payload in payloads {
            switch payload {
            case .securityAssociation(let sa): request.proposals = sa.proposals
            case .nonce(let nonce): request.nonce = nonce.data
            case .keyExchange(let ke): request.keyExchange = ke
            case .trafficSelectorInitiator(let ts): request.initiatorSelectors = ts.addressRanges
            case .trafficSelectorResponder(let ts): request.responderSelectors = ts.addressRanges
            case .notify(let notify) where notify.notifyType == .rekeySA: request.rekeySA = notify
            default: break
            }
        }
        // RFC 7296 §2.10: nonces are at least half the PRF key size.
        guard request.nonce.count >= max(NoncePayload.minimumLength, sa.keys.transforms.prf.preferredKeyLength / 2) else {
            throw IKEProtocolError(.malformedMessage, notify: .invalidSyntax, place: place, reason: "short nonce")
        }
        if state.pendingResponse != nil {
            throw IKEProtocolError(.temporaryFailure, notify: .temporaryFailure, place: place,
                                   reason: "a CHILD_SA of the previous request is still being installed")
        }
        if request.proposals.contains(where: { $0.protocolID == .ike }) {
            try IKERekeyResponder.receive(request, messageID: messageID, datagram: datagram, sa: &sa, env: env, out: &out)
        } else if request.rekeySA != nil {
            try ChildRekeyResponder.receive(request, messageID: messageID, datagram: datagram, sa: &sa, env: env, out: &out)
        } else {
            throw IKEProtocolError(.noAdditionalSAs, notify: .noAdditionalSAs, place: place,
                                   reason: "additional CHILD_SAs are not offered")
        }
    }

    /// prf(KE) for a PFS or IKE rekey exchange: our KE and g^ir.
    static func agree(_ payload: KeyExchangePayload, group: DiffieHellmanGroup,
                      place: ErrorPlace) throws(IKEProtocolError) -> (KeyExchange, SecretBytes) {
        do {
            let ours = try KeyExchange(group: group)
            return (ours, try ours.sharedSecret(peer: payload.keyExchangeData))
        } catch {
            throw .crypto(error, place: place)
        }
    }
}

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
