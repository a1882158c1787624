import HubVocabulary
import IKECrypto
import IKEWire

/// IKE_AUTH, responder side, with the session setup of DESIGN §2 (RFC 7296 §1.2, §2.15):
///
/// ```
/// HDR, SK {IDi, [CERT+], [N(INITIAL_CONTACT)], [IDr], AUTH, [CP(CFG_REQUEST)], SAi2, TSi, TSr}  -->
///   .authenticate → [.authorize] → [.allocateAddress] → .createVirtualAccess → .installChildSA
///                            <--  HDR, SK {IDr, AUTH, [CP(CFG_REPLY)], SAr2, TSi, TSr}
///   .accountingStart
/// ```
///
/// Each step waits for its result input. A failure before AUTH is known answers
/// `N(error)` alone and drops the SA; a failure after it answers `IDr, AUTH, N(error)`
/// (RFC 7296 §1.2: the IKE SA exists without a CHILD_SA), releases what was allocated,
/// and deletes the IKE SA, since a remote-access session without a tunnel is of no use.
enum IKEAuthResponder {
    // MARK: - Request

    static func receive(_ payloads: [Payload], message: IKEMessage, datagram: InboundDatagram, sa: inout IKESA,
                        env: ExchangeEnvironment, out: inout Outcome) throws(IKEProtocolError) {
        switch sa.phase {
        case .authenticating(let state) where state.step == .eapAwaitingPeer:
            try IKEAuthEAP.receiveRound(payloads, message: message, datagram: datagram, sa: &sa, env: env, out: &out)
        case .authenticating(let state) where state.step == .eapAwaitingAuth:
            try IKEAuthEAP.receiveFinalAuth(payloads, message: message, datagram: datagram, sa: &sa, env: env, out: &out)
        case .authenticating(let state) where state.step == .awaitingSecondAuthentication:
            try IKEAuthEAP.receiveSecondAuthentication(payloads, message: message, datagram: datagram, sa: &sa, env: env, out: &out)
        default:
            try receiveInitial(payloads, message: message, datagram: datagram, sa: &sa, env: env, out: &out)
        }
    }

    /// The first IKE_AUTH request: the profile is chosen for IDi, then AUTH goes to the
    /// broker (or EAP starts when there is no AUTH).
    private static func receiveInitial(_ payloads: [Payload], message: IKEMessage, datagram: InboundDatagram,
                                       sa: inout IKESA, env: ExchangeEnvironment,
                                       out: inout Outcome) throws(IKEProtocolError) {
        let messageID = message.header.messageID
        let place = sa.place(.ikeAuth, messageID)
        do {
            try MessageRules.verify(message, innerPayloads: payloads, against: MessageRules.ikeAuthInitialRequest)
        } catch {
            throw .malformed(error, place: place)
        }
        let contents = try parse(payloads, place: place)
        let identity = contents.initiatorID.identity
        // IOS: no profile for the peer ends the exchange with AUTHENTICATION_FAILED.
        // `match certificate`: the maps the peer's end-entity certificate satisfies.
        var matchedMaps: Set<String> = []
        // (A hash-and-URL end entity is fetched later, by the frontend: maps see inline ones.)
        let endEntity = contents.certificates.first(where: { $0.encoding == .x509Signature })
        if env.base.usesCertificateMaps, let matcher = env.certificateMatcher, let endEntity {
            let others = contents.certificates.dropFirst().filter { $0.encoding == .x509Signature }.map(\.data)
            matchedMaps = matcher.matchingMaps(endEntity: endEntity.data, intermediates: Array(others))
        }
        guard let profile = env.base.selectProfile(identity: identity, localAddress: datagram.local.address,
                                                   certificateMaps: matchedMaps) else {
            var reason = "no crypto ikev2 profile matches IDi \(identity) to \(datagram.local.address)"
            if env.base.usesCertificateMaps, let matcher = env.certificateMatcher, let endEntity {
                let maps = env.base.profiles.flatMap(\.match.certificateMaps)
                reason += "; certificate map mismatch: \(matcher.mismatch(endEntity: endEntity.data, maps: maps))"
            }
            throw IKEProtocolError(.authenticationFailed, notify: .authenticationFailed, place: place, reason: reason)
        }
        let env = env.under(profile)
        guard profile.allows(contents.authentication?.method) else {
            let asked = contents.authentication.map { "AUTH method \($0.method)" } ?? "EAP (no AUTH payload)"
            throw IKEProtocolError(.authenticationFailed, notify: .authenticationFailed, place: place,
                                   reason: "profile \(profile.name) does not allow \(asked) (authentication remote)")
        }
        if contents.securityAssociation == nil {
            // RFC 6023 childless IKE SA: no SAi2/TSi/TSr at all.
            guard env.configuration.acceptsChildlessIKESAs, contents.initiatorSelectors.isEmpty,
                  contents.responderSelectors.isEmpty else {
                throw IKEProtocolError(.malformedMessage, notify: .invalidSyntax, place: place,
                                       reason: "IKE_AUTH without SAi2 (childless IKE SAs are not accepted)")
            }
        }
        let responderID = IdentificationPayload(identity: env.configuration.localIdentity)
        let identifier = sa.identifier, sessionID = sa.sessionID, keys = sa.keys
        let remote = sa.remote, local = sa.local
        let request: AuthRequest = try sa.transition { (phase) throws(IKEProtocolError) -> AuthRequest in
            guard case .awaitingAuth(let state) = phase else {
                throw .unexpected("IKE_AUTH request in state \(phase.name)", place: place)
            }
            let prf = keys.transforms.prf
            let macedI: [UInt8], macedR: [UInt8]
            do throws(IKECryptoError) {
                macedI = try prf.compute(key: keys.keys.skPi, data: contents.initiatorID.bodyBytes).revealedBytes()
                macedR = try prf.compute(key: keys.keys.skPr, data: responderID.bodyBytes).revealedBytes()
            } catch {
                throw .crypto(error, place: place)
            }
            let method: PeerAuthenticationMethod
            var eap: EAPConversation?
            if let authentication = contents.authentication {
                method = authentication.method == .sharedKeyMessageIntegrityCode
                    ? .sharedKey(authentication) : .signature(authentication, certificates: contents.certificates)
            } else {
                let settings = profile.eapSettings ?? (queryIdentity: false, timeoutSeconds: 90)
                method = .eapStart(queryIdentity: settings.queryIdentity)
                eap = EAPConversation(queryIdentity: settings.queryIdentity, timeoutSeconds: settings.timeoutSeconds)
            }
            let initiatorOctets = state.initial.requestBytes + state.initial.responderNonce + macedI
            let responderOctets = state.initial.responseBytes + state.initial.initiatorNonce + macedR
            phase = .authenticating(Authenticating(
                initial: state.initial, profile: profile.name, request: contents, messageID: messageID,
                replyRemote: datagram.remote, replyLocal: datagram.local, responderID: responderID, step: .authenticating,
                eap: eap, initiatorSignedOctets: initiatorOctets, responderSignedOctets: responderOctets))
            return AuthRequest(
                session: sessionID, ikeSA: identifier, profile: profile.name, peer: remote, local: local,
                initiatorIdentity: identity, responderIdentity: responderID.identity,
                requestedResponderIdentity: contents.requestedResponderID?.identity, method: method, prf: prf,
                initiatorSignedOctets: initiatorOctets, responderSignedOctets: responderOctets,
                requestedCertificateAuthorities: contents.requestedAuthorities,
                peerSignatureHashes: state.initial.peerSignatureHashes)
        }
        sa.window.processing = messageID
        out.effects.append(.authenticate(request))
    }

    private static func parse(_ payloads: [Payload], place: ErrorPlace) throws(IKEProtocolError) -> IKEAuthRequestContents {
        var idi: IdentificationPayload?
        var contents = IKEAuthRequestContents(
            initiatorID: IdentificationPayload(identity: PeerIdentity(kind: .null, data: [])), certificates: [],
            initiatorSelectors: [], responderSelectors: [], initialContact: false, transportModeRequested: false)
        for payload in payloads {
            switch payload {
            case .identificationInitiator(let id): idi = id
            case .identificationResponder(let id): contents.requestedResponderID = id
            case .authentication(let auth): contents.authentication = auth
            case .certificate(let cert): contents.certificates.append(cert)
            case .certificateRequest(let request) where request.encoding == .x509Signature:
                let length = CertificateRequestPayload.authorityHashLength
                contents.requestedAuthorities += stride(from: 0, to: request.authorityData.count - length + 1, by: length).map {
                    Array(request.authorityData[$0..<$0 + length])
                }
            case .configuration(let cp): contents.configuration = cp
            case .securityAssociation(let sa): contents.securityAssociation = sa
            case .trafficSelectorInitiator(let ts): contents.initiatorSelectors = ts.addressRanges
            case .trafficSelectorResponder(let ts): contents.responderSelectors = ts.addressRanges
            case .notify(let notify):
                switch notify.notifyType {
                case .initialContact: contents.initialContact = true
                case .useTransportMode: contents.transportModeRequested = true
                case .anotherAuthFollows: contents.anotherAuthenticationFollows = true
                default: break   // ESP_TFC_PADDING_NOT_SUPPORTED: we never pad; others are status we ignore
                }
            default: break
            }
        }
        guard let idi else {
            throw IKEProtocolError(.malformedMessage, notify: .invalidSyntax, place: place, reason: "no IDi")
        }
        contents.initiatorID = idi
        return contents
    }

    // MARK: - Step results

    static func handle(authResult: AuthResult, sa: inout IKESA, env: ExchangeEnvironment, out: inout Outcome) {
        guard case .authenticating(var state) = sa.phase,
              state.step == .authenticating || state.step == .eapRelaying || state.step == .eapFinishing else { return }
        switch authResult {
        case .rejected(let reason):
            // RFC 7296 §2.21.2: AUTHENTICATION_FAILED, and the IKE SA is not created.
            out.effects.append(.protocolError(IKEProtocolError(.authenticationFailed, notify: .authenticationFailed,
                                                               place: sa.place(.ikeAuth, state.messageID), reason: reason)))
            sa.sendErrorResponse(exchange: .ikeAuth, messageID: state.messageID, notify: .authenticationFailed,
                                 remote: state.replyRemote, local: state.replyLocal, env: env, out: &out)
            sa.finish(reason: .authenticationFailed, out: &out)
        case .eapContinue(let continuation):
            IKEAuthEAP.handle(continuation: continuation, sa: &sa, env: env, out: &out)
        case .eapSucceeded(let outcome):
            IKEAuthEAP.handle(success: outcome, sa: &sa, env: env, out: &out)
        case .eapFailed(let reason, let message):
            IKEAuthEAP.handle(failure: reason, eapMessage: message, sa: &sa, env: env, out: &out)
        case .authenticated(let success):
            guard state.step == .authenticating || state.step == .eapFinishing else { return }
            authenticated(success, state: &state, sa: &sa, env: env, out: &out)
        }
    }

    /// The peer is authenticated (AUTH checked, by the broker or, for EAP without an
    /// MSK, by us): INITIAL_CONTACT, then authorization or the rest of the setup.
    static func authenticated(_ success: AuthSuccess, state: inout Authenticating, sa: inout IKESA,
                              env: ExchangeEnvironment, out: inout Outcome) {
        var success = success
        if state.request.anotherAuthenticationFollows, state.firstAuthentication == nil {
            // RFC 4739 §3: answer the first authentication with IDr, [CERT], AUTH; the
            // second one (EAP) follows in the next IKE_AUTH request.
            let payloads = ourIdentity(state, certificates: success.responderCertificates) + [.authentication(success.responderAuthentication)]
            guard sa.answerIKEAuth(state, payloads: payloads, env: env, out: &out) else { return }
            state.firstAuthentication = success
            state.step = .awaitingSecondAuthentication
            sa.phase = .authenticating(state)
            let timeout = env.configuration.remoteAuthentication.lazy.compactMap(\.eap).first?.timeoutSeconds ?? 90
            sa.schedule(.halfOpenExpiry, at: env.now.adding(seconds: timeout), out: &out)
            return
        }
        if let outcome = state.eap?.outcome {
            if success.username == nil { success.username = outcome.username }
            if success.attributes.isEmpty { success.attributes = outcome.attributes }
        }
        state.authentication = success
        if state.request.initialContact {
            out.actions.append(.endOtherSessions(identity: state.request.initiatorID.identity, keeping: sa.sessionID))
        }
        if env.configuration.requiresAuthorization {
            state.step = .authorizing
            sa.phase = .authenticating(state)
            out.effects.append(.authorize(AuthorizationRequest(
                session: sa.sessionID, profile: state.profile, identity: state.request.initiatorID.identity,
                username: username(state), method: method(state), cachedAttributes: success.attributes,
                peerClient: state.initial.peerClient, peer: sa.remote)))
        } else {
            continueAfterAuthorization(state, sa: &sa, env: env, out: &out)
        }
    }

    static func handle(authorizationResult: AuthorizationResult, sa: inout IKESA, env: ExchangeEnvironment, out: inout Outcome) {
        guard case .authenticating(var state) = sa.phase, state.step == .authorizing else { return }
        switch authorizationResult {
        case .rejected(let reason):
            out.effects.append(.protocolError(IKEProtocolError(.authenticationFailed, notify: .authenticationFailed,
                                                               place: sa.place(.ikeAuth, state.messageID), reason: reason)))
            sa.sendErrorResponse(exchange: .ikeAuth, messageID: state.messageID, notify: .authenticationFailed,
                                 remote: state.replyRemote, local: state.replyLocal, env: env, out: &out)
            sa.finish(reason: .authorizationFailed, out: &out)
        case .authorized(let authorization):
            state.authorization = authorization
            continueAfterAuthorization(state, sa: &sa, env: env, out: &out)
        }
    }

    private static func username(_ state: Authenticating) -> String? {
        state.authentication?.username ?? state.request.initiatorID.identity.text
    }

    /// CHILD_SA proposal first (nothing allocated yet if it fails), then the address.
    private static func continueAfterAuthorization(_ state: Authenticating, sa: inout IKESA, env: ExchangeEnvironment,
                                                   out: inout Outcome) {
        var state = state
        let place = sa.place(.ikeAuth, state.messageID)
        if state.request.securityAssociation == nil {
            // Childless (RFC 6023): the IKE SA alone; no address, interface or CHILD_SA.
            complete(state, child: nil, sa: &sa, env: env, out: &out)
            return
        }
        switch ProposalSelection.selectChild(offered: state.request.securityAssociation?.proposals ?? [],
                                             configured: env.configuration.childProposals, keyExchangeGroup: nil,
                                             inIKEAuth: true) {
        case .selected(let proposal):
            state.childProposal = proposal
        case .invalidKE, .noProposal:
            failAfterAuthentication(state, error: .noProposal("no acceptable ESP proposal in SAi2", place: place),
                                    sa: &sa, env: env, out: &out)
            return
        }
        let request = state.request.configuration.flatMap { $0.configurationType == .request ? $0 : nil }
        let wantsIPv4 = request?.attributes.contains { $0.type == .internalIP4Address } ?? false
        let wantsIPv6 = request?.attributes.contains { $0.type == .internalIP6Address } ?? false
        if let request, wantsIPv4 || wantsIPv6 {
            state.step = .allocatingAddress
            sa.phase = .authenticating(state)
            out.effects.append(.allocateAddress(AddressRequest(
                session: sa.sessionID, profile: state.profile, identity: state.request.initiatorID.identity, username: username(state),
                requestedAttributes: request.attributes, wantsIPv4: wantsIPv4, wantsIPv6: wantsIPv6,
                framedIPv4Address: state.authorization?.framedIPv4Address, poolName: state.authorization?.poolName)))
            return
        }
        if env.configuration.requiresConfigurationRequest {
            failAfterAuthentication(state, error: IKEProtocolError(.failedCPRequired, notify: .failedCPRequired, place: place,
                                                                   reason: "no CFG_REQUEST for an address"),
                                    sa: &sa, env: env, out: &out)
            return
        }
        requestVirtualAccess(state, sa: &sa, out: &out)
    }

    static func handle(addressResult: AddressResult, sa: inout IKESA, env: ExchangeEnvironment, out: inout Outcome) {
        guard case .authenticating(var state) = sa.phase, state.step == .allocatingAddress else {
            // A late answer: never keep a lease nobody uses (a duplicate of ours is ignored).
            if case .assigned(let assignment) = addressResult, sa.heldLease != assignment.lease {
                out.effects.append(.releaseAddress(AddressRelease(session: sa.sessionID, lease: assignment.lease)))
            }
            return
        }
        switch addressResult {
        case .failed(let reason):
            failAfterAuthentication(state, error: IKEProtocolError(.internalAddressFailure, notify: .internalAddressFailure,
                                                                   place: sa.place(.ikeAuth, state.messageID), reason: reason),
                                    sa: &sa, env: env, out: &out)
        case .assigned(let assignment):
            state.address = assignment
            requestVirtualAccess(state, sa: &sa, out: &out)
        }
    }

    private static func requestVirtualAccess(_ state: Authenticating, sa: inout IKESA, out: inout Outcome) {
        var state = state
        state.step = .creatingVirtualAccess
        sa.phase = .authenticating(state)
        out.effects.append(.createVirtualAccess(VirtualAccessRequest(
            session: sa.sessionID, profile: state.profile, virtualTemplate: state.authorization?.virtualTemplate,
            ipv4Address: state.address?.ipv4Address, ipv6Address: state.address?.ipv6Address,
            interfaceConfig: state.authorization?.interfaceConfig ?? [])))
    }

    static func handle(virtualAccessResult: VirtualAccessResult, sa: inout IKESA, env: ExchangeEnvironment, out: inout Outcome) {
        guard case .authenticating(var state) = sa.phase, state.step == .creatingVirtualAccess else {
            if case .created(let interface) = virtualAccessResult, sa.heldVirtualAccess != interface {
                out.effects.append(.deleteVirtualAccess(VirtualAccessRelease(session: sa.sessionID, interface: interface)))
            }
            return
        }
        let place = sa.place(.ikeAuth, state.messageID)
        switch virtualAccessResult {
        case .failed(let reason):
            failAfterAuthentication(state, error: .noProposal("virtual-access not created: \(reason)", place: place),
                                    sa: &sa, env: env, out: &out)
        case .created(let interface):
            state.virtualAccess = interface
            requestInstallation(state, sa: &sa, env: env, out: &out)
        }
    }

    /// Traffic selectors (RFC 7296 §2.9), our SPI and KEYMAT from the IKE SA (§2.17), then tunneld.
    private static func requestInstallation(_ state: Authenticating, sa: inout IKESA, env: ExchangeEnvironment,
                                            out: inout Outcome) {
        var state = state
        let place = sa.place(.ikeAuth, state.messageID)
        guard let proposal = state.childProposal else { return }
        let assigned = [state.address?.ipv4Address.map(IPAddress.v4), state.address?.ipv6Address.map(IPAddress.v6)]
            .compactMap { $0 }
        let remoteSelectors = assigned.isEmpty
            ? TrafficSelectorNarrowing.narrow(state.request.initiatorSelectors, to: env.configuration.initiatorSelectors)
            : TrafficSelectorNarrowing.narrowToAssigned(state.request.initiatorSelectors, assigned: assigned)
        let localSelectors = TrafficSelectorNarrowing.narrow(state.request.responderSelectors,
                                                             to: env.configuration.protectedSelectors)
        guard !remoteSelectors.isEmpty, !localSelectors.isEmpty else {
            failAfterAuthentication(state, error: .tsUnacceptable(
                "TSi \(state.request.initiatorSelectors) / TSr \(state.request.responderSelectors) outside policy", place: place),
                                    sa: &sa, env: env, out: &out)
            return
        }
        do {
            let inboundSPI = try env.random.childSPI()
            let keymat = try ChildKeyMaterial.derive(transforms: proposal.transforms, prf: sa.keys.transforms.prf,
                                                     skD: sa.keys.keys.skD, initiatorNonce: state.initial.initiatorNonce,
                                                     responderNonce: state.initial.responderNonce)
            let child = ChildSA(inboundSPI: inboundSPI, outboundSPI: proposal.peerSPI, proposal: proposal,
                                localSelectors: localSelectors, remoteSelectors: remoteSelectors, createdAt: env.now,
                                lifetimeSeconds: env.configuration.lifetimes.childSASeconds)
            state.plannedChild = child
            state.step = .installingChildSA
            sa.phase = .authenticating(state)
            out.effects.append(.installChildSA(installation(for: child, keymat: keymat, weInitiated: false, sa: sa,
                                                            virtualAccess: state.virtualAccess, replaces: nil)))
        } catch {
            failAfterAuthentication(state, error: .crypto(error, place: place), sa: &sa, env: env, out: &out)
        }
    }

    /// The tunneld request for `child`; `weInitiated` says which KEYMAT half is inbound.
    static func installation(for child: ChildSA, keymat: ChildKeyMaterial, weInitiated: Bool, sa: IKESA,
                             virtualAccess: VirtualAccessInterface?, replaces: UInt32?) -> ChildSAInstallation {
        let inbound = weInitiated ? keymat.responderToInitiator : keymat.initiatorToResponder
        let outbound = weInitiated ? keymat.initiatorToResponder : keymat.responderToInitiator
        return ChildSAInstallation(
            session: sa.sessionID, ikeSA: sa.identifier, virtualAccess: virtualAccess,
            inbound: ChildSADirection(spi: child.inboundSPI, encryptionKey: inbound.encryption, integrityKey: inbound.integrity),
            outbound: ChildSADirection(spi: child.outboundSPI, encryptionKey: outbound.encryption, integrityKey: outbound.integrity),
            transforms: child.proposal.transforms, extendedSequenceNumbers: child.proposal.extendedSequenceNumbers,
            localSelectors: child.localSelectors, remoteSelectors: child.remoteSelectors, local: sa.local, remote: sa.remote,
            encapsulation: sa.nat.natDetected ? .udp : .none, lifetimeSeconds: child.lifetimeSeconds, replacesInboundSPI: replaces)
    }

    static func handle(childSAInstallResult result: ChildSAInstallResult, sa: inout IKESA, env: ExchangeEnvironment,
                       out: inout Outcome) {
        guard case .authenticating(var state) = sa.phase, state.step == .installingChildSA,
              let child = state.plannedChild, state.authentication != nil else { return }
        let place = sa.place(.ikeAuth, state.messageID)
        if case .failed(let reason) = result {
            state.plannedChild = nil   // nothing installed
            failAfterAuthentication(state, error: .noProposal("CHILD_SA not installed: \(reason)", place: place),
                                    sa: &sa, env: env, out: &out)
            return
        }
        complete(state, child: child, sa: &sa, env: env, out: &out)
    }

    /// The IKE_AUTH answer that establishes the session: `[IDr], AUTH, [CP], [SAr2, TSi,
    /// TSr]` (after EAP, IDr went in the first answer already), then accounting Start.
    private static func complete(_ state: Authenticating, child: ChildSA?, sa: inout IKESA, env: ExchangeEnvironment,
                                 out: inout Outcome) {
        guard let success = state.authentication else { return }
        var payloads = state.eap == nil ? ourIdentity(state, certificates: success.responderCertificates) : []
        payloads.append(.authentication(success.responderAuthentication))
        if let child {
            payloads += [
                .securityAssociation(SecurityAssociationPayload(proposals: [child.proposal.responseProposal(spi: child.inboundSPI)])),
                .trafficSelectorInitiator(TrafficSelectorPayload(child.remoteSelectors)),
                .trafficSelectorResponder(TrafficSelectorPayload(child.localSelectors)),
            ]
        }
        if let request = state.request.configuration, request.configurationType == .request, child != nil {
            payloads.append(.configuration(ConfigurationReply.build(request: request, assignment: state.address,
                                                                    authorization: state.authorization)))
        }
        guard sa.answerIKEAuth(state, payloads: payloads, env: env, out: &out) else { return }
        let accounted = env.configuration.profile(named: state.profile)?.accountedMethods.contains(method(state)) ?? false
        let session = SessionResources(profile: state.profile, identity: state.request.initiatorID.identity,
                                       username: username(state), address: state.address, virtualAccess: state.virtualAccess,
                                       authorization: state.authorization, accountingStarted: accounted, establishedAt: env.now)
        sa.phase = .established(Established(session: session, children: child.map { [$0] } ?? []))
        out.effects.append(.accountingStart(AccountingStart(
            session: sa.sessionID, identity: session.identity, username: session.username, peer: sa.remote,
            framedIPv4Address: state.address?.ipv4Address, framedIPv6Address: state.address?.ipv6Address,
            accountingClass: state.authorization?.accountingClass ?? [], accounted: accounted)))
        sa.timers[.halfOpenExpiry] = nil
        sa.armEstablishedTimers(env: env, out: &out)
    }

    /// How the peer authenticated, as `aaa authorization` and `aaa accounting` name it (a
    /// certificate followed by EAP, RFC 4739, counts as EAP).
    static func method(_ state: Authenticating) -> AuthorizationMethod {
        state.eap != nil ? .eap : state.request.authentication?.method == .sharedKeyMessageIntegrityCode ? .psk : .cert
    }

    /// `IDr, [CERT…]`: who we are, in the first answer that carries our AUTH.
    static func ourIdentity(_ state: Authenticating, certificates: [[UInt8]]) -> [Payload] {
        [.identificationResponder(state.responderID)]
            + certificates.map { .certificate(CertificatePayload(encoding: .x509Signature, data: $0)) }
    }

    /// After AUTH succeeded: `IDr, AUTH, N(error)`, release in reverse, then Delete the IKE SA.
    static func failAfterAuthentication(_ state: Authenticating, error: IKEProtocolError, sa: inout IKESA,
                                        env: ExchangeEnvironment, out: inout Outcome) {
        out.effects.append(.protocolError(error))
        var payloads: [Payload] = state.eap == nil ? [.identificationResponder(state.responderID)] : []
        if let success = state.authentication { payloads.append(.authentication(success.responderAuthentication)) }
        payloads.append(.notify(NotifyPayload(type: error.notify ?? .noProposalChosen, data: error.notifyData)))
        try? sa.sendResponse(exchange: .ikeAuth, messageID: state.messageID, payloads: payloads, remote: state.replyRemote,
                             local: state.replyLocal, env: env, out: &out)
        sa.releasePartialSetup(state, out: &out)
        sa.startDelete(reason: .setupFailed(error.notify ?? .noProposalChosen), env: env, out: &out)
    }
}

extension IKESA {
    /// Sends an IKE_AUTH answer for the setup in `state`; on a failure to seal it the half-
    /// open SA ends. Returns whether it went out.
    mutating func answerIKEAuth(_ state: Authenticating, payloads: [Payload], env: ExchangeEnvironment,
                                out: inout Outcome) -> Bool {
        do {
            try sendResponse(exchange: .ikeAuth, messageID: state.messageID, payloads: payloads,
                             remote: state.replyRemote, local: state.replyLocal, env: env, out: &out)
            return true
        } catch {
            out.effects.append(.protocolError(error))
            tearDown(reason: .setupFailed(.authenticationFailed), out: &out)
            return false
        }
    }

    /// The lease this SA's session holds or is setting up with.
    var heldLease: LeaseID? {
        switch phase {
        case .authenticating(let state): state.address?.lease
        case .established(let state): state.session.address?.lease
        default: nil
        }
    }

    /// The virtual-access interface this SA's session holds.
    var heldVirtualAccess: VirtualAccessInterface? {
        switch phase {
        case .authenticating(let state): state.virtualAccess
        case .established(let state): state.session.virtualAccess
        default: nil
        }
    }
}
