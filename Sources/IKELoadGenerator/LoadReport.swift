/// What one load run measured. Figures, not verdicts: nothing here is checked.
public struct LoadReport: Codable, Sendable {
    public var requested = 0
    public var established = 0
    public var failed = 0
    /// SAs that neither completed nor failed before the deadline.
    public var timedOut = 0
    /// Up to ten failure reasons with their counts.
    public var failureReasons: [String: Int] = [:]
    /// How the responder's AUTH was checked, with the number of SAs ("ECDSA-256": 1000).
    public var responderAuthenticationMethods: [String: Int] = [:]
    /// From the first IKE_SA_INIT to the last completion.
    public var wallSeconds = 0.0
    public var establishedPerSecond = 0.0
    /// Per-SA setup latency (first IKE_SA_INIT sent → IKE_AUTH answer), milliseconds.
    public var latencyP50Milliseconds = 0.0
    public var latencyP90Milliseconds = 0.0
    public var latencyP99Milliseconds = 0.0
    public var latencyMaxMilliseconds = 0.0
    /// Requests we sent again after a timeout, and on how many SAs.
    public var retransmissions = 0
    public var sasRetransmitted = 0
    public var cookieRounds = 0
    /// The initiator's own CPU (user + system) during the setup phase.
    public var initiatorCPUMilliseconds = 0.0
    public var initiatorCPUMillisecondsPerSA = 0.0
    /// Requests of the responder's answered (DPD/INFORMATIONAL), setup and hold together.
    public var responderRequestsAnswered = 0
    /// SAs the responder deleted.
    public var deletedByResponder = 0
    /// Idle hold after setup (0 = none): its length, the requests answered in it and our CPU.
    public var holdSeconds = 0.0
    public var holdRequestsAnswered = 0
    public var holdInitiatorCPUMilliseconds = 0.0
    /// Datagrams we could not send (full socket buffer) and ones that matched no SA.
    public var sendFailures = 0
    public var unmatchedDatagrams = 0

    public init() {}

    /// The `q`-quantile (0…1) of `values` (nearest rank), 0 for none.
    public static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((q * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }
}
