import HubNetworking
import HubVocabulary
#if canImport(Glibc)
import Glibc
#endif

extension ESPDataPlane {
    /// What the outbound thread polls: the wake-up pipe, then one entry per session's TUN.
    private struct PollSet {
        var descriptors: [pollfd] = []
        var sessions: [(id: SessionID, interface: TUNInterface)] = []
        var generation: UInt64 = .max
    }

    /// The outbound thread: TUN → seal in the send batch → `sendmmsg` (see the type's notes).
    func runOutbound(batch: DatagramBatch) {
        var pollSet = PollSet()
        var lastLifetimeCheck = clock.now()
        let interval = Int64(configuration.lifetimeCheckIntervalMilliseconds) * 1_000_000
        while running.load(ordering: .acquiring) {
            refresh(&pollSet)
            let ready = poll(&pollSet.descriptors, nfds_t(pollSet.descriptors.count), configuration.lifetimeCheckIntervalMilliseconds)
            if ready > 0 {
                if pollSet.descriptors[0].revents != 0 { outboundWakeup.drain() }
                var local = ESPDataPlaneCounters()
                for index in 1..<pollSet.descriptors.count where pollSet.descriptors[index].revents != 0 {
                    let (id, interface) = pollSet.sessions[index - 1]
                    drain(interface, of: id, into: batch, counters: &local)
                }
                flush(batch, counters: &local)
                planeCounters.withLock { $0.add(local) }
            }
            let now = clock.now()
            if now.nanosecondsSinceEpoch - lastLifetimeCheck.nanosecondsSinceEpoch >= interval {
                lastLifetimeCheck = now
                checkLifetimes()
            }
        }
    }

    private func refresh(_ pollSet: inout PollSet) {
        let (generation, sessions) = database.withLock { database in
            (database.generation, database.generation == pollSet.generation ? [] : database.sessions.map { ($0.key, $0.value.interface) })
        }
        guard generation != pollSet.generation else { return }
        pollSet.generation = generation
        pollSet.sessions = sessions.map { (id: $0.0, interface: $0.1) }
        pollSet.descriptors = [pollfd(fd: outboundWakeup.readDescriptor, events: Int16(POLLIN), revents: 0)]
            + pollSet.sessions.map { pollfd(fd: $0.interface.descriptor, events: Int16(POLLIN), revents: 0) }
    }

    /// Reads what `interface` has queued (up to a batch per pass), sealing each packet in
    /// its batch slot; sends full batches as it goes.
    private func drain(_ interface: TUNInterface, of id: SessionID, into batch: DatagramBatch, counters: inout ESPDataPlaneCounters) {
        let route = database.withLock { database in database.sessions[id].map { ($0.outbound, $0.peer) } }
        guard let (outbound, peer) = route else { return }
        for _ in 0..<batch.capacity {
            if batch.count == batch.capacity { flush(batch, counters: &counters) }
            let slot = batch.slot(batch.count)
            guard let sa = outbound else {
                // No SA (not yet installed, or deleted): consume the packet so the TUN queue
                // does not fill, and count it.
                guard (try? interface.readPacket(into: slot)) ?? nil != nil else { return }
                counters.packetsRead &+= 1
                counters.noOutboundSA &+= 1
                continue
            }
            // Read into everything after the header so an oversized packet shows as such
            // (the kernel cuts a packet that does not fit); seal only what leaves room for
            // padding and ICV.
            let offset = sa.payloadOffset
            let room = slot.count - sa.suite.maximumOverhead
            let readInto = UnsafeMutableRawBufferPointer(rebasing: slot[offset...])
            guard let length = (try? interface.readPacket(into: readInto)) ?? nil else { return }
            counters.packetsRead &+= 1
            guard length <= room, length < readInto.count else {
                counters.oversizedTUNPackets &+= 1
                continue
            }
            let nextHeader: UInt8
            switch length > 0 ? slot[offset] >> 4 : 0 {
            case 4: nextHeader = 4
            case 6: nextHeader = 41
            default:
                counters.unsupportedTUNPackets &+= 1
                continue
            }
            do {
                let sealed = try sa.seal(payloadLength: length, nextHeader: nextHeader, in: slot)
                if peer.port == 0, let rawESP {
                    // Plain ESP: one sendto on the raw socket; the slot is free again at once.
                    do {
                        try rawESP.send(UnsafeRawBufferPointer(rebasing: slot[0..<sealed.length]), to: peer.address)
                        counters.rawESPSent &+= 1
                        counters.packetsEncapsulated &+= 1
                    } catch {
                        counters.sendErrors &+= 1
                    }
                    if let event = sealed.lifetimeEvent { eventHandler(.lifetime(id, event)) }
                    continue
                }
                batch.setLength(sealed.length, at: batch.count)
                batch.setAddress(peer, at: batch.count)
                batch.count += 1
                if let event = sealed.lifetimeEvent { eventHandler(.lifetime(id, event)) }
            } catch {
                counters.outboundDrops &+= 1
            }
        }
    }

    private func flush(_ batch: DatagramBatch, counters: inout ESPDataPlaneCounters) {
        guard batch.count > 0 else { return }
        let outcome = socket.send(batch)
        counters.packetsEncapsulated &+= UInt64(outcome.sent)
        counters.sendErrors &+= UInt64(outcome.failed)
        batch.count = 0
    }
}
