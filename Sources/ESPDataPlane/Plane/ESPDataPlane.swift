import HubNetworking
import HubVocabulary
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The userspace ESP data plane (DESIGN.md §5): ESP-in-UDP on one port-4500 socket (RFC
/// 3948) to and from one TUN interface per session, with an SA database keyed by inbound SPI.
///
/// Threading model — one thread per direction, each a dedicated POSIX thread in `poll`:
/// - **inbound**: `recvmmsg` a batch from the UDP socket; per datagram classify (ESP / IKE /
///   keepalive), look up the SA by SPI, `open` in the batch buffer, `write` the inner packet
///   to the session's TUN. IKE messages go to `nonESPHandler`.
/// - **outbound**: `poll` all TUN interfaces; per readable interface read up to a batch of
///   packets straight into the send batch (at the SA's payload offset), `seal` in place,
///   address each to the session's peer, and `sendmmsg` the batch. It also checks the SAs'
///   time lifetimes every `lifetimeCheckInterval`.
///
/// The SA database sits behind a mutex taken briefly per packet (inbound) or per TUN read
/// burst (outbound); the SAs lock themselves, so control calls (install, remove, rekey,
/// counters) are safe from any thread while traffic flows. Handlers run on the packet threads
/// and must return quickly (hand off, do not block). Nothing on the packet path allocates
/// (batch memory is allocated once; SA state and drop counters are inline; scratch is on the
/// stack), except the IKE message array handed to `nonESPHandler`.
///
/// The plane reports and does not decide: soft/hard lifetimes, SA expiry and NAT mapping
/// changes become `ESPDataPlaneEvent`s; the tunnel manager rekeys, removes or re-points.
/// TUN writes are one `write` per packet (TUN has no batched write without vnet headers).
public final class ESPDataPlane: @unchecked Sendable {
    /// Sizes and intervals.
    public struct Configuration: Sendable {
        /// Datagrams per `recvmmsg`/`sendmmsg`.
        public var batchSize: Int
        /// Octets per batch slot: the largest ESP datagram; TUN MTUs must stay below this
        /// minus the suite's `maximumOverhead`.
        public var slotSize: Int
        /// How often time lifetimes are checked (milliseconds).
        public var lifetimeCheckIntervalMilliseconds: Int32
        /// Kernel receive and send buffer of the UDP socket (octets); `nil` keeps the socket's.
        public var socketBufferSize: Int32?

        public init(batchSize: Int = 32, slotSize: Int = 2048, lifetimeCheckIntervalMilliseconds: Int32 = 1000,
                    socketBufferSize: Int32? = 4 << 20) {
            self.batchSize = batchSize
            self.slotSize = slotSize
            self.lifetimeCheckIntervalMilliseconds = lifetimeCheckIntervalMilliseconds
            self.socketBufferSize = socketBufferSize
        }
    }

    /// The shared port-4500 socket.
    public let socket: UDPSocket
    /// Plain ESP (IP protocol 50) on the same address, for peers not behind a NAT: a
    /// session whose peer port is 0 uses it.
    public let rawESP: RawESPSocket?
    public let configuration: Configuration
    let clock: any WallClock
    let nonESPHandler: @Sendable (NonESPDatagram) -> Void
    let eventHandler: @Sendable (ESPDataPlaneEvent) -> Void

    let database = Mutex(SADatabase())
    let planeCounters = Mutex(ESPDataPlaneCounters())
    let running = Atomic<Bool>(false)
    let inboundWakeup: WakeupPipe
    let outboundWakeup: WakeupPipe
    private let threads = Mutex<[PlaneThread]>([])

    /// A data plane on `socket` (bound to 4500, or any port in tests). `nonESPHandler`
    /// receives IKE messages; `eventHandler` lifetime and NAT-mapping events.
    public init(socket: UDPSocket, rawESP: RawESPSocket? = nil, configuration: Configuration = Configuration(),
                clock: any WallClock = SystemWallClock(),
                nonESPHandler: @escaping @Sendable (NonESPDatagram) -> Void,
                eventHandler: @escaping @Sendable (ESPDataPlaneEvent) -> Void) throws(ESPDataPlaneError) {
        guard let inbound = WakeupPipe(), let outbound = WakeupPipe() else {
            throw .system(operation: "pipe", errorNumber: errno)
        }
        if let size = configuration.socketBufferSize {
            do {
                try socket.setReceiveBufferSize(size)
                try socket.setSendBufferSize(size)
            } catch {
                throw .socket(error)
            }
        }
        self.socket = socket
        self.rawESP = rawESP
        self.configuration = configuration
        self.clock = clock
        self.nonESPHandler = nonESPHandler
        self.eventHandler = eventHandler
        inboundWakeup = inbound
        outboundWakeup = outbound
    }

    /// The threads hold the plane while they run, so it goes away only after `stop()`;
    /// this covers a plane that was never started or already stopped.
    deinit {
        stop()
    }

    // MARK: - Lifecycle

    /// Starts the inbound and outbound threads (no-op if running).
    public func start() throws(ESPDataPlaneError) {
        guard running.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else { return }
        let inboundBatch = DatagramBatch(capacity: configuration.batchSize, slotSize: configuration.slotSize)
        let outboundBatch = DatagramBatch(capacity: configuration.batchSize, slotSize: configuration.slotSize)
        let epoll: EpollSet
        do { epoll = try EpollSet(batch: configuration.batchSize) } catch {
            running.store(false, ordering: .releasing)
            throw .socket(error)
        }
        guard let inbound = PlaneThread({ [self] in runInbound(batch: inboundBatch) }) else {
            running.store(false, ordering: .releasing)
            throw .system(operation: "pthread_create inbound", errorNumber: errno)
        }
        guard let outbound = PlaneThread({ [self] in runOutbound(batch: outboundBatch, epoll: epoll) }) else {
            running.store(false, ordering: .releasing)
            inboundWakeup.signal()
            inbound.join()
            throw .system(operation: "pthread_create outbound", errorNumber: errno)
        }
        threads.withLock { $0 = [inbound, outbound] }
    }

    /// Stops both threads and waits for them (SAs and sessions stay installed).
    public func stop() {
        guard running.compareExchange(expected: true, desired: false, ordering: .acquiringAndReleasing).exchanged else { return }
        inboundWakeup.signal()
        outboundWakeup.signal()
        let stopped = threads.withLock { threads in
            defer { threads = [] }
            return threads
        }
        for thread in stopped { thread.join() }
        // Changes the outbound thread did not take would keep removed interfaces alive;
        // the next start takes the whole database anyway.
        database.withLock { $0.interfaceChanges.removeAll() }
    }

    // MARK: - Sessions and SAs

    /// Adds a session: its TUN interface (made non-blocking here) and the peer's address.
    public func addSession(_ id: SessionID, interface: TUNInterface, peer: SocketAddress) throws(ESPDataPlaneError) {
        if peer.port == 0, rawESP == nil { throw .rawESPUnavailable(peer) }
        do { try interface.setNonBlocking() } catch { throw .socket(error) }
        try database.withLock { (database) throws(ESPDataPlaneError) in try database.addSession(id, interface: interface, peer: peer) }
        outboundWakeup.signal()
    }

    /// Removes a session and all its SAs; returns its interface (closing it is the caller's
    /// choice: dropping the last reference deletes the interface).
    @discardableResult
    public func removeSession(_ id: SessionID) -> TUNInterface? {
        let removed = database.withLock { $0.removeSession(id) }
        outboundWakeup.signal()
        return removed?.interface
    }

    /// Points the session's outbound ESP at `peer` (after the IKE frontend saw the peer's NAT
    /// mapping change, RFC 7296 §2.23).
    public func updatePeer(of id: SessionID, to peer: SocketAddress) throws(ESPDataPlaneError) {
        if peer.port == 0, rawESP == nil { throw .rawESPUnavailable(peer) }
        try database.withLock { (database) throws(ESPDataPlaneError) in
            guard database.sessions[id] != nil else { throw .unknownSession(id) }
            database.sessions[id]?.peer = peer
            database.sessions[id]?.reportedSource = nil
        }
    }

    /// Installs an inbound SA for the session. During a rekey old and new inbound SAs are
    /// both installed until the old one is deleted (RFC 7296 §2.8).
    public func installInbound(_ sa: ESPInboundSA, for id: SessionID) throws(ESPDataPlaneError) {
        try database.withLock { (database) throws(ESPDataPlaneError) in try database.installInbound(sa, for: id) }
    }

    /// Makes `sa` the session's outbound SA (the rekey switch-over); returns the previous one.
    @discardableResult
    public func installOutbound(_ sa: ESPOutboundSA, for id: SessionID) throws(ESPDataPlaneError) -> ESPOutboundSA? {
        try database.withLock { (database) throws(ESPDataPlaneError) in try database.installOutbound(sa, for: id) }
    }

    /// Removes the session's outbound SA (traffic from its TUN is then dropped).
    @discardableResult
    public func removeOutbound(for id: SessionID) throws(ESPDataPlaneError) -> ESPOutboundSA? {
        try database.withLock { (database) throws(ESPDataPlaneError) in try database.installOutbound(nil, for: id) }
    }

    /// Removes the inbound SA with `spi`.
    @discardableResult
    public func removeInbound(spi: UInt32) -> ESPInboundSA? {
        database.withLock { $0.removeInbound(spi: spi) }
    }

    // MARK: - IKE on the shared socket

    /// Sends an IKE message to `peer` from the port-4500 socket, behind the non-ESP marker.
    public func sendIKE(_ message: [UInt8], to peer: SocketAddress) throws(SocketError) {
        try socket.send(UDPEncapsulation.prependingNonESPMarker(to: message), to: peer)
    }

    /// Sends a NAT keepalive (RFC 3948 §2.3) to `peer`: for a headend that is itself behind a
    /// NAT (RFC 3948 §4: the side behind the NAT keeps the mapping alive).
    public func sendNATKeepalive(to peer: SocketAddress) throws(SocketError) {
        try socket.send([UDPEncapsulation.keepaliveOctet], to: peer)
    }

    // MARK: - Observation

    /// Data-plane-wide counters, merged from each thread once per batch (so they can trail
    /// the per-SA counters, which move with each packet, by one batch).
    public var counters: ESPDataPlaneCounters { planeCounters.withLock { $0 } }

    /// How far every SA of the plane got (outbound: last sequence number sent; inbound: the
    /// replay window's top), in one pass under one lock: the tunnel manager checkpoints these
    /// twice a second, and a per-session call costs a lock round and a sort per session.
    public func sequencePositions(into positions: inout [UInt64: UInt64]) {
        database.withLock { database in
            for session in database.sessions.values {
                if let outbound = session.outbound {
                    positions[SequencePosition.key(spi: outbound.identifier.spi, inbound: false)] = outbound.lastSequenceNumber
                }
            }
            for (spi, route) in database.inbound {
                positions[SequencePosition.key(spi: spi, inbound: true)] = route.sa.replayWindowTop
            }
        }
    }

    /// The session's peer and per-SA counters; `nil` for an unknown session.
    public func statistics(for id: SessionID) -> ESPSessionStatistics? {
        guard let (session, inbound) = database.withLock({ database -> (SADatabase.Session, [ESPInboundSA])? in
            guard let session = database.sessions[id] else { return nil }
            return (session, session.inboundSPIs.sorted().compactMap { database.inbound[$0]?.sa })
        }) else { return nil }
        return ESPSessionStatistics(
            session: id, interfaceName: session.interface.name, peer: session.peer,
            outbound: session.outbound.map { ($0.identifier, $0.counters, $0.lifetimePhase) },
            inbound: inbound.map { ($0.identifier, $0.counters, $0.lifetimePhase) })
    }

    /// Checks every SA's time lifetime now and reports transitions (the outbound thread does
    /// this periodically; exposed for the tunnel manager's own timers and for tests).
    public func checkLifetimes() {
        let now = clock.now()
        let all = database.withLock { database in
            database.sessions.map { id, session in
                (id, session.outbound, session.inboundSPIs.compactMap { database.inbound[$0]?.sa })
            }
        }
        for (id, outbound, inbound) in all {
            if let event = outbound?.checkLifetime(now: now) { eventHandler(.lifetime(id, event)) }
            for sa in inbound {
                if let event = sa.checkLifetime(now: now) { eventHandler(.lifetime(id, event)) }
            }
        }
    }
}
