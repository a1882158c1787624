import HubVocabulary
import IKECrypto
import IKEWire

/// EAP inside IKE_AUTH, responder side (RFC 7296 §2.16), relayed through the auth broker
/// to the EAP server (FlexVPN `authentication remote eap`):
///
/// ```
/// HDR, SK {IDi, [CP], SAi2, TSi, TSr}            -->  .authenticate(.eapStart)
///                                                 <--  HDR, SK {IDr, AUTH, EAP(Request)}
/// HDR, SK {EAP(Response)}                         -->  .authenticate(.eapRound)   (repeats)
///                                                 <--  HDR, SK {EAP(Request | Success)}
/// HDR, SK {AUTH}                                  -->  .authenticate(.eapFinish) or checked here
///                                                 <--  HDR, SK {AUTH, [CP], SAr2, TSi, TSr}
/// ```
///
/// The final AUTH values are MACed with the MSK, which only the broker holds; a method
/// that makes no MSK (EAP-MD5) uses SK_pi/SK_pr instead, which the engine has. Each wait
/// for the peer is bounded by the profile's EAP timeout (`halfOpenExpiry`).
enum IKEAuthEAP {
    // MARK: - Broker answers

    /// The next EAP request (the first one with our AUTH): sent, then wait for the peer.
    static func handle(continuation: EAPContinuation, sa: inout IKESA, env: ExchangeEnvironment, out: inout Outcome) {
        guard case .authenticating(var state) = sa.phase, var eap = state.eap,
              state.step == .authenticating || state.step == .eapRelaying else { return }
        var payloads: [Payload] = []
        if state.step == .authenticating, state.firstAuthentication == nil {
            guard let ours = continuation.responderAuthentication else {
                fail(state, reason: "the broker computed no responder AUTH to start EAP", sa: &sa, env: env, out: &out)
                return
            }
            payloads.append(.identificationResponder(state.responderID))
            payloads += continuation.responderCertificates.map { .certificate(CertificatePayload(encoding: .x509Signature, data: $0)) }
            payloads.append(.authentication(ours))
        }
        let request: EAPPayload
        if let bytes = continuation.eapMessage {
            do {
                request = try EAPPayload(eapMessage: bytes)
            } catch {
                fail(state, reason: "the EAP server sent an unparsable EAP message: \(error)", sa: &sa, env: env, out: &out)
                return
            }
        } else {
            // `query-identity`: we ask for the EAP identity ourselves (RFC 3748 §5.1).
            request = EAPPayload(code: .request, identifier: eap.lastIdentifier &+ 1, method: .type(.identity))
        }
        eap.lastIdentifier = request.identifier
        payloads.append(.eap(request))
        do {
            try sa.sendResponse(exchange: .ikeAuth, messageID: state.messageID, payloads: payloads,
                                remote: state.replyRemote, local: state.replyLocal, env: env, out: &out)
        } catch {
            out.effects.append(.protocolError(error))
            sa.tearDown(reason: .setupFailed(.authenticationFailed), out: &out)
            return
        }
        state.eap = eap
        state.step = .eapAwaitingPeer
        sa.phase = .authenticating(state)
        sa.schedule(.halfOpenExpiry, at: env.now.adding(seconds: eap.timeoutSeconds), out: &out)
    }

    /// EAP Success: EAP-Success to the peer, then its AUTH.
    static func handle(success outcome: EAPOutcome, sa: inout IKESA, env: ExchangeEnvironment, out: inout Outcome) {
        guard case .authenticating(var state) = sa.phase, var eap = state.eap, state.step == .eapRelaying else { return }
        let message = outcome.eapMessage.flatMap { try? EAPPayload(eapMessage: $0) }
            ?? EAPPayload(code: .success, identifier: eap.lastIdentifier, method: nil)
        do {
            try sa.sendResponse(exchange: .ikeAuth, messageID: state.messageID, payloads: [.eap(message)],
                                remote: state.replyRemote, local: state.replyLocal, env: env, out: &out)
        } catch {
            out.effects.append(.protocolError(error))
            sa.tearDown(reason: .setupFailed(.authenticationFailed), out: &out)
            return
        }
        eap.outcome = outcome
        state.eap = eap
        state.step = .eapAwaitingAuth
        sa.phase = .authenticating(state)
        sa.schedule(.halfOpenExpiry, at: env.now.adding(seconds: eap.timeoutSeconds), out: &out)
    }

    /// EAP Failure: EAP-Failure to the peer (RFC 7296 §2.16) and the half-open SA ends.
    static func handle(failure reason: String, eapMessage: [UInt8]?, sa: inout IKESA, env: ExchangeEnvironment,
                       out: inout Outcome) {
        guard case .authenticating(let state) = sa.phase, let eap = state.eap,
              state.step == .eapRelaying || state.step == .authenticating else { return }
        out.effects.append(.protocolError(IKEProtocolError(.authenticationFailed, notify: .authenticationFailed,
                                                           place: sa.place(.ikeAuth, state.messageID), reason: reason)))
        let message = eapMessage.flatMap { try? EAPPayload(eapMessage: $0) }
            ?? EAPPayload(code: .failure, identifier: eap.lastIdentifier, method: nil)
        if state.step == .authenticating {
            // Nothing was said yet: the plain refusal.
            sa.sendErrorResponse(exchange: .ikeAuth, messageID: state.messageID, notify: .authenticationFailed,
                                 remote: state.replyRemote, local: state.replyLocal, env: env, out: &out)
        } else {
            try? sa.sendResponse(exchange: .ikeAuth, messageID: state.messageID, payloads: [.eap(message)],
                                 remote: state.replyRemote, local: state.replyLocal, env: env, out: &out)
        }
        sa.finish(reason: .authenticationFailed, out: &out)
    }

    // MARK: - Peer requests

    /// `SK {EAP(Response)}`: relayed to the EAP server.
    static func receiveRound(_ payloads: [Payload], message: IKEMessage, datagram: InboundDatagram, sa: inout IKESA,
                             env: ExchangeEnvironment, out: inout Outcome) throws(IKEProtocolError) {
        let messageID = message.header.messageID
        let place = sa.place(.ikeAuth, messageID)
        do {
            try MessageRules.verify(message, innerPayloads: payloads, against: MessageRules.ikeAuthEAPRequest)
        } catch {
            throw .malformed(error, place: place)
        }
        guard case .authenticating(var state) = sa.phase, var eap = state.eap else {
            throw .unexpected("EAP round without an EAP conversation", place: place)
        }
        guard let response = payloads.lazy.compactMap({ payload -> EAPPayload? in
            if case .eap(let eap) = payload { eap } else { nil }
        }).first, response.code == .response else {
            throw IKEProtocolError(.authenticationFailed, notify: .authenticationFailed, place: place,
                                   reason: "the peer's EAP message is not an EAP-Response")
        }
        guard response.identifier == eap.lastIdentifier else {
            // RFC 3748 §4.1: a Response must repeat the Request's identifier.
            throw IKEProtocolError(.authenticationFailed, notify: .authenticationFailed, place: place,
                                   reason: "EAP-Response identifier \(response.identifier), expected \(eap.lastIdentifier)")
        }
        eap.round += 1
        state.eap = eap
        state.messageID = messageID
        state.replyRemote = datagram.remote
        state.replyLocal = datagram.local
        state.step = .eapRelaying
        sa.phase = .authenticating(state)
        sa.window.processing = messageID
        out.effects.append(.authenticate(authRequest(state, sa: sa, method: .eapRound(response, round: eap.round))))
    }

    /// `SK {AUTH}` after EAP Success.
    static func receiveFinalAuth(_ payloads: [Payload], message: IKEMessage, datagram: InboundDatagram, sa: inout IKESA,
                                 env: ExchangeEnvironment, out: inout Outcome) throws(IKEProtocolError) {
        let messageID = message.header.messageID
        let place = sa.place(.ikeAuth, messageID)
        do {
            try MessageRules.verify(message, innerPayloads: payloads, against: MessageRules.ikeAuthFinalRequest)
        } catch {
            throw .malformed(error, place: place)
        }
        guard case .authenticating(var state) = sa.phase, let eap = state.eap, let outcome = eap.outcome else {
            throw .unexpected("AUTH after EAP without an EAP success", place: place)
        }
        guard let auth = payloads.lazy.compactMap({ payload -> AuthenticationPayload? in
            if case .authentication(let auth) = payload { auth } else { nil }
        }).first, auth.method == .sharedKeyMessageIntegrityCode else {
            throw IKEProtocolError(.authenticationFailed, notify: .authenticationFailed, place: place,
                                   reason: "the AUTH after EAP must be a shared key MIC (RFC 7296 §2.16)")
        }
        state.messageID = messageID
        state.replyRemote = datagram.remote
        state.replyLocal = datagram.local
        sa.window.processing = messageID
        if outcome.mskAvailable {
            state.step = .eapFinishing
            sa.phase = .authenticating(state)
            out.effects.append(.authenticate(authRequest(state, sa: sa, method: .eapFinish(auth, round: eap.round + 1))))
            return
        }
        // No MSK: the shared key is SK_pi for the peer's AUTH and SK_pr for ours (§2.16).
        let prf = sa.keys.transforms.prf
        let valid: Bool, ours: [UInt8]
        do throws(IKECryptoError) {
            valid = try SharedKeyAuthentication.isValid(
                authenticationData: auth.authenticationData, secret: sa.keys.keys.skPi,
                octets: AuthenticationOctets(bytes: state.initiatorSignedOctets), prf: prf)
            ours = try SharedKeyAuthentication.authenticationData(
                secret: sa.keys.keys.skPr, octets: AuthenticationOctets(bytes: state.responderSignedOctets), prf: prf)
        } catch {
            throw .crypto(error, place: place)
        }
        guard valid else {
            sa.phase = .authenticating(state)
            throw IKEProtocolError(.authenticationFailed, notify: .authenticationFailed, place: place,
                                   reason: "AUTH after EAP does not verify with SK_pi (EAP method without MSK)")
        }
        state.step = .eapFinishing
        sa.phase = .authenticating(state)
        IKEAuthResponder.authenticated(
            AuthSuccess(responderAuthentication: AuthenticationPayload(method: .sharedKeyMessageIntegrityCode,
                                                                       authenticationData: ours),
                        username: outcome.username, attributes: outcome.attributes),
            state: &state, sa: &sa, env: env, out: &out)
    }

    /// RFC 4739: the second IKE_AUTH request, `SK {IDi, [AUTH]}`; without AUTH it starts
    /// EAP under the second identity (the seed's certificate-then-EAP case).
    static func receiveSecondAuthentication(_ payloads: [Payload], message: IKEMessage, datagram: InboundDatagram,
                                            sa: inout IKESA, env: ExchangeEnvironment,
                                            out: inout Outcome) throws(IKEProtocolError) {
        let messageID = message.header.messageID
        let place = sa.place(.ikeAuth, messageID)
        do {
            try MessageRules.verify(message, innerPayloads: payloads, against: MessageRules.ikeAuthRequest)
        } catch {
            throw .malformed(error, place: place)
        }
        guard case .authenticating(var state) = sa.phase else { throw .unexpected("second IKE_AUTH out of place", place: place) }
        var identification: IdentificationPayload?
        var hasAuth = false
        for payload in payloads {
            switch payload {
            case .identificationInitiator(let id): identification = id
            case .authentication: hasAuth = true
            default: break
            }
        }
        guard let identification else {
            throw IKEProtocolError(.malformedMessage, notify: .invalidSyntax, place: place, reason: "second IKE_AUTH without IDi")
        }
        guard !hasAuth, let settings = env.configuration.remoteAuthentication.lazy.compactMap(\.eap).first else {
            throw IKEProtocolError(.authenticationFailed, notify: .authenticationFailed, place: place,
                                   reason: "the second authentication must be EAP (authentication remote eap) in profile \(state.profile)")
        }
        // The AUTH that ends EAP covers the second IDi (RFC 4739 §3).
        let maced: [UInt8]
        do throws(IKECryptoError) {
            maced = try sa.keys.transforms.prf.compute(key: sa.keys.keys.skPi, data: identification.bodyBytes).revealedBytes()
        } catch {
            throw .crypto(error, place: place)
        }
        state.initiatorSignedOctets = state.initial.requestBytes + state.initial.responderNonce + maced
        state.secondIdentity = identification.identity
        state.eap = EAPConversation(queryIdentity: settings.queryIdentity, timeoutSeconds: settings.timeoutSeconds)
        state.messageID = messageID
        state.replyRemote = datagram.remote
        state.replyLocal = datagram.local
        state.step = .authenticating
        sa.phase = .authenticating(state)
        sa.window.processing = messageID
        var request = authRequest(state, sa: sa, method: .eapStartSecond(queryIdentity: settings.queryIdentity))
        request.initiatorIdentity = identification.identity
        out.effects.append(.authenticate(request))
    }

    // MARK: - Helpers

    private static func authRequest(_ state: Authenticating, sa: IKESA, method: PeerAuthenticationMethod) -> AuthRequest {
        AuthRequest(session: sa.sessionID, ikeSA: sa.identifier, profile: state.profile, peer: sa.remote, local: sa.local,
                    initiatorIdentity: state.secondIdentity ?? state.request.initiatorID.identity,
                    responderIdentity: state.responderID.identity,
                    requestedResponderIdentity: state.request.requestedResponderID?.identity, method: method,
                    prf: sa.keys.transforms.prf, initiatorSignedOctets: state.initiatorSignedOctets,
                    responderSignedOctets: state.responderSignedOctets,
                    requestedCertificateAuthorities: state.request.requestedAuthorities)
    }

    /// A broker answer that cannot be used: AUTHENTICATION_FAILED and the SA ends.
    private static func fail(_ state: Authenticating, reason: String, sa: inout IKESA, env: ExchangeEnvironment,
                             out: inout Outcome) {
        out.effects.append(.protocolError(IKEProtocolError(.authenticationFailed, notify: .authenticationFailed,
                                                           place: sa.place(.ikeAuth, state.messageID), reason: reason)))
        sa.sendErrorResponse(exchange: .ikeAuth, messageID: state.messageID, notify: .authenticationFailed,
                             remote: state.replyRemote, local: state.replyLocal, env: env, out: &out)
        sa.finish(reason: .authenticationFailed, out: &out)
    }
}
