import HubVocabulary
import IKECrypto
import IKEWire

/// What every exchange step may use: configuration, randomness and the time of the input.
struct ExchangeEnvironment: Sendable {
    /// What the SA's exchanges use: the global configuration with the SA's profile applied.
    let configuration: ResponderConfiguration
    /// The global configuration, with every profile, for the choice in IKE_AUTH.
    let base: ResponderConfiguration
    let random: any RandomSource
    let now: MonotonicTime
    /// `match certificate` evaluation, when a profile uses it.
    var certificateMatcher: (any CertificateMapMatcher)?

    init(configuration: ResponderConfiguration, random: any RandomSource, now: MonotonicTime) {
        self.init(configuration: configuration, base: configuration, random: random, now: now)
    }

    init(configuration: ResponderConfiguration, base: ResponderConfiguration, random: any RandomSource, now: MonotonicTime,
         certificateMatcher: (any CertificateMapMatcher)? = nil) {
        self.configuration = configuration
        self.base = base
        self.random = random
        self.now = now
        self.certificateMatcher = certificateMatcher
    }

    /// The environment of a session under `profile`.
    func under(_ profile: ResponderProfile) -> ExchangeEnvironment {
        ExchangeEnvironment(configuration: base.applying(profile), base: base, random: random, now: now,
                            certificateMatcher: certificateMatcher)
    }
}

/// Changes to the table that only the table can make.
enum TableAction: Sendable {
    /// A new IKE SA from a rekey.
    case register(IKESA)
    /// RFC 7296 §2.8.2: the session moves from the redundant successor `from` to `into`.
    case adoptSession(from: IKESPI, into: IKESA)
    /// The IKE SA is gone (its `deleteSession` effect was emitted).
    case remove(IKESPI)
    /// INITIAL_CONTACT: end every other session of this identity (RFC 7296 §2.4).
    case endOtherSessions(identity: PeerIdentity, keeping: SessionID)
}

/// What one input produced.
struct Outcome: Sendable {
    var effects: [IKEEffect] = []
    var actions: [TableAction] = []
}

/// One IKE SA and its state machine. Exchanges are in `Exchanges/`, one file each; this
/// file holds the plumbing they share: phase transitions, sending, timers and teardown.
struct IKESA: Sendable {
    /// Our SPI, the table's key.
    let localSPI: IKESPI
    let identifier: IKESAIdentifier
    let role: IKESARole
    let sessionID: SessionID
    var remote: Endpoint
    var local: Endpoint
    var nat: NATDetection.Finding
    var keys: IKESAKeys
    var proposalName: String
    var phase: IKESAPhase
    var window: ResponderWindow
    var outstanding: OutstandingRequest?
    var nextRequestID: MessageID = .zero
    var peerSupportsFragmentation: Bool
    let createdAt: MonotonicTime
    var lastHeardFrom: MonotonicTime
    /// Deadlines by timer kind; a fired timer is acted on only if it matches one.
    var timers: [IKETimer.Kind: MonotonicTime] = [:]
    var lifetimeSeconds: Int64
    /// What the last `.checkpoint` effect described, to emit one only on change.
    var checkpointedState: CheckpointFingerprint?

    // MARK: - Transitions

    /// Runs `body` on the phase; on a throw the phase is restored (STYLE §3).
    mutating func transition<Output>(_ body: (inout IKESAPhase) throws(IKEProtocolError) -> Output) throws(IKEProtocolError) -> Output {
        let saved = phase
        do {
            return try body(&phase)
        } catch {
            phase = saved
            throw error
        }
    }

    func place(_ exchange: ExchangeType?, _ messageID: MessageID?, payload: PayloadType? = nil) -> ErrorPlace {
        ErrorPlace(peer: remote, exchange: exchange, messageID: messageID, state: phase.name, payload: payload)
    }

    // MARK: - Sending

    private func header(exchange: ExchangeType, messageID: MessageID, isResponse: Bool) -> IKEHeader {
        var flags: IKEHeader.Flags = role == .originalInitiator ? [.initiator] : []
        if isResponse { flags.insert(.response) }
        return IKEHeader(initiatorSPI: identifier.initiatorSPI, responderSPI: identifier.responderSPI,
                         exchangeType: exchange, flags: flags, messageID: messageID)
    }

    private func seal(exchange: ExchangeType, messageID: MessageID, isResponse: Bool, payloads: [Payload],
                      env: ExchangeEnvironment) throws(IKEProtocolError) -> [[UInt8]] {
        let table = (try? MessageRules.table(exchange: exchange, isResponse: isResponse))
        let ordered = table.map { MessageRules.ordered(payloads, by: $0) } ?? payloads
        let fragmentSize = peerSupportsFragmentation ? env.configuration.fragmentation?.maximumMessageSize : nil
        do {
            return try ProtectedMessageCodec.seal(header: header(exchange: exchange, messageID: messageID, isResponse: isResponse),
                                                  payloads: ordered, keys: keys, fragmentSize: fragmentSize, random: env.random)
        } catch {
            throw .crypto(error, place: place(exchange, messageID))
        }
    }

    /// Answers the request `messageID` and keeps the answer for retransmissions.
    mutating func sendResponse(exchange: ExchangeType, messageID: MessageID, payloads: [Payload], remote: Endpoint,
                               local: Endpoint, env: ExchangeEnvironment, out: inout Outcome) throws(IKEProtocolError) {
        let datagrams = try seal(exchange: exchange, messageID: messageID, isResponse: true, payloads: payloads, env: env)
        for bytes in datagrams { out.effects.append(.send(OutboundDatagram(bytes: bytes, remote: remote, local: local))) }
        window.lastResponseID = messageID
        window.lastResponse = datagrams
        window.processing = nil
        window.expected = messageID.next ?? messageID
    }

    /// An error answer: `N(notify)` alone (RFC 7296 §2.21.2).
    mutating func sendErrorResponse(exchange: ExchangeType, messageID: MessageID, notify: NotifyType, data: [UInt8] = [],
                                    remote: Endpoint, local: Endpoint, env: ExchangeEnvironment, out: inout Outcome) {
        try? sendResponse(exchange: exchange, messageID: messageID,
                          payloads: [.notify(NotifyPayload(type: notify, data: data))], remote: remote, local: local,
                          env: env, out: &out)
    }

    /// True when a request of ours may be sent now (window size 1).
    var canSendRequest: Bool { outstanding == nil }

    /// Sends a request of ours and arms its retransmission.
    mutating func sendRequest(exchange: ExchangeType, payloads: [Payload], purpose: OwnRequestPurpose,
                              env: ExchangeEnvironment, out: inout Outcome) throws(IKEProtocolError) {
        let messageID = nextRequestID
        let datagrams = try seal(exchange: exchange, messageID: messageID, isResponse: false, payloads: payloads, env: env)
        nextRequestID = messageID.next ?? messageID
        outstanding = OutstandingRequest(messageID: messageID, exchange: exchange, datagrams: datagrams, transmissions: 1,
                                         purpose: purpose)
        for bytes in datagrams { out.effects.append(.send(OutboundDatagram(bytes: bytes, remote: remote, local: local))) }
        schedule(.retransmission, at: env.now.adding(milliseconds: retransmissionTimeout(afterTransmission: 1, env: env)),
                 out: &out)
    }

    /// DPD requests use the DPD retry interval; others the RFC 7296 §2.4 backoff.
    private func retransmissionTimeout(afterTransmission count: Int, env: ExchangeEnvironment) -> Int64 {
        if case .liveness? = outstanding?.purpose, let dpd = env.configuration.deadPeerDetection {
            return dpd.retryIntervalSeconds * 1000
        }
        return env.configuration.retransmission.timeout(afterAttempt: count - 1)
    }

    private func maximumTransmissions(env: ExchangeEnvironment) -> Int {
        if case .liveness? = outstanding?.purpose, let dpd = env.configuration.deadPeerDetection { return 1 + dpd.retries }
        return 1 + env.configuration.retransmission.retransmissions
    }

    /// The retransmission timer fired: send again, or declare the peer dead.
    mutating func retransmit(env: ExchangeEnvironment, out: inout Outcome) {
        guard var request = outstanding else { return }
        guard request.transmissions < maximumTransmissions(env: env) else {
            outstanding = nil
            if case .deleting = phase {
                finish(reason: .deadPeer, out: &out)
            } else if case .rekeyed = phase {
                out.actions.append(.remove(localSPI))   // its session lives on the successor
            } else {
                out.effects.append(.protocolError(IKEProtocolError(
                    .limitReached, notify: nil, place: place(request.exchange, request.messageID),
                    reason: "no answer after \(request.transmissions) transmissions: dead peer")))
                tearDown(reason: .deadPeer, out: &out)
            }
            return
        }
        request.transmissions += 1
        outstanding = request
        for bytes in request.datagrams { out.effects.append(.send(OutboundDatagram(bytes: bytes, remote: remote, local: local))) }
        schedule(.retransmission, at: env.now.adding(milliseconds: retransmissionTimeout(afterTransmission: request.transmissions, env: env)),
                 out: &out)
    }

    // MARK: - Timers

    mutating func schedule(_ kind: IKETimer.Kind, at deadline: MonotonicTime, out: inout Outcome) {
        timers[kind] = deadline
        out.effects.append(.setTimer(IKETimer(localSPI: localSPI, kind: kind, deadline: deadline)))
    }

    /// Takes the timer if it is due; a stale or superseded one gives false.
    mutating func takeDueTimer(_ kind: IKETimer.Kind, now: MonotonicTime) -> Bool {
        guard let deadline = timers[kind], deadline <= now else { return false }
        timers[kind] = nil
        return true
    }

    /// Arms DPD and the soft and hard lifetimes of the IKE SA and its CHILD_SAs.
    mutating func armEstablishedTimers(env: ExchangeEnvironment, out: inout Outcome) {
        if let dpd = env.configuration.deadPeerDetection {
            schedule(.deadPeerDetection, at: lastHeardFrom.adding(seconds: dpd.intervalSeconds), out: &out)
        }
        let lifetimes = env.configuration.lifetimes
        schedule(.ikeSARekey, at: createdAt.adding(milliseconds: lifetimes.softMilliseconds(lifetimeSeconds)), out: &out)
        schedule(.ikeSAExpiry, at: createdAt.adding(seconds: lifetimeSeconds), out: &out)
        if case .established(let state) = phase {
            for child in state.children { scheduleLifetime(of: child, env: env, out: &out) }
            // Session-Timeout counts from the session's start, across IKE SA rekeys.
            if let seconds = state.session.authorization?.sessionTimeoutSeconds {
                schedule(.sessionTimeout, at: state.session.establishedAt.adding(seconds: seconds), out: &out)
            }
        }
    }

    /// The rekey (soft) and expiry (hard) timers of a CHILD_SA.
    mutating func scheduleLifetime(of child: ChildSA, env: ExchangeEnvironment, out: inout Outcome) {
        let lifetimes = env.configuration.lifetimes
        schedule(.childSARekey(inboundSPI: child.inboundSPI),
                 at: child.createdAt.adding(milliseconds: lifetimes.softMilliseconds(child.lifetimeSeconds)), out: &out)
        schedule(.childSAExpiry(inboundSPI: child.inboundSPI), at: child.createdAt.adding(seconds: child.lifetimeSeconds),
                 out: &out)
    }

    // MARK: - Teardown

    /// Releases every resource of an established session (reverse of setup, DESIGN §2),
    /// then removes the SA. Used for a peer Delete, a dead peer and `clear crypto session`.
    mutating func tearDown(reason: SessionEndReason, out: inout Outcome) {
        if case .established(let state) = phase {
            Self.release(session: state.session, children: state.children, pendingChild: state.pendingResponse?.child,
                         ownPending: state.pendingOwnInstall?.child, sessionID: sessionID, reason: reason, out: &out)
        }
        if case .authenticating(let state) = phase {
            releasePartialSetup(state, out: &out)
        }
        finish(reason: reason, out: &out)
    }

    /// Emits `deleteSession` and asks the table to drop the SA.
    mutating func finish(reason: SessionEndReason, out: inout Outcome) {
        out.effects.append(.deleteSession(SessionEnd(session: sessionID, ikeSA: identifier, reason: reason)))
        out.actions.append(.remove(localSPI))
        timers = [:]
        outstanding = nil
    }

    static func release(session: SessionResources, children: [ChildSA], pendingChild: ChildSA?, ownPending: ChildSA?,
                        sessionID: SessionID, reason: SessionEndReason, out: inout Outcome) {
        for child in children + [pendingChild, ownPending].compactMap({ $0 }) {
            out.effects.append(.deleteChildSA(ChildSARemoval(session: sessionID, inboundSPI: child.inboundSPI,
                                                             outboundSPI: child.outboundSPI)))
        }
        if let interface = session.virtualAccess {
            out.effects.append(.deleteVirtualAccess(VirtualAccessRelease(session: sessionID, interface: interface)))
        }
        if let lease = session.address?.lease {
            out.effects.append(.releaseAddress(AddressRelease(session: sessionID, lease: lease)))
        }
        if session.accountingStarted {
            out.effects.append(.accountingStop(AccountingStop(session: sessionID, reason: reason)))
        }
    }

    /// What a failed IKE_AUTH setup had allocated so far, released in reverse order.
    func releasePartialSetup(_ state: Authenticating, out: inout Outcome) {
        if let child = state.plannedChild, state.step == .installingChildSA {
            out.effects.append(.deleteChildSA(ChildSARemoval(session: sessionID, inboundSPI: child.inboundSPI,
                                                             outboundSPI: child.outboundSPI)))
        }
        if let interface = state.virtualAccess {
            out.effects.append(.deleteVirtualAccess(VirtualAccessRelease(session: sessionID, interface: interface)))
        }
        if let lease = state.address?.lease {
            out.effects.append(.releaseAddress(AddressRelease(session: sessionID, lease: lease)))
        }
    }

    /// Starts our Delete of this IKE SA; the session's resources must already be released.
    mutating func startDelete(reason: SessionEndReason, env: ExchangeEnvironment, out: inout Outcome) {
        phase = .deleting(Deleting(reason: reason))
        timers = [:]
        outstanding = nil
        do {
            try sendRequest(exchange: .informational, payloads: [.delete(.ikeSA)], purpose: .deleteIKESA, env: env, out: &out)
        } catch {
            out.effects.append(.protocolError(error))
            finish(reason: reason, out: &out)
        }
    }
}

/// The parts of an established IKE SA whose change makes a new checkpoint necessary.
struct CheckpointFingerprint: Hashable, Sendable {
    var identifier: IKESAIdentifier
    var expected: MessageID
    var lastResponseID: MessageID?
    /// What the checkpoint records of our requests: the first one not yet answered. Sending
    /// a request does not change it (a restart sends that Message ID again, which the peer
    /// answers as a retransmission), so a DPD exchange costs one checkpoint, not two.
    var nextOutboundMessageID: MessageID
    var children: [UInt32]
    var remote: Endpoint

    init?(_ sa: IKESA) {
        guard case .established(let state) = sa.phase else { return nil }
        identifier = sa.identifier
        expected = sa.window.expected
        lastResponseID = sa.window.lastResponseID
        nextOutboundMessageID = sa.outstanding?.messageID ?? sa.nextRequestID
        children = state.children.map(\.inboundSPI)
        remote = sa.remote
    }
}
