public import ESPDataPlane
public import Logging

/// What the daemon does with data-plane events for now: events.proto has no message for an
/// SA lifetime or a NAT mapping change yet, so they are logged (the frontend runs its own
/// rekey timers from the lifetimes it negotiated). Called on a packet thread: logging only.
public struct DataPlaneEventLog: Sendable {
    let logger: Logger

    public init(logger: Logger) { self.logger = logger }

    public func record(_ event: ESPDataPlaneEvent) {
        switch event {
        case .lifetime(let session, .rekeyNeeded(let sa, let kind)):
            logger.notice("child SA soft lifetime reached: rekey needed", metadata: [
                "session.id": "\(session)", "sa": "\(sa)", "lifetime.kind": "\(kind)",
            ])
        case .lifetime(let session, .expired(let sa, let kind)):
            logger.warning("child SA hard lifetime reached: SA expired", metadata: [
                "session.id": "\(session)", "sa": "\(sa)", "lifetime.kind": "\(kind)",
            ])
        case .peerAddressChanged(let session, let current, let observed):
            logger.info("ESP arrives from a new peer address (NAT mapping change?)", metadata: [
                "session.id": "\(session)", "peer.current": "\(current)", "peer.observed": "\(observed)",
            ])
        }
    }
}
