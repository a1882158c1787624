import HubNetworking
import HubVocabulary
#if canImport(Glibc)
import Glibc
#endif

extension ESPDataPlane {
    /// The inbound thread: UDP batch → classify → open → TUN (see the type's threading notes).
    func runInbound(batch: DatagramBatch) {
        var descriptors = [
            pollfd(fd: socket.descriptor, events: Int16(POLLIN), revents: 0),
            pollfd(fd: inboundWakeup.readDescriptor, events: Int16(POLLIN), revents: 0),
        ]
        if let rawESP { descriptors.append(pollfd(fd: rawESP.descriptor, events: Int16(POLLIN), revents: 0)) }
        while running.load(ordering: .acquiring) {
            let ready = poll(&descriptors, nfds_t(descriptors.count), -1)
            guard ready > 0 else { continue }
            if descriptors[1].revents != 0 { inboundWakeup.drain() }
            var local = ESPDataPlaneCounters()
            if descriptors.count > 2, descriptors[2].revents != 0, let rawESP {
                receiveRawESP(rawESP, scratch: batch.slot(0), counters: &local)
            }
            // Drain what is queued, a batch at a time, before polling again.
            while descriptors[0].revents != 0, running.load(ordering: .relaxed) {
                let received: Int
                do { received = try socket.receive(into: batch, timeoutMilliseconds: 0) } catch { break }
                guard received > 0 else { break }
                local.datagramsReceived &+= UInt64(received)
                for index in 0..<received { handleDatagram(at: index, in: batch, counters: &local) }
                if received < batch.capacity { break }
            }
            planeCounters.withLock { $0.add(local) }
        }
    }

    /// Plain ESP from the raw socket, up to a batch of packets per wake-up, each read into
    /// `scratch` and opened there.
    private func receiveRawESP(_ rawESP: RawESPSocket, scratch: UnsafeMutableRawBufferPointer,
                               counters: inout ESPDataPlaneCounters) {
        for _ in 0..<configuration.batchSize {
            let received: (esp: Range<Int>, source: IPAddress)?
            do { received = try rawESP.receive(into: scratch) } catch { return }
            guard let (range, _) = received else { return }
            counters.rawESPReceived &+= 1
            guard !range.isEmpty else {
                counters.malformedDatagrams &+= 1
                continue
            }
            let packet = UnsafeMutableRawBufferPointer(rebasing: scratch[range])
            let route: SADatabase.InboundRoute
            let opened: ESPOpenedPacket
            do throws(ESPError) {
                (route, opened) = try decapsulate(packet)
            } catch {
                if error.reason == .unknownSPI { counters.unknownSPI &+= 1 } else { counters.inboundDrops &+= 1 }
                continue
            }
            do {
                try route.interface.writePacket(UnsafeRawBufferPointer(rebasing: packet[opened.innerPacket]))
                counters.packetsDecapsulated &+= 1
            } catch {
                counters.tunWriteErrors &+= 1
            }
            if let event = opened.lifetimeEvent { eventHandler(.lifetime(route.session, event)) }
        }
    }

    private func handleDatagram(at index: Int, in batch: DatagramBatch, counters: inout ESPDataPlaneCounters) {
        let datagram = batch.datagram(index)
        if batch.wasTruncated(at: index) {
            counters.malformedDatagrams &+= 1
            return
        }
        switch UDPEncapsulation.classify(UnsafeRawBufferPointer(datagram)) {
        case .natKeepalive:
            counters.natKeepalives &+= 1
        case .malformed:
            counters.malformedDatagrams &+= 1
        case .ike:
            guard let source = batch.address(at: index) else {
                counters.malformedDatagrams &+= 1
                return
            }
            counters.ikeMessages &+= 1
            nonESPHandler(NonESPDatagram(message: Array(datagram[UDPEncapsulation.nonESPMarkerLength...]), source: source))
        case .esp:
            let route: SADatabase.InboundRoute
            let opened: ESPOpenedPacket
            do throws(ESPError) {
                (route, opened) = try decapsulate(datagram)
            } catch {
                if error.reason == .unknownSPI { counters.unknownSPI &+= 1 } else { counters.inboundDrops &+= 1 }
                return
            }
            do {
                try route.interface.writePacket(UnsafeRawBufferPointer(rebasing: datagram[opened.innerPacket]))
                counters.packetsDecapsulated &+= 1
            } catch {
                counters.tunWriteErrors &+= 1
            }
            if let event = opened.lifetimeEvent { eventHandler(.lifetime(route.session, event)) }
            noteSource(of: index, in: batch, session: route.session)
        }
    }

    /// Finds the inbound SA for the ESP packet in `datagram` by its SPI and opens the packet
    /// in place (RFC 4303 §3.4.2: no SA for the SPI ⇒ drop).
    func decapsulate(_ datagram: UnsafeMutableRawBufferPointer) throws(ESPError) -> (SADatabase.InboundRoute, ESPOpenedPacket) {
        guard datagram.count >= 8, let base = datagram.baseAddress else { throw .truncated(length: datagram.count, needed: 8) }
        let spi = UnsafeRawPointer(base).loadBigEndianUInt32(at: 0)
        guard let route = database.withLock({ $0.inbound[spi] }) else { throw .unknownSPI(spi) }
        return (route, try route.sa.open(datagram))
    }

    /// Reports, once per new address, authenticated ESP from somewhere other than the peer.
    private func noteSource(of index: Int, in batch: DatagramBatch, session: SessionID) {
        let report = database.withLock { database -> (SocketAddress, SocketAddress)? in
            guard let entry = database.sessions[session], !batch.address(at: index, equals: entry.peer) else { return nil }
            guard let observed = batch.address(at: index), observed != entry.reportedSource else { return nil }
            database.sessions[session]?.reportedSource = observed
            return (entry.peer, observed)
        }
        if let (current, observed) = report {
            eventHandler(.peerAddressChanged(session, current: current, observed: observed))
        }
    }
}
