import Foundation
import HubIPC
import HubVocabulary
import IKEExchanges
import IKEWire
import PKI

/// IKE_AUTH through the auth broker (auth.proto): the peer's proof goes to the worker
/// service of its method (`auth.psk`, `auth.eap`), our own AUTH comes from the profile's
/// `authentication local` method — the keyring's key or the broker's signing oracle.
/// The frontend never holds a PSK, an MSK or a private key (DESIGN §1).
extension ProcessPeers {
    func authenticate(_ request: AuthRequest, profile: FrontendProfile?) async -> AuthResult {
        let local = profile?.localAuthentication ?? .preShared
        switch request.method {
        case .sharedKey(let auth):
            return await preSharedKey(request, initiatorAuth: auth.authenticationData, local: local)
        case .signature(let auth, let certificates):
            return await certificate(request, auth: auth, certificates: certificates, profile: profile)
        case .eapStart(let queryIdentity):
            let ours: (payload: AuthenticationPayload, chain: [[UInt8]])
            switch await responderAuthentication(request, local: local, profile: profile) {
            case .success(let made): ours = made
            case .failure(let failure): return .rejected(reason: failure.reason)
            }
            if queryIdentity {
                return .eapContinue(EAPContinuation(responderAuthentication: ours.payload, eapMessage: nil, responderCertificates: ours.chain))
            }
            return await eapRound(request, round: 0, message: [], responderAuthentication: ours.payload, chain: ours.chain)
        case .eapStartSecond(let queryIdentity):
            // RFC 4739: our AUTH went out with the first authentication.
            if queryIdentity { return .eapContinue(EAPContinuation(eapMessage: nil)) }
            return await eapRound(request, round: 0, message: [], responderAuthentication: nil, chain: [])
        case .eapRound(let payload, let round):
            return await eapRound(request, round: round, message: payload.eapMessage, responderAuthentication: nil, chain: [])
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
            let reply = try await authd.request(body, service: "auth.psk", session: request.session, policy: aaaPolicy)
            guard case .authenticateReply(let answer) = reply.body else {
                return .rejected(reason: "auth broker answered \(reply.bodyName)")
            }
            guard answer.verdict == .accept else { return .rejected(reason: answer.reason) }
            var ours = AuthenticationPayload(method: .sharedKeyMessageIntegrityCode, authenticationData: [UInt8](answer.responderAuth))
            var chain: [[UInt8]] = []
            if case .signature = local {
                // `authentication local rsa-sig|ecdsa-sig` with a PSK peer: we sign.
                switch await responderAuthentication(request, local: local, profile: nil) {
                case .success(let signed): (ours, chain) = signed
                case .failure(let failure): return .rejected(reason: failure.reason)
                }
            }
            return .authenticated(AuthSuccess(
                responderAuthentication: ours, username: answer.authenticatedName.isEmpty ? nil : answer.authenticatedName,
                attributes: answer.attributes.map { AAAAttribute(name: $0.name, value: $0.value) }, responderCertificates: chain))
        } catch {
            return .rejected(reason: "auth broker: \(error)")
        }
    }

    // MARK: - Our own AUTH

    /// Our AUTH payload over `responderSignedOctets` with the profile's local method, and
    /// the certificate chain that goes with it.
    func responderAuthentication(_ request: AuthRequest, local: FrontendProfile.LocalAuthentication, profile: FrontendProfile?) async
        -> Result<(payload: AuthenticationPayload, chain: [[UInt8]]), AuthenticationFailure> {
        switch local {
        case .preShared:
            // Only EAP asks for our AUTH alone (a PSK peer's AUTH_r comes with its check), and
            // FlexConfig refuses EAP without `authentication local rsa-sig|ecdsa-sig`.
            return .failure(AuthenticationFailure(reason: "profile \(request.profile): EAP needs authentication local rsa-sig or ecdsa-sig"))
        case .signature(let trustpoints):
            let gateway: (trustpoint: String, chain: [[UInt8]])
            switch await gatewayCertificates(request, signing: trustpoints, verify: profile?.verifyTrustpoints ?? []) {
            case .success(let found): gateway = found
            case .failure(let failure): return .failure(failure)
            }
            // The broker's signing oracle picks the method for the key and the peer's hashes.
            let body = IPCv1Envelope.OneOf_Body.computeAuthRequest(.with {
                $0.method = .unspecified
                $0.signedOctets = Data(request.responderSignedOctets)
                $0.keyReference = gateway.trustpoint
                $0.prfTransformID = UInt32(request.prf.transformID)
                $0.peerSignatureHashes = request.peerSignatureHashes.map(UInt32.init)
            })
            do {
                let reply = try await authd.request(body, session: request.session)
                guard case .computeAuthReply(let answer) = reply.body, !answer.authValue.isEmpty else {
                    return .failure(AuthenticationFailure(reason: "auth broker did not sign with trustpoint \(gateway.trustpoint)"))
                }
                return .success((AuthenticationPayload(method: AuthenticationMethod(UInt8(clamping: answer.method.rawValue)),
                                                       authenticationData: [UInt8](answer.authValue)), gateway.chain))
            } catch {
                return .failure(AuthenticationFailure(reason: "auth broker (trustpoint \(gateway.trustpoint)): \(error)"))
            }
        }
    }

    /// Which of our chains to send (the one whose CA the peer's CERTREQ names), and the
    /// trustpoint that signs.
    private func gatewayCertificates(_ request: AuthRequest, signing: [String], verify: [String]) async
        -> Result<(trustpoint: String, chain: [[UInt8]]), AuthenticationFailure> {
        let body = IPCv1Envelope.OneOf_Body.gatewayCertificatesRequest(.with {
            $0.trustpoints = signing
            $0.requestedAuthorities = request.requestedCertificateAuthorities.map { Data($0) }
            $0.verifyTrustpoints = verify
        })
        do {
            let reply = try await authd.request(body, session: request.session)
            guard case .gatewayCertificatesReply(let answer) = reply.body, !answer.trustpoint.isEmpty else {
                let reason: String
                if case .gatewayCertificatesReply(let answer) = reply.body { reason = answer.reason } else { reason = reply.bodyName }
                return .failure(AuthenticationFailure(reason: "no gateway certificate: \(reason)"))
            }
            return .success((answer.trustpoint, answer.certificates.map { [UInt8]($0) }))
        } catch {
            return .failure(AuthenticationFailure(reason: "auth broker: \(error)"))
        }
    }

    // MARK: - Certificates

    /// `authentication remote rsa-sig | ecdsa-sig`: the chain and the AUTH signature go to
    /// `auth.cert`, which verifies them against the profile's trustpoints and signs ours.
    private func certificate(_ request: AuthRequest, auth: AuthenticationPayload, certificates: [CertificatePayload],
                             profile: FrontendProfile?) async -> AuthResult {
        guard case .signature(let signing)? = profile?.localAuthentication else {
            return .rejected(reason: "a certificate peer needs authentication local rsa-sig or ecdsa-sig in profile \(request.profile)")
        }
        let gateway: (trustpoint: String, chain: [[UInt8]])
        switch await gatewayCertificates(request, signing: signing, verify: profile?.verifyTrustpoints ?? []) {
        case .success(let found): gateway = found
        case .failure(let failure): return .rejected(reason: failure.reason)
        }
        // Hash-and-URL CERT payloads (encoding 12, after our HTTP_CERT_LOOKUP_SUPPORTED):
        // fetched here, checked against their SHA-1, then handled as inline ones.
        var chain: [[UInt8]] = []
        for payload in certificates {
            switch payload.encoding {
            case .x509Signature:
                chain.append(payload.data)
            case .hashAndURLOfX509Certificate:
                switch await Self.fetchHashAndURL(payload.data) {
                case .success(let der): chain.append(der)
                case .failure(let failure): return .rejected(reason: "certificate rejected, hash-and-URL: \(failure.reason)")
                }
            default:
                continue
            }
        }
        let body = authenticateRequest(request) {
            $0.signature = .with {
                $0.method = IPCv1AuthMethod(rawValue: Int(auth.method.rawValue)) ?? .unspecified
                $0.initiatorSignedOctets = Data(request.initiatorSignedOctets)
                $0.initiatorAuth = Data(auth.authenticationData)
                $0.certificates = chain.map { Data($0) }
                $0.responderSignedOctets = Data(request.responderSignedOctets)
                $0.responderKeyReference = gateway.trustpoint
                $0.peerSignatureHashes = request.peerSignatureHashes.map(UInt32.init)
                // A peer that signs with RSASSA-PSS gets a PSS signature back from an RSA key.
                $0.responderRsaPss = Self.signsWithPSS(auth)
            }
        }
        do {
            let reply = try await authd.request(body, service: "auth.cert", session: request.session)
            guard case .authenticateReply(let answer) = reply.body else {
                return .rejected(reason: "auth broker answered \(reply.bodyName)")
            }
            guard answer.verdict == .accept, !answer.responderAuth.isEmpty else {
                return .rejected(reason: answer.reason.isEmpty ? "certificate rejected" : answer.reason)
            }
            return .authenticated(AuthSuccess(
                responderAuthentication: AuthenticationPayload(method: AuthenticationMethod(UInt8(clamping: answer.responderAuthMethod.rawValue)),
                                                               authenticationData: [UInt8](answer.responderAuth)),
                username: answer.authenticatedName.isEmpty ? nil : answer.authenticatedName,
                attributes: answer.attributes.map { AAAAttribute(name: $0.name, value: $0.value) },
                responderCertificates: gateway.chain))
        } catch {
            return .rejected(reason: "auth broker: \(error)")
        }
    }

    /// The HTTP GET of a hash-and-URL certificate, on a thread of its own (it blocks).
    static func fetchHashAndURL(_ data: [UInt8]) async -> Result<[UInt8], AuthenticationFailure> {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                do {
                    continuation.resume(returning: .success(try HashAndURLCertificate.fetch(data)))
                } catch {
                    continuation.resume(returning: .failure(AuthenticationFailure(reason: "\(error)")))
                }
            }
        }
    }

    /// Whether an RFC 7427 AUTH payload's AlgorithmIdentifier is RSASSA-PSS (OID 1.2.840.113549.1.1.10).
    static func signsWithPSS(_ auth: AuthenticationPayload) -> Bool {
        guard auth.method == .digitalSignature,
              let parsed = try? DigitalSignatureAuthentication.parse(auth.authenticationData) else { return false }
        if case .rsassaPSSWithSHA256 = parsed.algorithm { return true }
        let pss: [UInt8] = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a]
        let der = parsed.algorithm.der
        return der.count >= pss.count && (0...(der.count - pss.count)).contains { Array(der[$0..<$0 + pss.count]) == pss }
    }

    // MARK: - EAP

    private func eapRound(_ request: AuthRequest, round: Int, message: [UInt8],
                          responderAuthentication ours: AuthenticationPayload?, chain: [[UInt8]]) async -> AuthResult {
        let body = authenticateRequest(request) {
            $0.eap = .with {
                $0.round = UInt32(clamping: round)
                $0.eapMessage = Data(message)
            }
        }
        do {
            let reply = try await authd.request(body, service: "auth.eap", session: request.session, idempotent: false,
                                               policy: aaaPolicy)
            guard case .authenticateReply(let answer) = reply.body else {
                return .rejected(reason: "auth broker answered \(reply.bodyName)")
            }
            let eapMessage = answer.eapMessage.isEmpty ? nil : [UInt8](answer.eapMessage)
            switch answer.verdict {
            case .continue:
                return .eapContinue(EAPContinuation(responderAuthentication: ours, eapMessage: eapMessage, responderCertificates: chain))
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
            let reply = try await authd.request(body, service: "auth.eap", session: request.session, idempotent: false,
                                               policy: aaaPolicy)
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
