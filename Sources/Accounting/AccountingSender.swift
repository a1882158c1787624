import HubStorage
import HubVocabulary
import RADIUS

/// Moves spooled records to the accounting server, oldest first. A record leaves the
/// spool only when the server acknowledged it; when the server does not answer, draining
/// stops there so that a session's Start is never overtaken by its Stop.
public struct AccountingSender {
    /// What one drain did.
    public struct DrainResult: Equatable, Sendable {
        public var sent: Int
        /// The server did not answer; the rest stays spooled.
        public var stalled: Bool
        /// Why the drain stopped, when it stopped early (for the log line).
        public var failure: RadiusClientError?

        public init(sent: Int, stalled: Bool, failure: RadiusClientError? = nil) {
            self.sent = sent
            self.stalled = stalled
            self.failure = failure
        }
    }

    public let spool: AccountingSpool
    public let clock: any WallClock
    public let nasIdentifier: String

    public init(spool: AccountingSpool, clock: any WallClock, nasIdentifier: String) {
        self.spool = spool
        self.clock = clock
        self.nasIdentifier = nasIdentifier
    }

    /// Sends pending records until the spool is empty or the server stops answering.
    public func drain(to client: RadcliClient) throws(StorageError) -> DrainResult {
        var result = DrainResult(sent: 0, stalled: false)
        while true {
            let batch = try spool.pending(limit: 64)
            if batch.isEmpty { return result }
            for entry in batch {
                let attributes = entry.record.radiusAttributes(sentAt: clock.now(), nasIdentifier: nasIdentifier)
                let response: RadiusResponse
                do {
                    response = try client.account(attributes)
                } catch {
                    try spool.markAttempted(entry.id)
                    return DrainResult(sent: result.sent, stalled: true, failure: error)
                }
                guard response.code == .accountingResponse else {
                    try spool.markAttempted(entry.id)
                    return DrainResult(sent: result.sent, stalled: true,
                                       failure: .failed("answered \(response.code) to an Accounting-Request"))
                }
                try spool.markSent(entry.id)
                result.sent += 1
            }
        }
    }
}
