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
