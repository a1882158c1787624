import Foundation
public import ESPDataPlane
public import HubNetworking
import HubVocabulary
public import Logging
import Synchronization

/// The UDP NAT-T ports this daemon owns (RFC 3948: ESP-in-UDP and IKE share the port, IKE
/// behind the non-ESP marker), one `ESPDataPlane` per bound address, and the IKE handoff to
/// the frontend (`IKEHandoffSocket`): IKE that arrives here goes to `ike-natt.sock`; what the
/// frontend sends to `tunneld-natt.sock` leaves from the matching port with the marker.
public final class NATTraversalPorts: Sendable {
    /// One data plane per listen address, in the order given.
    public let planes: [ESPDataPlane]
    private let handoff: IKEHandoffSocket
    private let logger: Logger
    private let running = Atomic<Bool>(false)
    private let readerDone = DispatchSemaphore(value: 0)
    /// IKE messages the frontend was not there to take (IKE retransmits; counted, not queued).
    private let handoffDrops = DropCounter()

    /// Binds `addresses` and the handoff socket in `runtimeDirectory`; `events` receives the
    /// planes' lifetime and NAT-mapping events (on a packet thread: it must not block).
    public init(binding addresses: [SocketAddress], runtimeDirectory: String, logger: Logger,
                events: @escaping @Sendable (ESPDataPlaneEvent) -> Void) throws(TunnelManagerError) {
        let handoff: IKEHandoffSocket
        do {
            handoff = try IKEHandoffSocket(bindingPath: runtimeDirectory + "/" + IKEHandoffSocket.tunnelManagerSocketName,
                                           peerPath: runtimeDirectory + "/" + IKEHandoffSocket.frontendSocketName)
        } catch {
            throw .interface(error)
        }
        self.handoff = handoff
        self.logger = logger
        var planes: [ESPDataPlane] = []
        let drops = handoffDrops
        for address in addresses {
            do {
                let socket = try UDPSocket(binding: address)
                let local = socket.localAddress
                // Plain ESP beside ESP-in-UDP where the kernel lets us (CAP_NET_RAW).
                var raw: RawESPSocket?
                do {
                    raw = try RawESPSocket(binding: address.address)
                } catch {
                    logger.notice("no plain ESP on \(address.address): \(error); peers without NAT need UDP encapsulation")
                }
                let plane = try ESPDataPlane(socket: socket, rawESP: raw, nonESPHandler: { datagram in
                    // The frontend may be restarting: IKE retransmits, so a failed handoff is a drop.
                    do {
                        try handoff.send(.init(remote: datagram.source, local: local, ikeMessage: datagram.message))
                    } catch {
                        drops.count.add(1, ordering: .relaxed)
                    }
                }, eventHandler: events)
                planes.append(plane)
            } catch let error as SocketError {
                throw .interface(error)
            } catch let error as ESPDataPlaneError {
                throw .dataPlane(error)
            } catch {
                throw .noNATTraversalPort("\(address): \(error)")
            }
        }
        self.planes = planes
    }

    /// The bound addresses (real ports after port 0).
    public var localAddresses: [SocketAddress] { planes.map(\.socket.localAddress) }

    /// Handoff datagrams dropped because the frontend's socket was absent.
    public var droppedHandoffs: UInt64 { handoffDrops.count.load(ordering: .relaxed) }

    /// The plane whose socket serves `local`: the exact address, else a wildcard socket of the
    /// same family and port.
    /// Port 0 asks for plain ESP: the plane of that address with a raw ESP socket.
    public func plane(serving local: SocketAddress) -> ESPDataPlane? {
        if local.port == 0 {
            return planes.first { $0.rawESP != nil && $0.socket.localAddress.address == local.address }
                ?? planes.first { $0.rawESP != nil && Self.isWildcard($0.socket.localAddress.address, family: local.address) }
        }
        if let exact = planes.first(where: { $0.socket.localAddress == local }) { return exact }
        return planes.first { plane in
            let bound = plane.socket.localAddress
            guard bound.port == local.port else { return false }
            switch (bound.address, local.address) {
            case (.v4(let address), .v4): return address.rawValue == 0
            case (.v6(let address), .v6): return address.high == 0 && address.low == 0
            default: return false
            }
        }
    }

    private static func isWildcard(_ bound: IPAddress, family: IPAddress) -> Bool {
        switch (bound, family) {
        case (.v4(let address), .v4): address.rawValue == 0
        case (.v6(let address), .v6): address.high == 0 && address.low == 0
        default: false
        }
    }

    /// Starts the planes' packet threads and the thread that sends the frontend's IKE out.
    public func start() throws(TunnelManagerError) {
        for plane in planes {
            do { try plane.start() } catch { throw .dataPlane(error) }
        }
        guard running.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else { return }
        // A thread of its own: it blocks in poll and must stay off the cooperative pool.
        let thread = Thread { [self] in
            relayFrontendMessages()
            readerDone.signal()
        }
        thread.name = "tunneld-ike-handoff"
        thread.start()
    }

    /// Stops the threads (sessions stay installed on the planes).
    public func stop() {
        if running.compareExchange(expected: true, desired: false, ordering: .acquiringAndReleasing).exchanged {
            readerDone.wait()
        }
        for plane in planes { plane.stop() }
    }

    private func relayFrontendMessages() {
        while running.load(ordering: .acquiring) {
            let message: IKEHandoffSocket.Message?
            do {
                message = try handoff.receive(timeoutMilliseconds: 200)
            } catch {
                logger.warning("IKE handoff receive failed: \(error)")
                usleep(100_000)
                continue
            }
            guard let message else { continue }
            guard let plane = plane(serving: message.local) else {
                logger.debug("IKE from the frontend for \(message.local), which no NAT-T port serves: dropped")
                continue
            }
            do {
                try plane.sendIKE(message.ikeMessage, to: message.remote)
            } catch {
                logger.debug("IKE to \(message.remote) not sent: \(error)")
            }
        }
    }
}

/// A counter the packet threads bump (shared by reference: `Atomic` cannot be copied).
private final class DropCounter: Sendable {
    let count = Atomic<UInt64>(0)
}
