import Foundation
import HubNetworking
import HubVocabulary
import IKEExchanges
import IKEWire
import Logging

/// The IKE frontend's one serial place: it owns the sans-I/O `IKESATable`, feeds it
/// datagrams, results and timers, and carries out its effects (DESIGN §2). Requests to
/// other processes run as tasks whose results come back through this actor, so the table
/// is only ever touched here.
actor FrontendEngine {
    private var table: IKESATable
    private let configuration: FrontendConfiguration
    private let peers: ProcessPeers
    private let transmitter: DatagramTransmitter
    private let logger: Logger
    private let start = ContinuousClock.now
    /// Session facts the engine's later effects do not repeat (for accounting Stop).
    private var usernames: [SessionID: String] = [:]
    private var virtualAccess: [SessionID: UInt32] = [:]
    /// The latest checkpoint of every established session, on disk (DESIGN §4).
    private let checkpoints: CheckpointStore?
    /// The last refused or failed set-ups, for `show crypto session detail`.
    private var refusals: [SetupRefusal] = []
    static let refusalsKept = 100
    /// Every armed timer, and the one task that sleeps until the earliest is due.
    private var timers = TimerQueue()
    private var timerWake: (deadline: MonotonicTime, task: Task<Void, Never>)?
    private var firingTimers = false

    /// One refused or failed session set-up: when, from where, the answer and why.
    struct SetupRefusal: Sendable {
        var time: WallTime
        var peer: String
        var notify: String
        var reason: String
    }

    /// Oldest first.
    func setupRefusals() -> [SetupRefusal] { refusals }

    init(configuration: FrontendConfiguration, peers: ProcessPeers, transmitter: DatagramTransmitter,
         checkpoints: CheckpointStore?, logger: Logger) {
        self.configuration = configuration
        self.table = IKESATable(configuration: configuration.responder, certificateMatcher: configuration.certificateMaps)
        self.peers = peers
        self.transmitter = transmitter
        self.checkpoints = checkpoints
        self.logger = logger
    }

    /// Resumes the sessions of a previous run from the checkpoint store; returns how many.
    func resumeCheckpointedSessions() -> Int {
        guard let checkpoints else { return 0 }
        let loaded: (checkpoints: [IKESACheckpoint], refused: [String])
        do {
            loaded = try checkpoints.loadAll()
        } catch {
            logger.error("checkpoint store \(checkpoints.path) unreadable: \(error); no session resumed")
            return 0
        }
        for reason in loaded.refused { logger.warning("checkpoint dropped: \(reason)") }
        var resumed = 0
        for checkpoint in loaded.checkpoints {
            do {
                let effects = try table.restore(from: checkpoint, at: now)
                if let index = checkpoint.virtualAccess?.index { virtualAccess[checkpoint.session] = index }
                if let name = checkpoint.username ?? checkpoint.identity.text { usernames[checkpoint.session] = name }
                perform(effects)
                resumed += 1
            } catch {
                logger.warning("checkpoint of session \(checkpoint.session) not resumed: \(error)")
                try? checkpoints.remove(checkpoint.session)
            }
        }
        return resumed
    }

    var now: MonotonicTime {
        let elapsed = ContinuousClock.now - start
        return MonotonicTime(milliseconds: elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
    }

    // MARK: - Inputs

    func receive(_ datagram: InboundDatagram) {
        perform(table.handle(datagram: datagram, at: now))
    }

    func fire(_ timer: IKETimer) {
        perform(table.handle(timer: timer, at: now))
    }

    func snapshot() -> [IKESASnapshot] { table.snapshot(at: now) }

    /// Fires every timer that is due, then sleeps until the next one.
    private func fireDueTimers() {
        timerWake = nil
        firingTimers = true
        while let timer = timers.popDue(at: now) { fire(timer) }
        firingTimers = false
        armTimerWake()
    }

    /// (Re)starts the one sleeping task for the earliest timer.
    private func armTimerWake() {
        timerWake?.task.cancel()
        timerWake = nil
        guard let deadline = timers.earliestDeadline else { return }
        let delay = max(0, deadline.milliseconds - now.milliseconds)
        let task = Task {
            try? await Task.sleep(for: .milliseconds(delay))
            guard !Task.isCancelled else { return }
            self.fireDueTimers()
        }
        timerWake = (deadline, task)
    }

    /// The virtual-access each session was given (for `show crypto session` counters).
    func virtualAccessIndex(of session: SessionID) -> UInt32? { virtualAccess[session] }

    /// `clear crypto session …`: ends every session `matches` selects; returns how many.
    func clearSessions(where matches: (IKESASnapshot) -> Bool) -> Int {
        let chosen = table.snapshot(at: now).filter(matches).map(\.session)
        for session in Set(chosen) {
            logger.info("session cleared by the operator", metadata: ["session.id": "\(session)"])
            perform(table.deleteSession(session, at: now))
        }
        return Set(chosen).count
    }

    // MARK: - Effects

    private func perform(_ effects: [IKEEffect]) {
        // A session that stops in this batch reads its counters from tunneld before its
        // CHILD_SAs and virtual-access go: the teardown runs after the Stop, in order.
        var stopping: Set<SessionID> = []
        for effect in effects { if case .accountingStop(let stop) = effect { stopping.insert(stop.session) } }
        var teardown: [SessionID: [@Sendable () async -> Void]] = [:]
        for effect in effects {
            switch effect {
            case .send(let datagram):
                transmitter.send(datagram)
            case .authenticate(let request):
                let peers = self.peers, profile = configuration.profile(request.profile)
                Task { let result = await peers.authenticate(request, profile: profile); self.deliver(authResult: result, session: request.session) }
            case .authorize(let request):
                // The profile's `aaa authorization` lines, run by the auth workers (`authz`).
                let peers = self.peers
                Task {
                    let result = await peers.authorize(request)
                    if case .rejected(let reason) = result {
                        self.logger.notice("authorization failed", metadata: ["session.id": "\(request.session)", "reason": "\(reason)"])
                    }
                    self.deliver(authorizationResult: result, session: request.session)
                }
            case .allocateAddress(let request):
                let peers = self.peers, pool = configuration.profile(request.profile)?.poolName
                Task { let result = await peers.allocate(request, pool: pool); self.deliver(addressResult: result, session: request.session) }
            case .releaseAddress(let release):
                let peers = self.peers
                Task { await peers.release(release) }
            case .createVirtualAccess(var request):
                if request.virtualTemplate == nil { request.virtualTemplate = configuration.profile(request.profile)?.virtualTemplate }
                let peers = self.peers, session = request.session, template = request
                Task { let result = await peers.createVirtualAccess(template); self.deliver(virtualAccessResult: result, session: session) }
            case .deleteVirtualAccess(let release):
                let peers = self.peers
                if stopping.contains(release.session) {
                    teardown[release.session, default: []].append { await peers.deleteVirtualAccess(release) }
                } else {
                    virtualAccess[release.session] = nil
                    Task { await peers.deleteVirtualAccess(release) }
                }
            case .installChildSA(let installation):
                let peers = self.peers
                Task {
                    let result = await peers.install(installation)
                    self.deliver(childSAInstallResult: result, session: installation.session, inboundSPI: installation.inbound.spi)
                }
            case .deleteChildSA(let removal):
                let peers = self.peers, index = virtualAccess[removal.session]
                if stopping.contains(removal.session) {
                    teardown[removal.session, default: []].append { await peers.remove(removal, virtualAccess: index) }
                } else {
                    Task { await peers.remove(removal, virtualAccess: index) }
                }
            case .accountingStart(let start):
                if let username = start.username ?? start.identity.text { usernames[start.session] = username }
                logger.info("session up", metadata: ["session.id": "\(start.session)", "peer.addr": "\(start.peer)",
                                                     "framed": "\(start.framedIPv4Address.map { "\($0)" } ?? "-")"])
                guard start.accounted else { break }
                let peers = self.peers
                Task { await peers.accountingStart(start) }
            case .accountingStop:
                break  // after the loop, with the session's teardown
            case .sessionMoved(let move):
                logger.info("session moved to a rekeyed IKE SA", metadata: ["session.id": "\(move.session)", "ike.spi.r": "\(move.to.responderSPI)"])
            case .deleteSession(let end):
                logger.info("session down", metadata: ["session.id": "\(end.session)", "reason": "\(end.reason)"])
                do { try checkpoints?.remove(end.session) } catch {
                    logger.error("checkpoint of session \(end.session) not removed: \(error)")
                }
            case .setTimer(let timer):
                timers.insert(timer)
                if !firingTimers, timerWake.map({ timer.deadline < $0.deadline }) ?? true { armTimerWake() }
            case .protocolError(let error):
                logger.notice("IKE: \(error)")
                let answers: Set<NotifyType> = [.authenticationFailed, .noProposalChosen, .internalAddressFailure,
                                                 .failedCPRequired, .tsUnacceptable]
                if let notify = error.notify, answers.contains(notify) {
                    if refusals.count == Self.refusalsKept { refusals.removeFirst() }
                    refusals.append(SetupRefusal(time: SystemWallClock().now(), peer: error.place.peer.map { "\($0)" } ?? "-",
                                                 notify: "\(notify)", reason: error.reason))
                }
            case .checkpoint(let checkpoint):
                do { try checkpoints?.save(checkpoint) } catch {
                    logger.error("checkpoint of session \(checkpoint.session) not saved: \(error); a restart would drop it")
                }
            }
        }
        for effect in effects {
            guard case .accountingStop(let stop) = effect else { continue }
            let peers = self.peers, username = usernames[stop.session], index = virtualAccess[stop.session]
            let steps = teardown[stop.session] ?? []
            virtualAccess[stop.session] = nil
            usernames[stop.session] = nil
            Task {
                await peers.accountingStop(stop, username: username, virtualAccess: index)
                for step in steps { await step() }
            }
        }
    }

    private func deliver(authResult: AuthResult, session: SessionID) {
        if case .rejected(let reason) = authResult {
            logger.notice("authentication failed", metadata: ["session.id": "\(session)", "reason": "\(reason)"])
        }
        perform(table.handle(authResult: authResult, session: session, at: now))
    }

    private func deliver(authorizationResult: AuthorizationResult, session: SessionID) {
        perform(table.handle(authorizationResult: authorizationResult, session: session, at: now))
    }

    private func deliver(addressResult: AddressResult, session: SessionID) {
        perform(table.handle(addressResult: addressResult, session: session, at: now))
    }

    private func deliver(virtualAccessResult: VirtualAccessResult, session: SessionID) {
        if case .created(let interface) = virtualAccessResult { virtualAccess[session] = interface.index }
        perform(table.handle(virtualAccessResult: virtualAccessResult, session: session, at: now))
    }

    private func deliver(childSAInstallResult: ChildSAInstallResult, session: SessionID, inboundSPI: UInt32) {
        perform(table.handle(childSAInstallResult: childSAInstallResult, session: session, inboundSPI: inboundSPI, at: now))
    }
}

/// Sends the engine's datagrams: port-500 ones from the frontend's own socket, NAT-T ones
/// through the tunnel manager, which owns UDP 4500 (IKEHandoffSocket).
final class DatagramTransmitter: @unchecked Sendable {
    private let sockets: [UDPSocket]
    private let handoff: IKEHandoffSocket
    private let logger: Logger

    init(sockets: [UDPSocket], handoff: IKEHandoffSocket, logger: Logger) {
        self.sockets = sockets
        self.handoff = handoff
        self.logger = logger
    }

    func send(_ datagram: OutboundDatagram) {
        let remote = SocketAddress(address: datagram.remote.address, port: datagram.remote.port)
        do {
            if datagram.needsNonESPMarker {
                let local = SocketAddress(address: datagram.local.address, port: datagram.local.port)
                try handoff.send(IKEHandoffSocket.Message(remote: remote, local: local, ikeMessage: datagram.bytes))
            } else if let socket = socket(for: datagram.local) {
                try socket.send(datagram.bytes, to: remote)
            } else {
                logger.warning("no socket for local endpoint \(datagram.local)")
            }
        } catch {
            logger.warning("send to \(remote) failed: \(error)")
        }
    }

    private func socket(for local: Endpoint) -> UDPSocket? {
        sockets.first { $0.localAddress.port == local.port && $0.localAddress.address == local.address }
            ?? sockets.first { socket in
                socket.localAddress.port == local.port && socket.localAddress.address.bytes.allSatisfy { $0 == 0 }
                    && (socket.localAddress.address.bytes.count == local.address.bytes.count)
            }
    }
}
