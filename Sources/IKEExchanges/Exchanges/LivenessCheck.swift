import HubVocabulary
import IKEWire

/// Our dead peer detection (IOS `dpd <interval> <retry> periodic`, RFC 7296 §2.4): after
/// `interval` seconds without any message from the peer we send an empty INFORMATIONAL
/// request and retransmit it every `retry` seconds; when the retries are spent the peer
/// is dead and the session is removed with every resource.
///
/// ```
/// HDR, SK {}  -->
///             <--  HDR, SK {}
/// ```
enum LivenessCheck {
    static func timerFired(sa: inout IKESA, env: ExchangeEnvironment, out: inout Outcome) {
        guard let dpd = env.configuration.deadPeerDetection, case .established = sa.phase else { return }
        let due = sa.lastHeardFrom.adding(seconds: dpd.intervalSeconds)
        guard due <= env.now else {
            sa.schedule(.deadPeerDetection, at: due, out: &out)
            return
        }
        // A request of ours in flight already asks the same question.
        if sa.canSendRequest {
            do {
                try sa.sendRequest(exchange: .informational, payloads: [], purpose: .liveness, env: env, out: &out)
            } catch {
                out.effects.append(.protocolError(error))
            }
        }
        sa.schedule(.deadPeerDetection, at: env.now.adding(seconds: dpd.intervalSeconds), out: &out)
    }
}
