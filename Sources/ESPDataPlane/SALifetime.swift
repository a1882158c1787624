import HubVocabulary

/// Which limit of an SA's lifetime was reached.
public enum SALifetimeLimitKind: Hashable, Sendable, CustomStringConvertible {
    /// Inner IP packet octets protected.
    case bytes
    /// Packets protected.
    case packets
    /// Seconds since the SA was installed.
    case time
    /// The sequence number space (2^32−1 without ESN, 2^64−1 with; RFC 4303 §3.3.3).
    case sequenceNumbers

    public var description: String {
        switch self {
        case .bytes: "bytes"
        case .packets: "packets"
        case .time: "time"
        case .sequenceNumbers: "sequence-number"
        }
    }
}

/// An SA's soft and hard limits (RFC 4301 §4.4.2.1): soft ⇒ rekey, hard ⇒ unusable. `nil`
/// means no limit of that kind. Bytes count inner IP packet octets.
public struct SALifetimeLimits: Hashable, Sendable {
    public var softBytes: UInt64?
    public var hardBytes: UInt64?
    public var softPackets: UInt64?
    public var hardPackets: UInt64?
    public var softSeconds: Int64?
    public var hardSeconds: Int64?

    public init(softBytes: UInt64? = nil, hardBytes: UInt64? = nil, softPackets: UInt64? = nil, hardPackets: UInt64? = nil,
                softSeconds: Int64? = nil, hardSeconds: Int64? = nil) {
        self.softBytes = softBytes
        self.hardBytes = hardBytes
        self.softPackets = softPackets
        self.hardPackets = hardPackets
        self.softSeconds = softSeconds
        self.hardSeconds = hardSeconds
    }

    /// No limits (the sequence number space still applies to outbound SAs).
    public static let unlimited = SALifetimeLimits()
}

/// Where an SA stands in its lifetime. Phases only move forward.
public enum SALifetimePhase: Hashable, Sendable {
    /// Usable, no limit reached.
    case alive
    /// A soft limit of this kind was reached: usable, a rekey is needed.
    case soft(SALifetimeLimitKind)
    /// A hard limit of this kind was reached: the SA must not be used any more.
    case hard(SALifetimeLimitKind)

    var isHard: Bool { if case .hard = self { true } else { false } }
    var isAlive: Bool { self == .alive }
}

/// A lifetime transition the tunnel manager must act on (sent to the IKE frontend).
public enum SALifetimeEvent: Hashable, Sendable, CustomStringConvertible {
    /// Start a CHILD_SA rekey (RFC 7296 §2.8).
    case rekeyNeeded(ChildSAIdentifier, SALifetimeLimitKind)
    /// The SA is unusable; delete it (and rekey now if not done yet).
    case expired(ChildSAIdentifier, SALifetimeLimitKind)

    public var description: String {
        switch self {
        case .rekeyNeeded(let id, let kind): "\(id): soft \(kind) lifetime reached, rekey needed"
        case .expired(let id, let kind): "\(id): hard \(kind) lifetime reached, SA expired"
        }
    }
}

/// Counts an SA's use against its limits; a pure value with time passed in.
public struct SALifetimeTracker: Hashable, Sendable {
    public let limits: SALifetimeLimits
    /// When the SA was installed (the time limits run from here).
    public let installedAt: WallTime
    /// Inner IP packet octets so far.
    public private(set) var bytes: UInt64 = 0
    /// Packets so far.
    public private(set) var packets: UInt64 = 0
    public private(set) var phase: SALifetimePhase = .alive

    public init(limits: SALifetimeLimits, installedAt: WallTime) {
        self.limits = limits
        self.installedAt = installedAt
    }

    /// Counts one packet of `byteCount` octets; returns the new phase if this moved it.
    public mutating func record(byteCount: Int) -> SALifetimePhase? {
        bytes &+= UInt64(byteCount)
        packets &+= 1
        if let hard = limits.hardBytes, bytes >= hard { return enter(.hard(.bytes)) }
        if let hard = limits.hardPackets, packets >= hard { return enter(.hard(.packets)) }
        if let soft = limits.softBytes, bytes >= soft { return enter(.soft(.bytes)) }
        if let soft = limits.softPackets, packets >= soft { return enter(.soft(.packets)) }
        return nil
    }

    /// Checks the time limits at `now`; returns the new phase if this moved it.
    public mutating func check(now: WallTime) -> SALifetimePhase? {
        let age = (now.nanosecondsSinceEpoch - installedAt.nanosecondsSinceEpoch) / 1_000_000_000
        if let hard = limits.hardSeconds, age >= hard { return enter(.hard(.time)) }
        if let soft = limits.softSeconds, age >= soft { return enter(.soft(.time)) }
        return nil
    }

    /// Moves to `phase` if that is further along; returns it if it moved.
    public mutating func enter(_ next: SALifetimePhase) -> SALifetimePhase? {
        switch (phase, next) {
        case (.hard, _), (.soft, .soft), (_, .alive): return nil
        default:
            phase = next
            return next
        }
    }
}

extension SALifetimePhase {
    /// The event to report for entering this phase on SA `id`.
    func event(for id: ChildSAIdentifier) -> SALifetimeEvent? {
        switch self {
        case .alive: nil
        case .soft(let kind): .rekeyNeeded(id, kind)
        case .hard(let kind): .expired(id, kind)
        }
    }
}
