import HubVocabulary
import IKECrypto
import IKEWire

/// The receive path of an IKE SA: the Message ID window (RFC 7296 §2.1–§2.3), decryption
/// and reassembly, and the dispatch to the exchange files.
extension IKESA {
    /// A message addressed to this SA (the table found it by our SPI).
    mutating func receive(_ message: IKEMessage, datagram: InboundDatagram, env: ExchangeEnvironment, out: inout Outcome) {
        let header = message.header
        let place = ErrorPlace(peer: datagram.remote, exchange: header.exchangeType, messageID: header.messageID,
                               state: phase.name)
        if header.isResponse {
            receiveResponse(message, datagram: datagram, place: place, env: env, out: &out)
            return
        }
        let messageID = header.messageID
        if window.lastResponseID == messageID, !window.lastResponse.isEmpty {
            out.effects += RetransmittedRequest.answer(message, datagram: datagram, keys: keys, cached: window.lastResponse,
                                                       place: place)
            return
        }
        guard window.processing != messageID else { return }   // still working on it
        guard messageID == window.expected else {
            out.effects.append(.protocolError(.unexpected("message \(messageID) outside the window (expected \(window.expected))",
                                                          place: place)))
            return
        }
        if window.reassemblyID != messageID {
            window.reassemblyID = messageID
            window.reassembler = FragmentReassembler()
        }
        let payloads: [Payload]
        do {
            switch try ProtectedMessageCodec.open(datagram.bytes, message: message, keys: keys, reassembler: &window.reassembler,
                                                  place: place) {
            case .incompleteFragments:
                return
            case .payloads(let inner):
                payloads = inner
                window.reassemblyID = nil
                window.reassembler = FragmentReassembler()
            }
        } catch {
            // Inner payloads that do not parse came in an authentic message: they are answered
            // (INVALID_SYNTAX, UNSUPPORTED_CRITICAL_PAYLOAD); ICV failures are not.
            reject(error, message: message, datagram: datagram, authenticated: error.code == .malformedMessage,
                   env: env, out: &out)
            return
        }
        noteAuthenticatedMessage(from: datagram, env: env)
        do throws(IKEProtocolError) {
            // The capability protocols say which states take which exchange (STYLE §3).
            let accepted: Bool
            switch header.exchangeType {
            case .ikeAuth: accepted = phase.ikeAuthAcceptor != nil
            case .createChildSA: accepted = phase.createChildSAAcceptor != nil
            case .informational: accepted = phase.informationalAcceptor != nil
            default: accepted = false
            }
            guard accepted else {
                throw IKEProtocolError(.unexpectedMessage, notify: nil, place: place,
                                       reason: "\(header.exchangeType) request in state \(phase.name)")
            }
            switch header.exchangeType {
            case .ikeAuth:
                try IKEAuthResponder.receive(payloads, message: message, datagram: datagram, sa: &self, env: env, out: &out)
            case .createChildSA:
                try CreateChildSAResponder.receive(payloads, message: message, datagram: datagram, sa: &self, env: env, out: &out)
            case .informational:
                try DeleteExchange.receive(payloads, message: message, datagram: datagram, sa: &self, env: env, out: &out)
            default:
                break
            }
        } catch {
            reject(error, message: message, datagram: datagram, authenticated: true, env: env, out: &out)
        }
    }

    /// RFC 7296 §2.23: after NAT detection (or once the peer floated to 4500) the peer's
    /// current address is the one its authenticated messages come from.
    private mutating func noteAuthenticatedMessage(from datagram: InboundDatagram, env: ExchangeEnvironment) {
        lastHeardFrom = env.now
        if nat.natDetected || datagram.local.port == Endpoint.natTraversalPort {
            remote = datagram.remote
            local = datagram.local
        }
    }

    /// A request we cannot accept: answer N(error) when it was authentic and the error
    /// has a notify; IKE_AUTH failures end the half-open SA (RFC 7296 §2.21.2).
    private mutating func reject(_ error: IKEProtocolError, message: IKEMessage, datagram: InboundDatagram,
                                 authenticated: Bool, env: ExchangeEnvironment, out: inout Outcome) {
        out.effects.append(.protocolError(error))
        guard authenticated, let notify = error.notify else { return }
        sendErrorResponse(exchange: message.header.exchangeType, messageID: message.header.messageID, notify: notify,
                          data: error.notifyData, remote: datagram.remote, local: datagram.local, env: env, out: &out)
        if message.header.exchangeType == .ikeAuth, phase.isHalfOpen {
            tearDown(reason: error.code == .authenticationFailed ? .authenticationFailed : .setupFailed(notify), out: &out)
        }
    }

    private mutating func receiveResponse(_ message: IKEMessage, datagram: InboundDatagram, place: ErrorPlace,
                                          env: ExchangeEnvironment, out: inout Outcome) {
        guard var request = outstanding, request.messageID == message.header.messageID,
              request.exchange == message.header.exchangeType else {
            out.effects.append(.protocolError(.unexpected("response to no request of ours", place: place)))
            return
        }
        let payloads: [Payload]
        do {
            switch try ProtectedMessageCodec.open(datagram.bytes, message: message, keys: keys, reassembler: &request.reassembler,
                                                  place: place) {
            case .incompleteFragments:
                outstanding = request
                return
            case .payloads(let inner):
                payloads = inner
            }
            try MessageRules.verify(message, innerPayloads: payloads,
                                    against: MessageRules.table(exchange: request.exchange, isResponse: true))
        } catch let error as IKEProtocolError {
            out.effects.append(.protocolError(error))
            return
        } catch let error as IKEParseError {
            out.effects.append(.protocolError(.malformed(error, place: place)))
            return
        } catch {
            return
        }
        outstanding = nil
        timers[.retransmission] = nil
        lastHeardFrom = env.now
        switch request.purpose {
        case .liveness:
            break
        case .deleteIKESA, .deleteChildSAs:
            DeleteExchange.handleResponse(purpose: request.purpose, sa: &self, out: &out)
        case .childRekey(let initiator):
            initiator.handleResponse(payloads, messageID: request.messageID, sa: &self, env: env, out: &out)
        case .ikeRekey(let initiator):
            initiator.handleResponse(payloads, messageID: request.messageID, sa: &self, env: env, out: &out)
        }
    }

    // MARK: - Timers

    mutating func timerFired(_ kind: IKETimer.Kind, env: ExchangeEnvironment, out: inout Outcome) {
        guard takeDueTimer(kind, now: env.now) else { return }
        switch kind {
        case .retransmission:
            retransmit(env: env, out: &out)
        case .deadPeerDetection:
            LivenessCheck.timerFired(sa: &self, env: env, out: &out)
        case .halfOpenExpiry:
            if phase.isHalfOpen { tearDown(reason: .halfOpenTimeout, out: &out) }
        case .ikeSARekey:
            IKERekeyInitiator.start(sa: &self, env: env, out: &out)
        case .childSARekey(let spi):
            ChildRekeyInitiator.start(inboundSPI: spi, sa: &self, env: env, out: &out)
        case .ikeSAExpiry, .sessionTimeout:
            if case .established = phase { endSession(reason: .lifetimeExpired, notifyPeer: true, env: env, out: &out) }
        case .childSAExpiry(let spi):
            // A CHILD_SA that was not replaced in time: stop using it (RFC 7296 §2.8).
            guard case .established(let state) = phase, state.children.contains(where: { $0.inboundSPI == spi }) else { return }
            if canSendRequest {
                DeleteExchange.deleteChildren([spi], sa: &self, env: env, out: &out)
            } else {
                schedule(.childSAExpiry(inboundSPI: spi), at: env.now.adding(seconds: 1), out: &out)
            }
        case .endedSetupAnswerExpiry:
            break   // the table's, for an SA already gone
        }
    }
}
