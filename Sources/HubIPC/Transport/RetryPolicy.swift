/// How long a request may take and how often it is sent again (DESIGN.md §3:
/// a deadline and bounded retries).
public struct RetryPolicy: Sendable, Equatable {
    /// The whole budget, over all attempts; sent to the peer as `deadline_ms`.
    public var deadline: Duration
    /// How long one attempt waits for its reply before the request is resent.
    public var attemptTimeout: Duration
    /// At most this many sends, the first included.
    public var maximumAttempts: Int

    public init(deadline: Duration, attemptTimeout: Duration, maximumAttempts: Int) {
        self.deadline = deadline
        self.attemptTimeout = attemptTimeout
        self.maximumAttempts = max(1, maximumAttempts)
    }

    /// Same-host defaults: 5 s in all, an attempt every 1.5 s (long enough for a
    /// broker to notice a dead worker, 3 s, and re-dispatch), 4 attempts.
    public static let standard = RetryPolicy(deadline: .seconds(5), attemptTimeout: .milliseconds(1500), maximumAttempts: 4)

    /// One send, no retry (for requests a caller retries itself).
    public static func once(deadline: Duration) -> RetryPolicy {
        RetryPolicy(deadline: deadline, attemptTimeout: deadline, maximumAttempts: 1)
    }
}
