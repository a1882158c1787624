import Foundation
import ESPDataPlane
import HubIPC
import HubNetworking
import HubVocabulary

extension TunnelManager {
    /// InstallChildSARequest: the SAs go onto the data plane of the NAT-T port they name,
    /// bound to the virtual-access's TUN and the peer's UDP endpoint. Idempotent by SPI: an
    /// SA whose SPI is installed already is skipped, and a request with nothing new is
    /// answered ALREADY_INSTALLED. Inbound SAs go in before outbound ones (RFC 7296 §2.8).
    func installChildSAs(_ request: IPCv1InstallChildSARequest) throws(TunnelManagerError) -> IPCv1InstallChildSAReply {
        try state.withLock { (state) throws(TunnelManagerError) -> IPCv1InstallChildSAReply in
            guard var record = state.table[request.virtualAccess] else { throw .unknownVirtualAccess(request.virtualAccess) }
            defer { state.table[request.virtualAccess] = record }
            let outcome = try install(request.sas, field: "sas", on: &record)
            return .with {
                $0.result = outcome.installed == 0 ? .alreadyInstalled : .installed
                if let refusal = outcome.refusal {
                    $0.result = .refusedByKernel
                    $0.reason = refusal.description
                }
            }
        }
    }

    /// RekeyChildSARequest: install the new SAs, then retire the old SPIs (RFC 7296 §2.8:
    /// the old inbound SA lives until the frontend says so, which is this request).
    func rekeyChildSAs(_ request: IPCv1RekeyChildSARequest) throws(TunnelManagerError) -> IPCv1RekeyChildSAReply {
        try state.withLock { (state) throws(TunnelManagerError) -> IPCv1RekeyChildSAReply in
            guard var record = state.table[request.virtualAccess] else { throw .unknownVirtualAccess(request.virtualAccess) }
            defer { state.table[request.virtualAccess] = record }
            let outcome = try install(request.newSas, field: "new_sas", on: &record)
            if let refusal = outcome.refusal {
                return .with { $0.rekeyed = false; $0.reason = refusal.description }
            }
            let newSPIs = Set(request.newSas.map(\.spi))
            let retired = remove(spis: request.oldSpis.filter { !newSPIs.contains($0) }, from: &record)
            logger.info("Virtual-Access\(record.number) child SAs rekeyed", metadata: [
                "va": "\(record.number)", "sa.new": "\(Self.spiList(newSPIs))", "sa.retired": "\(retired)",
            ])
            return .with { $0.rekeyed = true }
        }
    }

    /// DeleteChildSARequest: removes the named SPIs of the virtual-access.
    func deleteChildSAs(_ request: IPCv1DeleteChildSARequest) throws(TunnelManagerError) -> IPCv1DeleteChildSAReply {
        try state.withLock { (state) throws(TunnelManagerError) -> IPCv1DeleteChildSAReply in
            guard var record = state.table[request.virtualAccess] else { throw .unknownVirtualAccess(request.virtualAccess) }
            defer { state.table[request.virtualAccess] = record }
            let deleted = remove(spis: request.spis, from: &record)
            if deleted > 0 {
                logger.info("Virtual-Access\(record.number) child SAs deleted", metadata: [
                    "va": "\(record.number)", "sa.deleted": "\(deleted)",
                ])
            }
            return .with { $0.deleted = UInt32(deleted) }
        }
    }

    /// CountersRequest: the session's totals, live SAs plus the ones already retired.
    func counters(_ number: UInt32) throws(TunnelManagerError) -> IPCv1CountersReply {
        let (record, statistics) = try state.withLock { (state) throws(TunnelManagerError) in
            guard let record = state.table[number] else { throw TunnelManagerError.unknownVirtualAccess(number) }
            return (record, record.plane?.statistics(for: record.dataPlaneSession))
        }
        var totals = record.retired
        if let statistics {
            for inbound in statistics.inbound { totals.retire(inbound: inbound.counters) }
            if let outbound = statistics.outbound { totals.retire(outbound: outbound.counters) }
        }
        return .with {
            $0.inputOctets = totals.inputOctets
            $0.inputPackets = totals.inputPackets
            $0.outputOctets = totals.outputOctets
            $0.outputPackets = totals.outputPackets
            $0.replayDrops = totals.replayDrops
            $0.integrityFailures = totals.integrityFailures
        }
    }

    // MARK: - Shared steps (called under the state lock)

    struct InstallOutcome {
        var installed = 0
        /// Why the data plane refused; SAs installed by this request were taken back.
        var refusal: TunnelManagerError?
    }

    /// Checks every SA first (a bad field refuses the whole request), then installs the new ones.
    /// `restored` (a restart): per SA, when it was installed and how far its sequence
    /// numbers got; such SAs are not written to the store again.
    func install(_ sas: [IPCv1ChildSA], field: String, on record: inout VirtualAccess,
                 restored: [TunnelStateStore.ChildSARow]? = nil) throws(TunnelManagerError) -> InstallOutcome {
        var pending: [(index: Int, sa: ConvertedChildSA, endpoints: ChildSAEndpoints)] = []
        let now = clock.now()
        for (index, message) in sas.enumerated() {
            let installed = message.direction == .inbound ? record.inboundSPIs.contains(message.spi) : record.outboundSPI == message.spi
            if installed { continue }
            let name = "\(field)[\(index)]"
            let endpoints = try message.endpoints(field: name)
            do {
                let row = restored?[index]
                pending.append((index, try message.converted(
                    field: name, now: row.map { WallTime(nanosecondsSinceEpoch: $0.installedAtNanoseconds) } ?? now,
                    restoredSequence: row?.sequence), endpoints))
            } catch {
                if case .invalidChildSA = error { throw error }
                return InstallOutcome(refusal: error)
            }
        }
        guard let first = pending.first else { return InstallOutcome() }
        do {
            try attach(&record, endpoints: first.endpoints)
        } catch {
            return InstallOutcome(refusal: error)
        }
        guard let plane = record.plane else { return InstallOutcome(refusal: .noNATTraversalPort("\(first.endpoints.local)")) }
        var installedInbound: [UInt32] = []
        for entry in pending {
            guard case .inbound(let sa) = entry.sa else { continue }
            do {
                try plane.installInbound(sa, for: record.dataPlaneSession)
            } catch {
                for spi in installedInbound { plane.removeInbound(spi: spi) }
                return InstallOutcome(refusal: .dataPlane(error))
            }
            installedInbound.append(sa.identifier.spi)
        }
        record.inboundSPIs.formUnion(installedInbound)
        var outcome = InstallOutcome(installed: installedInbound.count)
        for entry in pending {
            guard case .outbound(let sa) = entry.sa else { continue }
            do {
                if let previous = try plane.installOutbound(sa, for: record.dataPlaneSession) {
                    record.retired.retire(outbound: previous.counters)
                }
            } catch {
                return InstallOutcome(installed: outcome.installed, refusal: .dataPlane(error))
            }
            record.outboundSPI = sa.identifier.spi
            outcome.installed += 1
        }
        if restored == nil, let store {
            for entry in pending {
                do {
                    try store.saveChildSA(sas[entry.index], number: record.number, installedAtNanoseconds: now.nanosecondsSinceEpoch)
                } catch {
                    logger.error("child SA \(String(entry.sa.spi, radix: 16)) not checkpointed: \(error); a restart would lose it")
                }
            }
        }
        logger.info("Virtual-Access\(record.number) child SAs installed", metadata: [
            "va": "\(record.number)", "session.id": "\(Self.sessionLabel(record.sessionKey))",
            "sa.spis": "\(Self.spiList(pending.map(\.sa.spi)))", "peer": "\(first.endpoints.remote)",
        ])
        return outcome
    }

    /// Binds the session to its data plane on first use; later SAs that name another peer
    /// endpoint re-point it (the frontend saw the NAT mapping move, RFC 7296 §2.23).
    private func attach(_ record: inout VirtualAccess, endpoints: ChildSAEndpoints) throws(TunnelManagerError) {
        if let plane = record.plane {
            if plane.statistics(for: record.dataPlaneSession)?.peer != endpoints.remote {
                do { try plane.updatePeer(of: record.dataPlaneSession, to: endpoints.remote) } catch { throw .dataPlane(error) }
            }
            return
        }
        guard let plane = ports.plane(serving: endpoints.local) else { throw .noNATTraversalPort("\(endpoints.local)") }
        do { try plane.addSession(record.dataPlaneSession, interface: record.interface, peer: endpoints.remote) } catch { throw .dataPlane(error) }
        record.plane = plane
    }

    /// Removes the SPIs that belong to the record; returns how many there were.
    private func remove(spis: [UInt32], from record: inout VirtualAccess) -> Int {
        guard let plane = record.plane else { return 0 }
        var removed = 0
        for spi in spis {
            if record.inboundSPIs.remove(spi) != nil {
                if let sa = plane.removeInbound(spi: spi) { record.retired.retire(inbound: sa.counters) }
                try? store?.removeChildSA(spi: spi, inbound: true)
                removed += 1
            } else if record.outboundSPI == spi {
                if let sa = try? plane.removeOutbound(for: record.dataPlaneSession) { record.retired.retire(outbound: sa.counters) }
                try? store?.removeChildSA(spi: spi, inbound: false)
                record.outboundSPI = nil
                removed += 1
            }
        }
        return removed
    }

    static func spiList(_ spis: some Sequence<UInt32>) -> String {
        spis.sorted().map { String($0, radix: 16) }.joined(separator: ",")
    }
}
