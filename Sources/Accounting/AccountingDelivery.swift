import Foundation
import HubStorage
import HubVocabulary
public import Logging
public import RADIUS

/// The thread that moves spooled records to the RADIUS servers (radcli blocks, so it
/// never runs on the cooperative pool). It drains when woken and, while the servers do
/// not answer, again after a backoff of 1 s doubling to 60 s.
public final class AccountingDelivery: @unchecked Sendable {  // state under `condition`
    private let sender: AccountingSender
    private let logger: Logger
    private let condition = NSCondition()
    private var client: RadcliClient?
    private var wakeups = 0
    /// The servers changed (SIGHUP): retry at once with a fresh backoff.
    private var clientChanged = false
    private var stopping = false
    private var finished = false
    /// Acknowledged sessions are forgotten this long after their Stop (no frontend
    /// retry can arrive that late), checked at most once an hour.
    private static let retentionSeconds: Int64 = 86_400
    private var lastPrune = Date.distantPast

    public init(sender: AccountingSender, client: RadcliClient?, logger: Logger) {
        self.sender = sender
        self.client = client
        self.logger = logger
        let thread = Thread { [self] in run() }
        thread.name = "acctd-delivery"
        thread.start()
    }

    /// A record was spooled: drain soon.
    public func wake() {
        condition.lock()
        wakeups += 1
        condition.signal()
        condition.unlock()
    }

    /// Sends to other servers from now on (SIGHUP); nil keeps records spooled.
    public func replaceClient(_ client: RadcliClient?) {
        condition.lock()
        self.client = client
        clientChanged = true
        condition.signal()
        condition.unlock()
    }

    /// Makes one last drain attempt and stops the thread, waiting at most `seconds`.
    /// Whatever is not acknowledged stays spooled for the next start.
    public func finish(within seconds: Double) async {
        // The wait runs on a thread of its own, not on one of the cooperative pool's.
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let thread = Thread { [self] in
                finishBlocking(within: seconds)
                continuation.resume()
            }
            thread.start()
        }
    }

    private func finishBlocking(within seconds: Double) {
        condition.lock()
        stopping = true
        wakeups += 1
        condition.signal()
        let deadline = Date().addingTimeInterval(seconds)
        while !finished, condition.wait(until: deadline) {}
        condition.unlock()
    }

    private func prune() {
        guard Date().timeIntervalSince(lastPrune) > 3600 else { return }
        lastPrune = Date()
        let cutoff = WallTime(secondsSinceEpoch: sender.clock.now().secondsSinceEpoch - Self.retentionSeconds)
        do { try sender.spool.pruneAcknowledged(before: cutoff) } catch {
            logger.warning("acknowledged accounting records not pruned: \(error)")
        }
    }

    private func run() {
        var backoff = 1.0
        while true {
            condition.lock()
            let client = self.client
            let last = stopping
            wakeups = 0
            if clientChanged { backoff = 1 }
            clientChanged = false
            condition.unlock()

            var stalled = false
            if let client {
                do {
                    let result = try sender.drain(to: client)
                    if result.sent > 0 { logger.debug("accounting records delivered", metadata: ["records": "\(result.sent)"]) }
                    if !result.stalled { prune() }
                    if result.stalled {
                        stalled = true
                        logger.warning("accounting server not answering; records stay spooled", metadata: [
                            "retry.seconds": "\(Int(backoff))", "error": "\(result.failure.map { "\($0)" } ?? "-")"])
                    }
                } catch {
                    stalled = true
                    logger.error("accounting spool unreadable: \(error)")
                }
            }

            condition.lock()
            if last {
                finished = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let wait = stalled ? backoff : 30
            backoff = stalled ? min(backoff * 2, 60) : 1
            let deadline = Date().addingTimeInterval(wait)
            // While stalled, a new record does not cut the backoff short (the server is down).
            while !stopping, !clientChanged, stalled || wakeups == 0, condition.wait(until: deadline) {}
            condition.unlock()
        }
    }
}
