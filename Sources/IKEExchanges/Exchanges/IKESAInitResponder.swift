import HubVocabulary
import IKECrypto
import IKEWire

/// IKE_SA_INIT, responder side (RFC 7296 §1.2):
///
/// ```
/// HDR, SAi1, KEi, Ni, [N(NAT_DETECTION_*)], [N(COOKIE)]  -->
///                                 <--  HDR, SAr1, KEr, Nr, [N(NAT_DETECTION_*)], [N+]
/// ```
///
/// Stateless until it accepts: COOKIE, INVALID_KE_PAYLOAD and NO_PROPOSAL_CHOSEN answers
/// keep nothing (RFC 7296 §2.6). On acceptance it returns the new half-open ``IKESA``.
struct IKESAInitResponder {
    /// The result of one request.
    enum Outcome {
        /// No answer (and the reason, for the log).
        case drop(IKEProtocolError)
        /// A stateless answer (COOKIE, INVALID_KE_PAYLOAD, NO_PROPOSAL_CHOSEN, INVALID_SYNTAX).
        case reply([UInt8], IKEProtocolError?)
        /// Accepted: the half-open SA and our response octets (also kept in the SA).
        case created(IKESA, response: [UInt8])
    }

    let env: ExchangeEnvironment

    func respond(to message: IKEMessage, datagram: InboundDatagram, halfOpen: Int, cookies: inout CookieJar) -> Outcome {
        let header = message.header
        let place = ErrorPlace(peer: datagram.remote, exchange: .ikeSAInit, messageID: header.messageID, state: "awaitingInit")
        guard header.responderSPI.isZero, !header.initiatorSPI.isZero, header.messageID == .zero,
              header.isFromOriginalInitiator else {
            return .drop(.unexpected("IKE_SA_INIT request with SPIr \(header.responderSPI), message \(header.messageID)", place: place))
        }
        do {
            try message.validate()
            try MessageRules.verify(message, against: MessageRules.ikeSAInitRequest)
        } catch {
            let failure = IKEProtocolError.malformed(error, place: place)
            guard let notify = failure.notify else { return .drop(failure) }
            return .reply(errorReply(header, NotifyPayload(type: notify, data: failure.notifyData)), failure)
        }
        var proposals: [Proposal] = [], keyExchange: KeyExchangePayload?, nonce: [UInt8] = [], notifies: [NotifyPayload] = []
        var vendorIDs: [[UInt8]] = []
        for payload in message.payloads {
            switch payload {
            case .securityAssociation(let sa): proposals = sa.proposals
            case .keyExchange(let ke): keyExchange = ke
            case .nonce(let n): nonce = n.data
            case .notify(let n): notifies.append(n)
            case .vendorID(let v): vendorIDs.append(v.vendorID)
            default: break
            }
        }
        guard let keyExchange else { return .drop(.unexpected("no KE", place: place)) }

        // RFC 7296 §2.6: above the threshold, only a request with our cookie goes on.
        if halfOpen >= env.configuration.limits.cookieChallengeThreshold {
            let offered = notifies.first { $0.notifyType == .cookie }?.data
            let valid = (try? offered.map {
                try cookies.isValid($0, nonce: nonce, address: datagram.remote.address, spi: header.initiatorSPI,
                                    now: env.now, random: env.random)
            } ?? false) ?? false
            if !valid {
                guard let cookie = try? cookies.cookie(nonce: nonce, address: datagram.remote.address, spi: header.initiatorSPI,
                                                       now: env.now, random: env.random) else {
                    return .drop(IKEProtocolError(.cryptoFailure, notify: nil, place: place, reason: "cookie generation failed"))
                }
                return .reply(errorReply(header, .cookie(cookie)), nil)
            }
        }

        let selected: SelectedIKEProposal
        switch ProposalSelection.selectIKE(offered: proposals, configured: env.configuration.ikeProposals,
                                           keyExchangeGroup: keyExchange.group) {
        case .selected(let choice):
            selected = choice
        case .invalidKE(let group):
            let failure = IKEProtocolError(.invalidKEPayload, notify: .invalidKEPayload, place: place,
                                           reason: "KE group \(keyExchange.group), we want \(group)")
            return .reply(errorReply(header, .invalidKEPayload(group: group.transformID)), failure)
        case .noProposal(let reason):
            let failure = IKEProtocolError.noProposal(reason, place: place)
            return .reply(errorReply(header, NotifyPayload(type: .noProposalChosen)), failure)
        }
        // RFC 7296 §2.10: the nonce is at least half the PRF key size.
        guard nonce.count >= max(NoncePayload.minimumLength, selected.transforms.prf.preferredKeyLength / 2) else {
            let failure = IKEProtocolError(.malformedMessage, notify: .invalidSyntax, place: place,
                                           reason: "nonce of \(nonce.count) octets is short for \(selected.transforms.prf)")
            return .reply(errorReply(header, NotifyPayload(type: .invalidSyntax)), failure)
        }
        do {
            return try accept(message: message, datagram: datagram, selected: selected, keyExchange: keyExchange,
                              nonce: nonce, notifies: notifies, vendorIDs: vendorIDs, place: place)
        } catch {
            guard let notify = error.notify else { return .drop(error) }
            return .reply(errorReply(header, NotifyPayload(type: notify)), error)
        }
    }

    private func accept(message: IKEMessage, datagram: InboundDatagram, selected: SelectedIKEProposal,
                        keyExchange: KeyExchangePayload, nonce: [UInt8], notifies: [NotifyPayload],
                        vendorIDs: [[UInt8]] = [], place: ErrorPlace) throws(IKEProtocolError) -> Outcome {
        let header = message.header
        let transforms = selected.transforms
        do {
            let ours = try KeyExchange(group: transforms.group)
            let shared = try ours.sharedSecret(peer: keyExchange.keyExchangeData)
            let responderSPI = try env.random.ikeSPI()
            let responderNonce = try env.random.nonce()
            let spis = IKESAIdentifier(initiatorSPI: header.initiatorSPI, responderSPI: responderSPI)
            let nat = try NATDetection.evaluate(notifies, initiatorSPI: header.initiatorSPI, remote: datagram.remote,
                                                local: datagram.local)
            let keys = try IKESAKeys.derive(transforms: transforms, sharedSecret: shared, initiatorNonce: nonce,
                                            responderNonce: responderNonce, spis: spis, role: .originalResponder)
            let wantsFragmentation = notifies.contains { $0.notifyType == .ikev2FragmentationSupported }
                && env.configuration.fragmentation != nil
            var payloads: [Payload] = [
                .securityAssociation(SecurityAssociationPayload(proposals: [selected.responseProposal()])),
                .keyExchange(KeyExchangePayload(group: transforms.group.transformID, keyExchangeData: ours.publicValue)),
                .nonce(NoncePayload(data: responderNonce)),
            ]
            if nat.peerSupportsNATT {
                payloads += try NATDetection.responseNotifies(spis: spis, remote: datagram.remote, local: datagram.local)
                    .map(Payload.notify)
            }
            if wantsFragmentation { payloads.append(.notify(NotifyPayload(type: .ikev2FragmentationSupported))) }
            if !env.configuration.certificateAuthorities.isEmpty {
                payloads.append(.certificateRequest(CertificateRequestPayload(
                    encoding: .x509Signature, authorityData: env.configuration.certificateAuthorities.flatMap { $0 })))
                if env.configuration.acceptsHashAndURLCertificates {
                    payloads.append(.notify(NotifyPayload(type: .httpCertLookupSupported)))
                }
            }
            // A FlexVPN peer enables its extensions when the server says it is one too.
            let peerClient = PeerClient(vendorIDs: vendorIDs)
            if peerClient.isFlexVPN {
                payloads.append(.vendorID(VendorIDPayload(vendorID: KnownVendorID.flexVPNSupported.bytes)))
            }
            // RFC 4739 §3: we take a second authentication (certificate, then EAP). Said
            // whether or not the initiator said it first: strongSwan, for one, announces it
            // only in answer, and without ours skips its second round silently.
            payloads.append(.notify(NotifyPayload(type: .multipleAuthSupported)))
            // RFC 6023 §3: answer the initiator's CHILDLESS_IKEV2_SUPPORTED with ours.
            if env.configuration.acceptsChildlessIKESAs,
               notifies.contains(where: { $0.notifyType == .childlessIKEv2Supported }) {
                payloads.append(.notify(NotifyPayload(type: .childlessIKEv2Supported)))
            }
            // RFC 7427 §4: announce our hashes when the initiator announced its own.
            if notifies.contains(where: { $0.notifyType == .signatureHashAlgorithms }),
               !env.configuration.signatureHashAlgorithms.isEmpty {
                let hashes = env.configuration.signatureHashAlgorithms.map { SignatureHashAlgorithm(rawValue: $0) }
                payloads.append(.notify(NotifyPayload.signatureHashAlgorithms(hashes)))
            }
            let responseHeader = IKEHeader(initiatorSPI: header.initiatorSPI, responderSPI: responderSPI,
                                           exchangeType: .ikeSAInit, flags: [.response], messageID: .zero)
            let response = IKEMessage(header: responseHeader,
                                      payloads: MessageRules.ordered(payloads, by: MessageRules.ikeSAInitResponse)).serialize()
            let session = try SessionID(bytes: env.random.bytes(count: 16)) ?? SessionID(high: 0, low: 0)
            var initial = InitialExchange(initiatorNonce: nonce, responderNonce: responderNonce,
                                          requestBytes: datagram.bytes, responseBytes: response)
            initial.peerClient = peerClient
            if let announced = notifies.first(where: { $0.notifyType == .signatureHashAlgorithms }) {
                initial.peerSignatureHashes = ((try? announced.signatureHashAlgorithms()) ?? []).map(\.rawValue)
            }
            let sa = IKESA(localSPI: responderSPI, identifier: spis, role: .originalResponder, sessionID: session,
                           remote: datagram.remote, local: datagram.local, nat: nat, keys: keys,
                           proposalName: selected.configurationName, phase: .awaitingAuth(AwaitingAuth(initial: initial)),
                           window: ResponderWindow(expected: MessageID(1)), peerSupportsFragmentation: wantsFragmentation,
                           createdAt: env.now, lastHeardFrom: env.now, lifetimeSeconds: env.configuration.lifetimes.ikeSASeconds)
            // Retransmissions of IKE_SA_INIT are answered by the table from `initial.responseBytes`.
            return .created(sa, response: response)
        } catch {
            throw .crypto(error, place: place)
        }
    }

    /// `HDR(SPIi, 0), N(…)`: the stateless answers of RFC 7296 §1.2 and §2.6.
    private func errorReply(_ request: IKEHeader, _ notify: NotifyPayload) -> [UInt8] {
        let header = IKEHeader(initiatorSPI: request.initiatorSPI, responderSPI: .zero, exchangeType: .ikeSAInit,
                               flags: [.response], messageID: .zero)
        return IKEMessage(header: header, payloads: [.notify(notify)]).serialize()
    }

    /// The unprotected notify for a first request that did not parse: INVALID_MAJOR_VERSION
    /// (RFC 7296 §2.5, our header says 2.0), UNSUPPORTED_CRITICAL_PAYLOAD or INVALID_SYNTAX.
    /// Only for what looks like an IKE_SA_INIT request (SPIr zero, Message ID zero, I set,
    /// R clear); anything else is dropped. The answer is smaller than the request, so it
    /// cannot amplify a reflection.
    static func statelessErrorReply(toUnparsable bytes: [UInt8], error: IKEParseError) -> [UInt8]? {
        guard let notify = error.notifyToSend, bytes.count >= IKEHeader.size,
              bytes[18] == ExchangeType.ikeSAInit.rawValue, bytes[19] & 0x28 == 0x08,
              bytes[8..<16].allSatisfy({ $0 == 0 }), bytes[20..<24].allSatisfy({ $0 == 0 }),
              let initiatorSPI = IKESPI(bytes: bytes[0..<8]), !initiatorSPI.isZero else { return nil }
        let header = IKEHeader(initiatorSPI: initiatorSPI, responderSPI: .zero, exchangeType: .ikeSAInit,
                               flags: [.response], messageID: .zero)
        let reply = IKEMessage(header: header, payloads: [.notify(NotifyPayload(type: notify, data: error.notifyData))]).serialize()
        return reply.count < bytes.count ? reply : nil
    }
}
