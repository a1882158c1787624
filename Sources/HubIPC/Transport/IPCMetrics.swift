import Metrics

/// The IPC counters and latencies of one endpoint, exported through whatever
/// swift-metrics backend the process bootstrapped (Prometheus in the daemons).
/// Loop-thread only: it caches one metric object per label set.
final class IPCMetrics {
    private let role: String
    private var requestCounters: [String: Counter] = [:]
    private var latencyTimers: [String: Metrics.Timer] = [:]
    private var retryCounters: [String: Counter] = [:]
    private let duplicates: Counter
    private let refusals: Counter

    init(role: String) {
        self.role = role
        duplicates = Counter(label: "ikehub_ipc_duplicate_replies_total", dimensions: [("role", role)])
        refusals = Counter(label: "ikehub_ipc_refused_total", dimensions: [("role", role)])
    }

    func completed(service: String, outcome: String, since started: MonotonicTime) {
        let key = service + "\u{0}" + outcome
        let counter = requestCounters[key] ?? {
            let made = Counter(label: "ikehub_ipc_requests_total",
                               dimensions: [("role", role), ("service", service), ("outcome", outcome)])
            requestCounters[key] = made
            return made
        }()
        counter.increment()
        let timer = latencyTimers[service] ?? {
            let made = Metrics.Timer(label: "ikehub_ipc_request_duration_seconds",
                                     dimensions: [("role", role), ("service", service)])
            latencyTimers[service] = made
            return made
        }()
        let elapsed = MonotonicTime.now().nanoseconds &- started.nanoseconds
        timer.recordNanoseconds(Int64(clamping: elapsed))
    }

    func retried(service: String) {
        let counter = retryCounters[service] ?? {
            let made = Counter(label: "ikehub_ipc_retries_total", dimensions: [("role", role), ("service", service)])
            retryCounters[service] = made
            return made
        }()
        counter.increment()
    }

    func duplicateReply() { duplicates.increment() }
    func refused() { refusals.increment() }
}

extension IPCError {
    /// A short label for the `outcome` dimension.
    var metricsOutcome: String {
        switch self {
        case .malformed: "malformed"
        case .unsupportedMajorVersion: "unsupported_major"
        case .deadlineExceeded: "deadline"
        case .remote: "error_reply"
        case .unsupportedByPeer: "unsupported"
        case .closed: "closed"
        case .transport: "transport"
        case .endpoint: "endpoint"
        }
    }
}
