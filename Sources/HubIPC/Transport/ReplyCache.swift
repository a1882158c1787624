/// The server side of idempotency keys: a request whose key was seen before is
/// not executed again; it is answered from the first result (or, while the first
/// run is still going, answered once when it completes).
///
/// Bounded in entries and in time: a retry comes within the caller's deadline,
/// so `lifetime` longer than the longest deadline is enough. Loop-thread only.
public struct ReplyCache {
    /// What is known about a key.
    public enum Entry {
        /// The first request is still running; reply to `peer` (the latest
        /// requester's routing id) when it completes.
        case inProgress(peer: [UInt8])
        /// Done: the encoded reply to send again.
        case completed(reply: [UInt8])
    }

    private var entries: [[UInt8]: (entry: Entry, born: MonotonicTime)] = [:]
    private var order: [[UInt8]] = []
    private var orderStart = 0
    /// Most keys kept.
    public let capacity: Int
    /// How long a completed reply is kept, in nanoseconds.
    public let lifetimeNanoseconds: UInt64

    public init(capacity: Int = 20_000, lifetime: Duration = .seconds(120)) {
        self.capacity = max(1, capacity)
        self.lifetimeNanoseconds = lifetime.wholeMilliseconds * 1_000_000
    }

    /// Number of keys held.
    public var count: Int { entries.count }

    /// The entry for `key`, if it is known and not expired.
    public mutating func entry(for key: [UInt8], now: MonotonicTime = .now()) -> Entry? {
        guard let found = entries[key] else { return nil }
        if now.nanoseconds &- found.born.nanoseconds > lifetimeNanoseconds {
            entries[key] = nil
            return nil
        }
        return found.entry
    }

    /// Records that `key` is being executed for `peer`.
    public mutating func begin(_ key: [UInt8], peer: [UInt8], now: MonotonicTime = .now()) {
        if entries[key] == nil { order.append(key) }
        entries[key] = (.inProgress(peer: peer), now)
        evict()
    }

    /// A retry arrived from `peer` while the first run is going: answer it there.
    public mutating func redirect(_ key: [UInt8], to peer: [UInt8]) {
        if let found = entries[key], case .inProgress = found.entry {
            entries[key] = (.inProgress(peer: peer), found.born)
        }
    }

    /// The first run finished with `reply`. Returns the peer to send it to.
    @discardableResult
    public mutating func complete(_ key: [UInt8], reply: [UInt8], now: MonotonicTime = .now()) -> [UInt8]? {
        guard let found = entries[key] else { return nil }
        entries[key] = (.completed(reply: reply), now)
        if case .inProgress(let peer) = found.entry { return peer }
        return nil
    }

    /// Forgets `key` (its run failed in a way a retry may fix).
    public mutating func forget(_ key: [UInt8]) {
        entries[key] = nil
    }

    private mutating func evict() {
        while entries.count > capacity, orderStart < order.count {
            entries[order[orderStart]] = nil
            orderStart += 1
        }
        // Drop the consumed prefix now and then so `order` does not grow for ever.
        if orderStart > 4096 && orderStart * 2 > order.count {
            order.removeFirst(orderStart)
            orderStart = 0
        }
        if order.count > capacity * 4 {
            order = order.filter { entries[$0] != nil }
            orderStart = 0
        }
    }
}
