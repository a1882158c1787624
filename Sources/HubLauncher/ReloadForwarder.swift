import Dispatch
import Foundation
public import Logging

#if canImport(Glibc)
import Glibc
#endif

/// Passes every SIGHUP the launcher receives on to each process it supervises, so one
/// `kill -HUP <launcher>` (or `systemctl reload` of a unit that runs `ikehub launch`)
/// reloads the whole headend. Each child answers for itself: it applies the new
/// configuration or logs that it does not reload. Forwarding lasts while this object
/// lives.
///
/// Unchecked Sendable: the dispatch source is set up once in `init` and only
/// cancelled in `deinit`; nothing else touches it.
public final class ReloadForwarder: @unchecked Sendable {
    private let source: any DispatchSourceSignal

    /// Starts forwarding to `supervisor`'s children.
    public init(to supervisor: Supervisor, logger: Logger) {
        // The default action of SIGHUP ends the process: ignore it and take it from
        // the dispatch source instead (which installs a handler, so a child starts with
        // SIGHUP at its default action again: the supervisor signals a child only once
        // it has trapped SIGHUP itself, as HubDaemon does).
        signal(SIGHUP, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        source.setEventHandler {
            Task {
                let names = await supervisor.signalChildren(SIGHUP)
                logger.notice("SIGHUP: forwarded to \(names.count) process(es): \(names.joined(separator: ", "))")
            }
        }
        source.resume()
    }

    deinit {
        source.cancel()
    }
}
