import HubVocabulary
import IKECrypto
import IKEWire

/// The IKE responder engine: every IKE SA of this frontend, routed by SPI, plus the
/// stateless IKE_SA_INIT front door (cookies, half-open limits).
///
/// The frontend drives it with inputs and carries out the returned ``IKEEffect``s in order:
///
/// ```swift
/// var table = IKESATable(configuration: config)
/// effects = table.handle(datagram: InboundDatagram(bytes: ike, remote: from, local: to), at: now)
/// effects = table.handle(authResult: result, session: id, at: now)         // after .authenticate
/// effects = table.handle(authorizationResult: …), handle(addressResult: …),
///           handle(virtualAccessResult: …), handle(childSAInstallResult: …, inboundSPI: …)
/// effects = table.handle(timer: timer, at: now)                            // after .setTimer
/// effects = table.deleteSession(id, at: now)                               // clear crypto session
/// let rows = table.snapshot(at: now)                                       // show crypto ikev2 sa
/// let saved = table.checkpoints(); table.restore(from: saved[0], at: now)  // DESIGN §4
/// ```
///
/// Nothing here blocks or does I/O; the time always comes in with the input.
public struct IKESATable: Sendable {
    public let configuration: ResponderConfiguration
    private let random: any RandomSource
    private var sas: [IKESPI: IKESA] = [:]
    /// First IKE_SA_INIT requests by (SPIi, peer) to recognise their retransmissions.
    private var initialRequests: [InitialRequestKey: IKESPI] = [:]
    private var initialRequestKeys: [IKESPI: InitialRequestKey] = [:]
    private var sessions: [SessionID: IKESPI] = [:]
    /// Kept current on every store, so the IKE_SA_INIT front door never scans the table.
    private var halfOpen: Set<IKESPI> = []
    private var halfOpenPeer: [IKESPI: IPAddress] = [:]
    private var halfOpenPerPeer: [IPAddress: Int] = [:]
    private var sessionsByIdentity: [PeerIdentity: Set<SessionID>] = [:]
    private var identityOfSession: [SessionID: PeerIdentity] = [:]
    private var cookies: CookieJar
    /// Refusals kept to answer retransmissions after their SA is gone (RFC 7296 §2.1).
    private var endedSetupAnswers: EndedSetupAnswers
    public private(set) var statistics = Statistics()

    private struct InitialRequestKey: Hashable, Sendable {
        var initiatorSPI: IKESPI
        var remote: Endpoint
    }

    /// Counters for `show crypto ikev2 stats`.
    public struct Statistics: Hashable, Sendable {
        public var cookiesSent = 0
        public var droppedAtHalfOpenLimit = 0
        public var droppedAtSALimit = 0
        public var droppedAtPeerLimit = 0
        public var droppedUnknownSPI = 0
        public var droppedMalformed = 0
        public var initRetransmissionsAnswered = 0
        /// Retransmissions answered from an ended set-up's kept answer.
        public var endedSetupRetransmissionsAnswered = 0
    }

    /// `certificateMatcher` evaluates `match certificate` for profile selection.
    public init(configuration: ResponderConfiguration, random: any RandomSource = SystemRandom(),
                certificateMatcher: (any CertificateMapMatcher)? = nil) {
        self.configuration = configuration
        self.random = random
        self.certificateMatcher = certificateMatcher
        cookies = CookieJar(lifetimeSeconds: configuration.limits.cookieSecretLifetimeSeconds)
        endedSetupAnswers = EndedSetupAnswers(capacity: configuration.limits.maximumHalfOpen)
        for profile in configuration.profiles {
            profileConfigurations[profile.name] = configuration.applying(profile)
        }
    }

    /// The configuration each profile's sessions see, made once.
    private var profileConfigurations: [String: ResponderConfiguration] = [:]
    private let certificateMatcher: (any CertificateMapMatcher)?

    private func environment(_ now: MonotonicTime) -> ExchangeEnvironment {
        ExchangeEnvironment(configuration: configuration, base: configuration, random: random, now: now,
                            certificateMatcher: certificateMatcher)
    }

    /// The environment of `sa`: its profile's settings once IKE_AUTH chose one.
    private func environment(_ now: MonotonicTime, for sa: IKESA) -> ExchangeEnvironment {
        guard let name = sa.phase.profileName, let chosen = profileConfigurations[name] else { return environment(now) }
        return ExchangeEnvironment(configuration: chosen, base: configuration, random: random, now: now,
                                   certificateMatcher: certificateMatcher)
    }

    /// IKE SAs that have not completed IKE_AUTH.
    public var halfOpenCount: Int { halfOpen.count }
    /// Every IKE SA held, rekeyed and deleting ones included.
    public var count: Int { sas.count }

    // MARK: - Datagrams

    public mutating func handle(datagram: InboundDatagram, at now: MonotonicTime) -> [IKEEffect] {
        let message: IKEMessage
        do {
            message = try IKEMessage.parse(datagram.bytes)
        } catch {
            statistics.droppedMalformed += 1
            let failure = IKEProtocolError.malformed(error, place: ErrorPlace(peer: datagram.remote))
            // RFC 7296 §2.5: an unparsable first request still gets its notify, unprotected.
            guard let reply = IKESAInitResponder.statelessErrorReply(toUnparsable: datagram.bytes, error: error) else {
                return [.protocolError(failure)]
            }
            return [.protocolError(failure), .send(OutboundDatagram(bytes: reply, remote: datagram.remote, local: datagram.local))]
        }
        let header = message.header
        if header.exchangeType == .ikeSAInit {
            return handleInit(message, datagram: datagram, now: now)
        }
        // The I flag names the original initiator's messages: then our SPI is SPIr.
        let ours = header.isFromOriginalInitiator ? header.responderSPI : header.initiatorSPI
        guard var sa = sas[ours], sa.identifier == header.saIdentifier else {
            if let answer = endedSetupAnswers.answer(message, datagram: datagram, ourSPI: ours) {
                if answer.contains(where: { if case .send = $0 { true } else { false } }) {
                    statistics.endedSetupRetransmissionsAnswered += 1
                }
                return answer
            }
            statistics.droppedUnknownSPI += 1
            return [.protocolError(.unexpected("no IKE SA \(header.saIdentifier)",
                                               place: ErrorPlace(peer: datagram.remote, exchange: header.exchangeType,
                                                                 messageID: header.messageID)))]
        }
        var out = Outcome()
        sa.receive(message, datagram: datagram, env: environment(now, for: sa), out: &out)
        return apply(sa, out, now: now)
    }

    private mutating func handleInit(_ message: IKEMessage, datagram: InboundDatagram, now: MonotonicTime) -> [IKEEffect] {
        let header = message.header
        guard !header.isResponse else { return [] }
        let key = InitialRequestKey(initiatorSPI: header.initiatorSPI, remote: datagram.remote)
        if let spi = initialRequests[key], let sa = sas[spi] {
            // RFC 7296 §2.1: the same request again gets the same answer; once IKE_AUTH came,
            // a late copy is dropped rather than starting a second SA.
            guard case .awaitingAuth(let state) = sa.phase, state.initial.requestBytes == datagram.bytes else { return [] }
            statistics.initRetransmissionsAnswered += 1
            return [.send(OutboundDatagram(bytes: state.initial.responseBytes, remote: datagram.remote, local: datagram.local))]
        }
        let place = ErrorPlace(peer: datagram.remote, exchange: .ikeSAInit, messageID: header.messageID)
        let halfOpen = halfOpenCount
        guard sas.count < configuration.limits.maximumSAs else {
            statistics.droppedAtSALimit += 1
            return [.protocolError(IKEProtocolError(.limitReached, notify: nil, place: place,
                                                    reason: "\(sas.count) IKE SAs: crypto ikev2 limit max-sa"))]
        }
        guard halfOpenPerPeer[datagram.remote.address, default: 0] < configuration.limits.maximumHalfOpenPerPeer else {
            statistics.droppedAtPeerLimit += 1
            return [.protocolError(IKEProtocolError(.limitReached, notify: nil, place: place,
                                                    reason: "\(datagram.remote.address) already has half-open SAs at the limit"))]
        }
        guard halfOpen < configuration.limits.maximumHalfOpen else {
            statistics.droppedAtHalfOpenLimit += 1
            return [.protocolError(IKEProtocolError(.limitReached, notify: nil, place: place,
                                                    reason: "\(halfOpen) half-open SAs: crypto ikev2 limit max-in-negotiation-sa"))]
        }
        let responder = IKESAInitResponder(env: environment(now))
        switch responder.respond(to: message, datagram: datagram, halfOpen: halfOpen, cookies: &cookies) {
        case .drop(let error):
            return [.protocolError(error)]
        case .reply(let bytes, let error):
            if error == nil { statistics.cookiesSent += 1 }
            return (error.map { [IKEEffect.protocolError($0)] } ?? [])
                + [.send(OutboundDatagram(bytes: bytes, remote: datagram.remote, local: datagram.local))]
        case .created(var sa, let response):
            var out = Outcome()
            out.effects.append(.send(OutboundDatagram(bytes: response, remote: datagram.remote, local: datagram.local)))
            sa.schedule(.halfOpenExpiry, at: now.adding(seconds: configuration.limits.halfOpenTimeoutSeconds), out: &out)
            initialRequests[key] = sa.localSPI
            initialRequestKeys[sa.localSPI] = key
            return apply(sa, out, now: now)
        }
    }

    // MARK: - Results of asynchronous steps

    private mutating func withSession(_ session: SessionID, now: MonotonicTime,
                                      _ body: (inout IKESA, ExchangeEnvironment, inout Outcome) -> Void) -> [IKEEffect] {
        guard let spi = sessions[session], var sa = sas[spi] else { return [] }
        var out = Outcome()
        body(&sa, environment(now, for: sa), &out)
        return apply(sa, out, now: now)
    }

    /// The broker's answer to `.authenticate`.
    public mutating func handle(authResult: AuthResult, session: SessionID, at now: MonotonicTime) -> [IKEEffect] {
        withSession(session, now: now) { IKEAuthResponder.handle(authResult: authResult, sa: &$0, env: $1, out: &$2) }
    }

    /// The broker's answer to `.authorize`.
    public mutating func handle(authorizationResult: AuthorizationResult, session: SessionID, at now: MonotonicTime) -> [IKEEffect] {
        withSession(session, now: now) { IKEAuthResponder.handle(authorizationResult: authorizationResult, sa: &$0, env: $1, out: &$2) }
    }

    /// addrd's answer to `.allocateAddress`. A lease that arrives for a session that is
    /// gone (it timed out or was deleted meanwhile) is given back at once.
    public mutating func handle(addressResult: AddressResult, session: SessionID, at now: MonotonicTime) -> [IKEEffect] {
        guard sessions[session] != nil else {
            guard case .assigned(let assignment) = addressResult else { return [] }
            return [.releaseAddress(AddressRelease(session: session, lease: assignment.lease))]
        }
        return withSession(session, now: now) { IKEAuthResponder.handle(addressResult: addressResult, sa: &$0, env: $1, out: &$2) }
    }

    /// tunneld's answer to `.createVirtualAccess`; an interface for a session that is gone
    /// is removed at once.
    public mutating func handle(virtualAccessResult: VirtualAccessResult, session: SessionID, at now: MonotonicTime) -> [IKEEffect] {
        guard sessions[session] != nil else {
            guard case .created(let interface) = virtualAccessResult else { return [] }
            return [.deleteVirtualAccess(VirtualAccessRelease(session: session, interface: interface))]
        }
        return withSession(session, now: now) { IKEAuthResponder.handle(virtualAccessResult: virtualAccessResult, sa: &$0, env: $1, out: &$2) }
    }

    /// tunneld's answer to `.installChildSA` for the CHILD_SA with our SPI `inboundSPI`.
    public mutating func handle(childSAInstallResult: ChildSAInstallResult, session: SessionID, inboundSPI: UInt32,
                                at now: MonotonicTime) -> [IKEEffect] {
        withSession(session, now: now) { sa, env, out in
            switch sa.phase {
            case .authenticating(let state) where state.plannedChild?.inboundSPI == inboundSPI:
                IKEAuthResponder.handle(childSAInstallResult: childSAInstallResult, sa: &sa, env: env, out: &out)
            case .established(let state) where state.pendingResponse?.child.inboundSPI == inboundSPI:
                ChildRekeyResponder.handle(installResult: childSAInstallResult, sa: &sa, env: env, out: &out)
            case .established(let state) where state.pendingOwnInstall?.child.inboundSPI == inboundSPI:
                ChildRekeyInitiator.handle(installResult: childSAInstallResult, sa: &sa, env: env, out: &out)
            default:
                break
            }
        }
    }

    // MARK: - Timers and operator commands

    /// tunneld saw ESP from the peer: it is alive, so DPD waits another interval
    /// (IOS on-demand semantics; without these calls DPD is purely periodic).
    public mutating func notePeerActivity(session: SessionID, at now: MonotonicTime) {
        guard let spi = sessions[session], let heard = sas[spi]?.lastHeardFrom else { return }
        sas[spi]?.lastHeardFrom = max(heard, now)
    }

    /// A timer from `.setTimer` fired.
    public mutating func handle(timer: IKETimer, at now: MonotonicTime) -> [IKEEffect] {
        if timer.kind == .endedSetupAnswerExpiry {
            endedSetupAnswers.forget(timer.localSPI)
            return []
        }
        guard var sa = sas[timer.localSPI] else { return [] }
        var out = Outcome()
        sa.timerFired(timer.kind, env: environment(now, for: sa), out: &out)
        return apply(sa, out, now: now)
    }

    /// `clear crypto session`: release everything, then tell the peer with a Delete.
    public mutating func deleteSession(_ session: SessionID, at now: MonotonicTime) -> [IKEEffect] {
        withSession(session, now: now) { sa, env, out in
            sa.endSession(reason: .administrative, notifyPeer: true, env: env, out: &out)
        }
    }

    // MARK: - Bookkeeping

    /// Stores the SA back and carries out its table actions.
    private mutating func apply(_ sa: IKESA, _ out: Outcome, now: MonotonicTime) -> [IKEEffect] {
        var effects = out.effects
        // Sessions ended by INITIAL_CONTACT release before the new one allocates anything.
        var earlier: [IKEEffect] = []
        var sa = sa
        checkpointIfChanged(&sa, effects: &effects)
        store(sa)
        for action in out.actions {
            switch action {
            case .register(let successor):
                var successor = successor
                checkpointIfChanged(&successor, effects: &effects)
                store(successor)
            case .adoptSession(let from, let into):
                guard var redundant = sas[from], case .established(let state) = redundant.phase else { break }
                var successor = into
                successor.phase = .established(state)
                var extra = Outcome()
                successor.armEstablishedTimers(env: environment(now, for: successor), out: &extra)
                redundant.phase = .rekeyed(Rekeyed(successor: successor.localSPI))
                redundant.timers = redundant.timers.filter { $0.key == .retransmission }
                checkpointIfChanged(&successor, effects: &effects)
                store(redundant)
                store(successor)
                effects += extra.effects
                effects.append(.sessionMoved(SessionMove(session: successor.sessionID, from: redundant.identifier,
                                                         to: successor.identifier)))
            case .remove(let spi):
                // A set-up that ended before IKE_AUTH completed keeps its last answer (a
                // refusal, usually) for the peer's retransmissions.
                if let ending = sas[spi], ending.phase.isHalfOpen, endedSetupAnswers.keep(lastAnswerOf: ending) {
                    effects.append(.setTimer(IKETimer(localSPI: spi, kind: .endedSetupAnswerExpiry,
                                                      deadline: now.adding(seconds: configuration.limits.endedSetupAnswerSeconds))))
                }
                remove(spi)
            case .endOtherSessions(let identity, let keeping):
                for session in sessionsByIdentity[identity] ?? [] where session != keeping {
                    guard let spi = sessions[session], var other = sas[spi], case .established(let state) = other.phase,
                          state.session.identity == identity else { continue }
                    var extra = Outcome()
                    other.endSession(reason: .replacedByInitialContact, notifyPeer: false, env: environment(now, for: other), out: &extra)
                    earlier += apply(other, extra, now: now)
                }
            }
        }
        return earlier + effects
    }

    /// Appends `.checkpoint` when an established SA changed since its last checkpoint,
    /// unless it is being removed by this very input.
    private func checkpointIfChanged(_ sa: inout IKESA, effects: inout [IKEEffect]) {
        guard let fingerprint = CheckpointFingerprint(sa), fingerprint != sa.checkpointedState,
              !effects.contains(where: { if case .deleteSession(let end) = $0 { end.ikeSA == sa.identifier } else { false } }),
              let checkpoint = IKESACheckpoint(sa: sa) else { return }
        sa.checkpointedState = fingerprint
        effects.append(.checkpoint(checkpoint))
    }

    private mutating func store(_ sa: IKESA) {
        sas[sa.localSPI] = sa
        switch sa.phase {
        case .rekeyed: break
        default: sessions[sa.sessionID] = sa.localSPI
        }
        if sa.phase.isHalfOpen {
            halfOpen.insert(sa.localSPI)
            if halfOpenPeer[sa.localSPI] == nil {
                halfOpenPeer[sa.localSPI] = sa.remote.address
                halfOpenPerPeer[sa.remote.address, default: 0] += 1
            }
        } else {
            forgetHalfOpen(sa.localSPI)
        }
        if case .established(let state) = sa.phase, identityOfSession[sa.sessionID] == nil {
            identityOfSession[sa.sessionID] = state.session.identity
            sessionsByIdentity[state.session.identity, default: []].insert(sa.sessionID)
        }
    }

    private mutating func forgetHalfOpen(_ spi: IKESPI) {
        halfOpen.remove(spi)
        guard let address = halfOpenPeer.removeValue(forKey: spi) else { return }
        let remaining = halfOpenPerPeer[address, default: 1] - 1
        halfOpenPerPeer[address] = remaining > 0 ? remaining : nil
    }

    private mutating func remove(_ spi: IKESPI) {
        guard let sa = sas.removeValue(forKey: spi) else { return }
        forgetHalfOpen(spi)
        if let key = initialRequestKeys.removeValue(forKey: spi) { initialRequests[key] = nil }
        guard sessions[sa.sessionID] == spi else { return }
        sessions[sa.sessionID] = nil
        if let identity = identityOfSession.removeValue(forKey: sa.sessionID) {
            sessionsByIdentity[identity]?.remove(sa.sessionID)
            if sessionsByIdentity[identity]?.isEmpty == true { sessionsByIdentity[identity] = nil }
        }
    }

    // MARK: - Restart (DESIGN §4)

    /// Checkpoints of every established IKE SA.
    public func checkpoints() -> [IKESACheckpoint] {
        sas.values.compactMap { IKESACheckpoint(sa: $0) }
    }

    /// The checkpoint of one session.
    public func checkpoint(session: SessionID) -> IKESACheckpoint? {
        sessions[session].flatMap { sas[$0] }.flatMap { IKESACheckpoint(sa: $0) }
    }

    /// Resumes an established IKE SA after a frontend restart; returns its timers.
    public mutating func restore(from checkpoint: IKESACheckpoint, at now: MonotonicTime) throws(IKEProtocolError) -> [IKEEffect] {
        var sa = try checkpoint.makeIKESA(now: now)
        var out = Outcome()
        sa.armEstablishedTimers(env: environment(now, for: sa), out: &out)
        return apply(sa, out, now: now)
    }

    // MARK: - Snapshot

    /// Plain values for `show crypto ikev2 sa [detail]`.
    public func snapshot(at now: MonotonicTime) -> [IKESASnapshot] {
        sas.values.map { IKESASnapshot(sa: $0, configuration: environment(now, for: $0).configuration, now: now) }
            .sorted { $0.createdAt < $1.createdAt }
    }
}

extension IKESA {
    /// Ends the session from our side: release everything; with `notifyPeer` also send
    /// a Delete of the IKE SA (`clear crypto session`), else just drop it (INITIAL_CONTACT).
    mutating func endSession(reason: SessionEndReason, notifyPeer: Bool, env: ExchangeEnvironment, out: inout Outcome) {
        guard notifyPeer, case .established(let state) = phase else {
            tearDown(reason: reason, out: &out)
            return
        }
        Self.release(session: state.session, children: state.children, pendingChild: state.pendingResponse?.child,
                     ownPending: state.pendingOwnInstall?.child, sessionID: sessionID, reason: reason, out: &out)
        startDelete(reason: reason, env: env, out: &out)
    }
}
