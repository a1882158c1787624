import HubStorage
import HubVocabulary

/// Why no address could be given.
public enum AllocationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Every slot of the pool is held (IKE answers INTERNAL_ADDRESS_FAILURE).
    case poolExhausted(pool: String, capacity: UInt64)
    /// The configuration names no such pool.
    case unknownPool(String)
    /// AAA asked for an address another session holds.
    case addressInUse(address: String, heldBy: SessionID)
    /// The lease could not be written; nothing was handed out.
    case storage(StorageError)

    public var description: String {
        switch self {
        case .poolExhausted(let pool, let capacity): "pool \(pool) exhausted (\(capacity) addresses in use)"
        case .unknownPool(let pool): "no pool named \(pool)"
        case .addressInUse(let address, let session): "\(address) is held by session \(session)"
        case .storage(let error): "lease not stored: \(error)"
        }
    }
}

/// Hands out addresses from the configured pools and remembers them durably.
///
/// Policy: a session asking again gets its own lease back (idempotent); a client identity
/// that had an address gets the same one when it is free; otherwise a never-used address,
/// and only then the address released longest ago — so returning clients keep theirs as
/// long as the pool allows. Not thread-safe: the address manager's service owns it.
public final class AddressAllocator {
    /// In-memory state of one pool, rebuilt from the store at start.
    private struct PoolState {
        let pool: AddressPool
        /// slot → lease, for every slot ever leased.
        var leasesBySlot: [UInt64: Lease] = [:]
        /// identity → slot of its most recent lease.
        var slotByIdentity: [String: UInt64] = [:]
        /// Released slots, oldest release first (lazy: entries may be stale).
        var releasedOrder: [UInt64] = []
        var releasedCursor = 0
        /// First slot that may never have been leased.
        var neverLeasedCursor: UInt64 = 0
        var activeCount: UInt64 = 0
    }

    private var pools: [String: PoolState] = [:]
    private var framed: [IPAddress: Lease] = [:]
    /// session → (pool, slot) of its active pool leases, so release is O(leases of session).
    private var activeSlotsBySession: [SessionID: [(pool: String, slot: UInt64)]] = [:]
    private let store: LeaseStore
    private let clock: any WallClock
    /// Leases that could not be decoded at start (reported by the address manager).
    public private(set) var undecodableLeaseCount = 0
    /// The next allocation's id: one more than any id on disk.
    private var nextLeaseID: UInt64 = 1

    public init(pools: [AddressPool], store: LeaseStore, clock: any WallClock) throws(StorageError) {
        self.store = store
        self.clock = clock
        for pool in pools { self.pools[pool.name] = PoolState(pool: pool) }
        let loaded = try store.loadAll()
        undecodableLeaseCount = loaded.undecodable
        for lease in loaded.leases {
            adopt(lease)
            nextLeaseID = max(nextLeaseID, lease.id.rawValue &+ 1)
        }
    }

    private func takeLeaseID() -> LeaseID {
        defer { nextLeaseID &+= 1 }
        return LeaseID(nextLeaseID)
    }

    /// Every pool with its capacity and active count (`show ip local pool`).
    public var poolUsage: [(pool: AddressPool, inUse: UInt64)] {
        pools.values.map { ($0.pool, $0.activeCount) }.sorted { $0.pool.name < $1.pool.name }
    }

    /// The active lease `id` of `session`, if it holds one.
    public func lease(id: LeaseID, of session: SessionID) -> Lease? {
        leases(of: session).first { $0.id == id }
    }

    /// Leases a session holds.
    public func leases(of session: SessionID) -> [Lease] {
        (activeSlotsBySession[session] ?? []).compactMap { pools[$0.pool]?.leasesBySlot[$0.slot] }
            + framed.values.filter { $0.session == session && $0.state == .active }
    }

    /// Number of active leases in `pool` among `slots` (one range of `show ip local pool`).
    public func activeCount(pool: String, slots: Range<UInt64>) -> UInt64 {
        guard let state = pools[pool] else { return 0 }
        return UInt64(state.leasesBySlot.reduce(0) { $0 + ($1.value.state == .active && slots.contains($1.key) ? 1 : 0) })
    }

    /// Number of active leases in `pool`.
    public func activeCount(pool: String) -> UInt64 { pools[pool]?.activeCount ?? 0 }

    /// An address from `poolName` for `session`, kept for `identity`.
    public func allocate(pool poolName: String, identity: String, session: SessionID) throws(AllocationError) -> Lease {
        guard let lease = try updatePool(poolName, { (state) throws(AllocationError) in try allocate(in: &state, identity: identity, session: session) }) else {
            throw .unknownPool(poolName)
        }
        return lease
    }

    private func allocate(in state: inout PoolState, identity: String, session: SessionID) throws(AllocationError) -> Lease {
        let poolName = state.pool.name
        if let held = activeSlotsBySession[session]?.first(where: { $0.pool == poolName }),
           let existing = state.leasesBySlot[held.slot] {
            return existing
        }
        let slot: UInt64
        if let previous = state.slotByIdentity[identity], state.leasesBySlot[previous]?.state == .released {
            slot = previous
        } else if let fresh = Self.nextNeverLeased(&state) {
            slot = fresh
        } else if let oldest = Self.nextReleased(&state) {
            slot = oldest
        } else {
            throw .poolExhausted(pool: poolName, capacity: state.pool.capacity)
        }
        guard let address = state.pool.address(ofSlot: slot) else { throw .poolExhausted(pool: poolName, capacity: state.pool.capacity) }
        let lease = Lease(id: takeLeaseID(), pool: poolName, address: address, prefixLength: state.pool.assignedPrefixLength,
                          identity: identity, session: session, state: .active, updated: clock.now())
        do { try store.record(lease) } catch { throw .storage(error) }
        if let previousOwner = state.leasesBySlot[slot]?.identity, state.slotByIdentity[previousOwner] == slot {
            state.slotByIdentity[previousOwner] = nil
        }
        state.leasesBySlot[slot] = lease
        state.slotByIdentity[identity] = slot
        state.activeCount += 1
        activeSlotsBySession[session, default: []].append((poolName, slot))
        return lease
    }

    /// Records an address AAA assigned (Framed-IP-Address) so no pool hands it out and a
    /// restart still knows it.
    public func recordFramed(address: IPAddress, identity: String, session: SessionID) throws(AllocationError) -> Lease {
        if let holder = holderOf(address), holder.session != session {
            throw .addressInUse(address: "\(address)", heldBy: holder.session)
        }
        let prefix: UInt8 = if case .v4 = address { 32 } else { 128 }
        let lease = Lease(id: takeLeaseID(), pool: framedAddressPoolName, address: address, prefixLength: prefix, identity: identity,
                          session: session, state: .active, updated: clock.now())
        do { try store.record(lease) } catch { throw .storage(error) }
        framed[address] = lease
        return lease
    }

    /// Releases every lease of `session` (durably); returns what was released.
    @discardableResult
    public func release(session: SessionID) throws(AllocationError) -> [Lease] {
        let now = clock.now()
        var released: [Lease] = []
        for (name, slot) in activeSlotsBySession.removeValue(forKey: session) ?? [] {
            updatePool(name) { state in
                guard let lease = state.leasesBySlot[slot], lease.state == .active else { return }
                let freed = lease.with(state: .released, updated: now)
                state.leasesBySlot[slot] = freed
                state.releasedOrder.append(slot)
                state.activeCount -= 1
                released.append(freed)
            }
        }
        for (address, lease) in framed where lease.session == session && lease.state == .active {
            let freed = lease.with(state: .released, updated: now)
            framed[address] = freed
            released.append(freed)
        }
        do { try store.record(released) } catch { throw .storage(error) }
        return released
    }

    /// Releases lease `id` of `session` alone (durably); nil if the session does not hold it,
    /// so a stale release from a restarted frontend frees nothing.
    public func release(id: LeaseID, of session: SessionID) throws(AllocationError) -> Lease? {
        guard let lease = lease(id: id, of: session) else { return nil }
        let freed = lease.with(state: .released, updated: clock.now())
        do { try store.record(freed) } catch { throw .storage(error) }
        if lease.pool == framedAddressPoolName {
            framed[lease.address] = freed
            return freed
        }
        guard let slot = updatePool(lease.pool, { state -> UInt64? in
            guard let slot = state.pool.slot(of: lease.address) else { return nil }
            state.leasesBySlot[slot] = freed
            state.releasedOrder.append(slot)
            state.activeCount -= 1
            return slot
        }) ?? nil else { return freed }
        activeSlotsBySession[session]?.removeAll { $0.pool == lease.pool && $0.slot == slot }
        if activeSlotsBySession[session]?.isEmpty == true { activeSlotsBySession[session] = nil }
        return freed
    }

    /// Re-creates a lease the frontend still uses but this store does not hold (a lost
    /// write, a wiped state directory): the same id, address and session, made active and
    /// durable. Nil if the address is outside every pool or another session holds it.
    public func restore(id: LeaseID, pool poolName: String, address: IPAddress, session: SessionID) throws(AllocationError) -> Lease? {
        if let held = holderOf(address) { return held.session == session ? held : nil }
        let identity: String
        let prefixLength: UInt8
        if poolName == framedAddressPoolName {
            identity = framed[address]?.identity ?? "session:\(session)"
            prefixLength = if case .v4 = address { 32 } else { 128 }
        } else {
            guard let state = pools[poolName], let slot = state.pool.slot(of: address) else { return nil }
            identity = state.leasesBySlot[slot]?.identity ?? "session:\(session)"
            prefixLength = state.pool.assignedPrefixLength
        }
        let lease = Lease(id: id, pool: poolName, address: address, prefixLength: prefixLength, identity: identity,
                          session: session, state: .active, updated: clock.now())
        do { try store.record(lease) } catch { throw .storage(error) }
        adopt(lease)
        nextLeaseID = max(nextLeaseID, id.rawValue &+ 1)
        return lease
    }

    /// Releases the leases of every session not in `liveSessions` (after a restart, once the
    /// frontend has said which sessions it still has).
    @discardableResult
    public func reconcile(liveSessions: Set<SessionID>) throws(AllocationError) -> [Lease] {
        var orphans = Set(activeSlotsBySession.keys.filter { !liveSessions.contains($0) })
        for lease in framed.values where lease.state == .active && !liveSessions.contains(lease.session) {
            orphans.insert(lease.session)
        }
        var released: [Lease] = []
        for session in orphans { released += try release(session: session) }
        return released
    }

    // MARK: - Internals

    private func holderOf(_ address: IPAddress) -> Lease? {
        if let lease = framed[address], lease.state == .active { return lease }
        for state in pools.values {
            if let slot = state.pool.slot(of: address), let lease = state.leasesBySlot[slot], lease.state == .active {
                return lease
            }
        }
        return nil
    }

    private func adopt(_ lease: Lease) {
        if lease.pool == framedAddressPoolName {
            framed[lease.address] = lease
            return
        }
        // A lease from a pool that is gone or no longer holds the address is kept on disk
        // but not re-issued; its session keeps working until it ends.
        updatePool(lease.pool) { state in adopt(lease, into: &state) }
    }

    private func adopt(_ lease: Lease, into state: inout PoolState) {
        guard let slot = state.pool.slot(of: lease.address) else { return }
        if let replaced = state.leasesBySlot[slot], replaced.state == .active {
            state.activeCount -= 1
            activeSlotsBySession[replaced.session]?.removeAll { $0.pool == lease.pool && $0.slot == slot }
        }
        state.leasesBySlot[slot] = lease
        state.slotByIdentity[lease.identity] = slot
        switch lease.state {
        case .active:
            state.activeCount += 1
            activeSlotsBySession[lease.session, default: []].append((lease.pool, slot))
        case .released:
            state.releasedOrder.append(slot)
        }
    }

    /// Runs `body` on a pool's state taken out of `pools` for the call, so the dictionaries
    /// inside are uniquely referenced: `var state = pools[name]` and a write back would copy
    /// every lease of the pool on the first mutation (O(leases) per allocation; seen in the
    /// setup profile). Nil for an unknown pool.
    @discardableResult
    private func updatePool<Result, Failure: Error>(_ name: String, _ body: (inout PoolState) throws(Failure) -> Result) throws(Failure) -> Result? {
        guard var state = pools.removeValue(forKey: name) else { return nil }
        defer { pools[name] = state }
        return try body(&state)
    }

    private static func nextNeverLeased(_ state: inout PoolState) -> UInt64? {
        while state.neverLeasedCursor < state.pool.capacity {
            let slot = state.neverLeasedCursor
            state.neverLeasedCursor += 1
            if state.leasesBySlot[slot] == nil { return slot }
        }
        return nil
    }

    private static func nextReleased(_ state: inout PoolState) -> UInt64? {
        while state.releasedCursor < state.releasedOrder.count {
            let slot = state.releasedOrder[state.releasedCursor]
            state.releasedCursor += 1
            if state.leasesBySlot[slot]?.state == .released { return slot }
        }
        // Compact the consumed prefix so the queue does not grow without bound.
        state.releasedOrder.removeAll()
        state.releasedCursor = 0
        return nil
    }
}
