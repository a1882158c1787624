#if canImport(Glibc)
import Glibc
#endif

/// Nanoseconds on the monotonic clock: deadlines and latencies inside one process.
public struct MonotonicTime: Comparable, Sendable, Hashable {
    /// Nanoseconds since an arbitrary start (boot).
    public let nanoseconds: UInt64

    public init(nanoseconds: UInt64) { self.nanoseconds = nanoseconds }

    /// Now.
    public static func now() -> MonotonicTime {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return MonotonicTime(nanoseconds: UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec))
    }

    /// This instant plus `milliseconds`.
    public func adding(milliseconds: UInt64) -> MonotonicTime {
        MonotonicTime(nanoseconds: nanoseconds &+ milliseconds &* 1_000_000)
    }

    /// Whole milliseconds from now until this instant, 0 if it has passed.
    public func millisecondsFromNow(_ now: MonotonicTime = .now()) -> UInt64 {
        nanoseconds > now.nanoseconds ? (nanoseconds - now.nanoseconds + 999_999) / 1_000_000 : 0
    }

    public static func < (lhs: MonotonicTime, rhs: MonotonicTime) -> Bool { lhs.nanoseconds < rhs.nanoseconds }
}

extension Duration {
    /// Whole milliseconds, rounded up, never negative.
    var wholeMilliseconds: UInt64 {
        let (seconds, attoseconds) = components
        guard seconds >= 0 else { return 0 }
        return UInt64(seconds) * 1000 + UInt64((attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
    }
}
