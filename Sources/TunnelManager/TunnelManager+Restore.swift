import ESPDataPlane
import FlexConfig
import Foundation
import HubNetworking
import HubVocabulary
import Netlink

extension TunnelManager {
    /// Brings back what the previous run had (DESIGN §4): each stored virtual-access is
    /// re-attached to its persistent TUN (rebuilt from its create request if the interface
    /// is gone), and its ChildSAs are re-installed with their checkpointed sequence numbers.
    /// Then the sequence checkpoints start. Returns how many interfaces and SAs came back.
    @discardableResult
    public func restore() -> (virtualAccess: Int, childSAs: Int) {
        guard let store else { return (0, 0) }
        defer { startCheckpointing() }
        let loaded: (virtualAccess: [TunnelStateStore.VirtualAccessRow], childSAs: [TunnelStateStore.ChildSARow], refused: [String])
        do {
            loaded = try store.loadAll()
        } catch {
            logger.error("tunnel state \(store.path) unreadable: \(error); nothing restored")
            return (0, 0)
        }
        for reason in loaded.refused { logger.warning("tunnel state: dropped undecodable \(reason)") }
        let sasByNumber = Dictionary(grouping: loaded.childSAs, by: \.number)
        var interfaces = 0, sas = 0
        for row in loaded.virtualAccess {
            do {
                let installed = try state.withLock { (state) throws(TunnelManagerError) -> Int in
                    var record = try reattach(row, configuration: state.configuration)
                    let rows = sasByNumber[row.number] ?? []
                    let outcome = try install(rows.map(\.message), field: "restored", on: &record, restored: rows)
                    if let refusal = outcome.refusal { throw refusal }
                    state.table[row.number] = record
                    return outcome.installed
                }
                interfaces += 1
                sas += installed
            } catch {
                logger.error("Virtual-Access\(row.number) not restored: \(error)")
                _ = deleteVirtualAccess(row.number)
                try? store.removeVirtualAccess(row.number)
            }
        }
        if interfaces > 0 {
            logger.notice("restored \(interfaces) virtual-access interface(s) and \(sas) child SA(s) from \(store.path)")
        }
        return (interfaces, sas)
    }

    /// The record of a stored virtual-access: its persistent TUN if it survived (addresses
    /// and routes with it), else a fresh one built from the create request.
    private func reattach(_ row: TunnelStateStore.VirtualAccessRow, configuration: FlexConfiguration) throws(TunnelManagerError) -> VirtualAccess {
        let clients = try Self.addresses(row.request.clientAddresses, field: "client_addresses")
        let prefixes = try Self.prefixes(row.request.routes)
        let (settings, _) = try TemplateSettings.resolve(template: row.request.virtualTemplate, in: configuration,
                                                         interfaceConfig: row.request.interfaceConfig.map(\.value))
        let name = VirtualAccess.interfaceName(row.number)
        let routing = RouteNetlink(socket: netlink)
        guard let index = try? routing.interfaceIndex(named: name) else {
            return try buildInterface(number: row.number, session: row.session, settings: settings, clients: clients, prefixes: prefixes)
        }
        let interface: TUNInterface
        do { interface = try TUNInterface(name: name, persistent: true) } catch { throw .interface(error) }
        var routes = clients.map { InstalledRoute(destination: $0, prefixLength: $0.bytes.count == 4 ? 32 : 128) }
        for prefix in prefixes where !routes.contains(prefix) { routes.append(prefix) }
        return VirtualAccess(number: row.number, interface: interface, interfaceIndex: index, sessionKey: row.session,
                             dataPlaneSession: SessionID(bytes: row.session) ?? SessionID(high: 0, low: UInt64(row.number)),
                             routes: routes)
    }

    /// Every half second, how far each SA's sequence numbers got goes to the store (only
    /// what changed since the last checkpoint; a new SA's row starts at 0), so a restart
    /// resumes above them. One pass per data plane, without the manager's lock.
    private func startCheckpointing() {
        guard let store, checkpointing.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else { return }
        let planes = ports.planes
        let thread = Thread { [self] in
            var stored: [UInt64: UInt64] = [:]
            var current: [UInt64: UInt64] = [:]
            while checkpointing.load(ordering: .acquiring) {
                usleep(500_000)
                current.removeAll(keepingCapacity: true)
                for plane in planes { plane.sequencePositions(into: &current) }
                var changed: [(spi: UInt32, inbound: Bool, sequence: UInt64)] = []
                for (key, sequence) in current where (stored[key] ?? 0) != sequence {
                    changed.append((SequencePosition.spi(of: key), SequencePosition.isInbound(key), sequence))
                }
                if !changed.isEmpty {
                    do { try store.saveSequences(changed) } catch {
                        logger.error("sequence checkpoint failed: \(error)")
                        continue
                    }
                }
                // SAs gone from the planes leave the map with this swap.
                swap(&stored, &current)
            }
        }
        thread.name = "tunneld-checkpoints"
        thread.start()
    }
}
