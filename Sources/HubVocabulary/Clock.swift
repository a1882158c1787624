/// Wall-clock time in nanoseconds since the Unix epoch. Certificate validity, lease
/// expiry and accounting timestamps use it; protocol timers take it from a `WallClock`.
public struct WallTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let nanosecondsSinceEpoch: Int64
    public init(nanosecondsSinceEpoch: Int64) { self.nanosecondsSinceEpoch = nanosecondsSinceEpoch }
    public init(secondsSinceEpoch: Int64) { self.nanosecondsSinceEpoch = secondsSinceEpoch * 1_000_000_000 }
    public var secondsSinceEpoch: Int64 { nanosecondsSinceEpoch / 1_000_000_000 }
    public func adding(seconds: Int64) -> WallTime {
        WallTime(nanosecondsSinceEpoch: nanosecondsSinceEpoch + seconds * 1_000_000_000)
    }
    public static func < (lhs: WallTime, rhs: WallTime) -> Bool { lhs.nanosecondsSinceEpoch < rhs.nanosecondsSinceEpoch }
    public var description: String { "\(secondsSinceEpoch)s" }
}

/// Where pure code gets "now" from. Passed in, never read from the system directly,
/// so that state machines and certificate checks are testable at any instant.
public protocol WallClock: Sendable {
    func now() -> WallTime
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The system's real-time clock.
public struct SystemWallClock: WallClock {
    public init() {}
    public func now() -> WallTime {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return WallTime(nanosecondsSinceEpoch: Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec))
    }
}

/// A clock that reads a time set by its owner: validation at a chosen instant
/// (swift-certificates' `fixedValidationTime`), and replaying captured exchanges.
public struct FixedWallClock: WallClock {
    public let time: WallTime
    public init(_ time: WallTime) { self.time = time }
    public func now() -> WallTime { time }
}
