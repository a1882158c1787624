import HubNetworking
import HubVocabulary

/// The data plane's routing state: sessions (TUN interface, peer, outbound SA) and inbound
/// SAs by SPI. A plain value kept behind the plane's mutex; the packet threads look up
/// under the lock and then work on the SA objects (which lock themselves).
struct SADatabase {
    struct Session {
        let interface: TUNInterface
        var peer: SocketAddress
        var outbound: ESPOutboundSA?
        var inboundSPIs: Set<UInt32> = []
        /// The last unexpected source reported, so a NAT change is reported once.
        var reportedSource: SocketAddress?
    }

    struct InboundRoute {
        let sa: ESPInboundSA
        let session: SessionID
        let interface: TUNInterface
    }

    var sessions: [SessionID: Session] = [:]
    var inbound: [UInt32: InboundRoute] = [:]
    /// TUN interfaces added and removed since the outbound thread last took them (it
    /// keeps them in its epoll set, so a change costs O(1) instead of a rebuilt poll list).
    var interfaceChanges: [InterfaceChange] = []

    enum InterfaceChange {
        case added(SessionID, TUNInterface)
        /// Holds the interface until the thread has removed its descriptor from the set.
        case removed(SessionID, TUNInterface)
    }

    mutating func addSession(_ id: SessionID, interface: TUNInterface, peer: SocketAddress) throws(ESPDataPlaneError) {
        guard sessions[id] == nil else { throw .duplicateSession(id) }
        sessions[id] = Session(interface: interface, peer: peer)
        interfaceChanges.append(.added(id, interface))
    }

    mutating func removeSession(_ id: SessionID) -> Session? {
        guard let session = sessions.removeValue(forKey: id) else { return nil }
        for spi in session.inboundSPIs { inbound.removeValue(forKey: spi) }
        interfaceChanges.append(.removed(id, session.interface))
        return session
    }

    mutating func installInbound(_ sa: ESPInboundSA, for id: SessionID) throws(ESPDataPlaneError) {
        guard var session = sessions[id] else { throw .unknownSession(id) }
        let spi = sa.identifier.spi
        guard inbound[spi] == nil else { throw .duplicateInboundSPI(spi) }
        inbound[spi] = InboundRoute(sa: sa, session: id, interface: session.interface)
        session.inboundSPIs.insert(spi)
        sessions[id] = session
    }

    mutating func removeInbound(spi: UInt32) -> ESPInboundSA? {
        guard let route = inbound.removeValue(forKey: spi) else { return nil }
        sessions[route.session]?.inboundSPIs.remove(spi)
        return route.sa
    }

    mutating func installOutbound(_ sa: ESPOutboundSA?, for id: SessionID) throws(ESPDataPlaneError) -> ESPOutboundSA? {
        guard var session = sessions[id] else { throw .unknownSession(id) }
        let previous = session.outbound
        session.outbound = sa
        sessions[id] = session
        return previous
    }
}
