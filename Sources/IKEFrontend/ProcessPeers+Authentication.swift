import Foundation
import HubIPC
import HubVocabulary
import IKEExchanges
import IKEWire

/// IKE_AUTH through the auth broker (auth.proto): the peer's proof goes to the worker
/// service of its method (`auth.psk`, `auth.eap`), our own AUTH comes from the profile's
/// `authentication local` method — the keyring's key or the broker's signing oracle.
/// The frontend never holds a PSK, an MSK or a private key (DESIGN §1).
extension ProcessPeers {
    func authenticate(_ request: AuthRequest, local: FrontendProfile.LocalAuthentication) async -> AuthResult {
        switch request.method {
        case .sharedKey(let auth):
            return await preSharedKey(request, initiatorAuth: auth.authenticationData, local: local)
        case .signature:
            return .rejected(reason: "certificate authentication of peers is not served yet (authentication remote rsa-sig/ecdsa-sig)")
        case .eapStart(let queryIdentity):
            let ours: AuthenticationPayload
            switch await responderAuthentication(request, local: local) {
            case .success(let payload): ours = payload
            case .failure(let failure): return .rejected(reason: failure.reason)
            }
            if queryIdentity { return .eapContinue(EAPContinuation(responderAuthentication: ours, eapMessage: nil)) }
            return await eapRound(request, round: 0, message: [], responderAuthentication: ours)
        case .eapStartSecond(let queryIdentity):
            // RFC 4739: our AUTH went out with the first authentication.
            if queryIdentity { return .eapContinue(EAPContinuation(eapMessage: nil)) }
            return await eapRound(request, round: 0, message: [], responderAuthentication: nil)
        case .eapRound(let payload, let round):
            return await eapRound(request, round: round, message: payload.eapMessage, responderAuthentication: nil)
        case .eapFinish(let auth, let round):
            return await eapFinish(request, round: round, initiatorAuth: auth.authenticationData)
        }
    }

    struct AuthenticationFailure: Error { let reason: String }

    // MARK: - Pre-shared keys

    private func preSharedKey(_ request: AuthRequest, initiatorAuth: [UInt8],
                              local: FrontendProfile.LocalAuthentication) async -> AuthResult {
        let body = authenticateRequest(request) {
            $0.preSharedKey = .with {
                $0.initiatorSignedOctets = Data(request.initiatorSignedOctets)
                $0.initiatorAuth = Data(initiatorAuth)
                $0.responderSignedOctets = Data(request.responderSignedOctets)
            }
        }
        do {
            let reply = try await authd.request(body, service: "auth.psk", session: request.session)
            guard case .authenticateReply(let answer) = reply.body else {
                return .rejected(reason: "auth broker answered \(reply.bodyName)")
            }
            guard answer.verdict == .accept else { return .rejected(reason: answer.reason) }
            var ours = AuthenticationPayload(method: .sharedKeyMessageIntegrityCode, authenticationData: [UInt8](answer.responderAuth))
            if case .signature = local {
                // `authentication local rsa-sig|ecdsa-sig` with a PSK peer: we sign.
                switch await responderAuthentication(request, local: local) {
                case .success(let signed): ours = signed
                case .failure(let failure): return .rejected(reason: failure.reason)
                }
            }
            return .authenticated(AuthSuccess(
                responderAuthentication: ours, username: answer.authenticatedName.isEmpty ? nil : answer.authenticatedName,
                attributes: answer.attributes.map { AAAAttribute(name: $0.name, value: $0.value) }))
        } catch {
            return .rejected(reason: "auth broker: \(error)")
        }
    }

    // MARK: - Our own AUTH

    /// Our AUTH payload over `responderSignedOctets` with the profile's local method.
    func responderAuthentication(_ request: AuthRequest, local: FrontendProfile.LocalAuthentication) async
        -> Result<AuthenticationPayload, AuthenticationFailure> {
        switch local {
        case .preShared:
            // The worker computes AUTH_r with the keyring's (local) key; no AUTH_i to check.
            let body = authenticateRequest(request) {
                $0.preSharedKey = .with { $0.responderSignedOctets = Data(request.responderSignedOctets) }
            }
            do {
                let reply = try await authd.request(body, service: "auth.psk", session: request.session)
                guard case .authenticateReply(let answer) = reply.body, answer.verdict == .accept, !answer.responderAuth.isEmpty else {
                    return .failure(AuthenticationFailure(reason: "auth broker computed no responder AUTH with the keyring's key"))
                }
                return .success(AuthenticationPayload(method: .sharedKeyMessageIntegrityCode,
                                                      authenticationData: [UInt8](answer.responderAuth)))
            } catch {
                return .failure(AuthenticationFailure(reason: "auth broker: \(error)"))
            }
        case .signature(let trustpoint):
            // RFC 7427 digital signature by the broker's signing oracle.
            let body = IPCv1Envelope.OneOf_Body.computeAuthRequest(.with {
                $0.method = .digitalSignature
                $0.signedOctets = Data(request.responderSignedOctets)
                $0.keyReference = trustpoint
                $0.prfTransformID = UInt32(request.prf.transformID)
            })
            do {
                let reply = try await authd.request(body, session: request.session)
                guard case .computeAuthReply(let answer) = reply.body, !answer.authValue.isEmpty else {
                    return .failure(AuthenticationFailure(reason: "auth broker did not sign with trustpoint \(trustpoint)"))
                }
                return .success(AuthenticationPayload(method: .digitalSignature, authenticationData: [UInt8](answer.authValue)))
            } catch {
                return .failure(AuthenticationFailure(reason: "auth broker (trustpoint \(trustpoint)): \(error)"))
            }
        }
    }

    // MARK: - EAP

    private func eapRound(_ request: AuthRequest, round: Int, message: [UInt8],
                          responderAuthentication ours: AuthenticationPayload?) async -> AuthResult {
        let body = authenticateRequest(request) {
            $0.eap = .with {
                $0.round = UInt32(clamping: round)
                $0.eapMessage = Data(message)
            }
        }
        do {
            let reply = try await authd.request(body, service: "auth.eap", session: request.session, idempotent: false)
            guard case .authenticateReply(let answer) = reply.body else {
                return .rejected(reason: "auth broker answered \(reply.bodyName)")
            }
            let eapMessage = answer.eapMessage.isEmpty ? nil : [UInt8](answer.eapMessage)
            switch answer.verdict {
            case .continue:
                return .eapContinue(EAPContinuation(responderAuthentication: ours, eapMessage: eapMessage))
            case .accept:
                return .eapSucceeded(EAPOutcome(
                    eapMessage: eapMessage, mskAvailable: answer.mskAvailable,
                    username: answer.authenticatedName.isEmpty ? nil : answer.authenticatedName,
                    attributes: answer.attributes.map { AAAAttribute(name: $0.name, value: $0.value) }))
            default:
                return .eapFailed(reason: answer.reason.isEmpty ? "EAP rejected" : answer.reason, eapMessage: eapMessage)
            }
        } catch {
            return .eapFailed(reason: "auth broker: \(error)", eapMessage: nil)
        }
    }

    /// The peer's AUTH after EAP, checked by the broker with the MSK it kept.
    private func eapFinish(_ request: AuthRequest, round: Int, initiatorAuth: [UInt8]) async -> AuthResult {
        let body = authenticateRequest(request) {
            $0.eap = .with {
                $0.round = UInt32(clamping: round)
                $0.initiatorSignedOctets = Data(request.initiatorSignedOctets)
                $0.initiatorAuth = Data(initiatorAuth)
                $0.responderSignedOctets = Data(request.responderSignedOctets)
            }
        }
        do {
            let reply = try await authd.request(body, service: "auth.eap", session: request.session, idempotent: false)
            guard case .authenticateReply(let answer) = reply.body else {
                return .rejected(reason: "auth broker answered \(reply.bodyName)")
            }
            guard answer.verdict == .accept, !answer.responderAuth.isEmpty else {
                return .rejected(reason: answer.reason.isEmpty ? "AUTH after EAP rejected" : answer.reason)
            }
            return .authenticated(AuthSuccess(responderAuthentication: AuthenticationPayload(
                method: .sharedKeyMessageIntegrityCode, authenticationData: [UInt8](answer.responderAuth))))
        } catch {
            return .rejected(reason: "auth broker: \(error)")
        }
    }

    // MARK: - Helpers

    /// The fields every AuthenticateRequest carries, plus the method `fill` sets.
    private func authenticateRequest(_ request: AuthRequest,
                                     _ fill: (inout IPCv1AuthenticateRequest) -> Void) -> IPCv1Envelope.OneOf_Body {
        .authenticateRequest(.with {
            $0.peerIdentity = .with { $0.idType = UInt32(request.initiatorIdentity.kind.rawValue); $0.value = Data(request.initiatorIdentity.data) }
            $0.localIdentity = .with { $0.idType = UInt32(request.responderIdentity.kind.rawValue); $0.value = Data(request.responderIdentity.data) }
            $0.profile = request.profile
            $0.ikeSa = .with { $0.initiatorSpi = request.ikeSA.initiatorSPI.rawValue; $0.responderSpi = request.ikeSA.responderSPI.rawValue }
            $0.prfTransformID = UInt32(request.prf.transformID)
            $0.peerAddress = .with { $0.octets = Data(request.peer.address.bytes) }
            fill(&$0)
        })
    }
}
