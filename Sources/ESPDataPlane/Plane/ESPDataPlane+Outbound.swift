import HubNetworking
import HubVocabulary
#if canImport(Glibc)
import Glibc
#endif

extension ESPDataPlane {
    /// What the outbound thread waits on: the wake-up pipe (token 0) and one TUN per
    /// session (tokens from 1), in an epoll set kept in step with the database's changes.
    private struct OutboundWatch {
        let epoll: EpollSet
        var sessions: [UInt64: (id: SessionID, interface: TUNInterface)] = [:]
        var tokens: [SessionID: UInt64] = [:]
        var nextToken: UInt64 = 1

        mutating func add(_ id: SessionID, _ interface: TUNInterface) {
            let token = nextToken
            nextToken &+= 1
            // A descriptor the kernel refuses (it cannot: TUNs support poll) would only
            // leave that session's outbound traffic unread; nothing else depends on it.
            guard (try? epoll.add(interface.descriptor, token: token)) != nil else { return }
            sessions[token] = (id, interface)
            tokens[id] = token
        }

        mutating func remove(_ id: SessionID, _ interface: TUNInterface) {
            guard let token = tokens[id], sessions[token]?.interface === interface else { return }
            epoll.remove(interface.descriptor)
            sessions[token] = nil
            tokens[id] = nil
        }
    }

    /// The outbound thread: TUN → seal in the send batch → `sendmmsg` (see the type's notes).
    func runOutbound(batch: DatagramBatch, epoll: EpollSet) {
        var watch = OutboundWatch(epoll: epoll)
        try? epoll.add(outboundWakeup.readDescriptor, token: 0)
        // Every session of the database, and from here on only the changes. (In a scope
        // of its own: the snapshot must not keep removed interfaces alive.)
        do {
            let current = database.withLock { database in
                database.interfaceChanges.removeAll()
                return database.sessions.map { ($0.key, $0.value.interface) }
            }
            for (id, interface) in current { watch.add(id, interface) }
        }
        var lastLifetimeCheck = clock.now()
        let interval = Int64(configuration.lifetimeCheckIntervalMilliseconds) * 1_000_000
        var readyTokens: [UInt64] = []
        while running.load(ordering: .acquiring) {
            applyInterfaceChanges(to: &watch)
            readyTokens.removeAll(keepingCapacity: true)
            epoll.wait(timeoutMilliseconds: configuration.lifetimeCheckIntervalMilliseconds) { readyTokens.append($0) }
            if !readyTokens.isEmpty {
                var local = ESPDataPlaneCounters()
                for token in readyTokens {
                    if token == 0 {
                        outboundWakeup.drain()
                    } else if let (id, interface) = watch.sessions[token] {
                        drain(interface, of: id, into: batch, counters: &local)
                    }
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

    private func applyInterfaceChanges(to watch: inout OutboundWatch) {
        let changes = database.withLock { database in
            defer { database.interfaceChanges.removeAll(keepingCapacity: true) }
            return database.interfaceChanges
        }
        for change in changes {
            switch change {
            case .added(let id, let interface): watch.add(id, interface)
            case .removed(let id, let interface): watch.remove(id, interface)
            }
        }
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
