import Foundation
import HubIPC
import HubNetworking
import HubVocabulary
import Netlink

extension TunnelManager {
    /// CreateVirtualAccessRequest: clone the template into `va<n>` (lowest free n), bring it
    /// up with the template's MTU, give it the unnumbered loopback addresses, route the
    /// client's addresses and announced prefixes to it. A repeat for the same session answers
    /// with the interface it already has.
    func createVirtualAccess(_ request: IPCv1CreateVirtualAccessRequest, session: Data) throws(TunnelManagerError) -> IPCv1CreateVirtualAccessReply {
        let clients = try Self.addresses(request.clientAddresses, field: "client_addresses")
        let prefixes = try Self.prefixes(request.routes)
        return try state.withLock { (state) throws(TunnelManagerError) -> IPCv1CreateVirtualAccessReply in
            guard !state.closed else { throw .shuttingDown }
            if let existing = state.table.number(forSession: session), let record = state.table[existing] {
                return Self.reply(for: record)
            }
            let lines = request.interfaceConfig.map(\.value)
            let (settings, ignored) = try TemplateSettings.resolve(template: request.virtualTemplate, in: state.configuration,
                                                                   interfaceConfig: lines)
            if !ignored.isEmpty {
                logger.notice("interface-config lines not applied to a TUN virtual-access: \(ignored.joined(separator: "; "))")
            }
            let count = state.table.byNumber.count
            guard UInt64(count) + Self.reservedDescriptors < openFileLimit else {
                throw .openFileLimit(limit: openFileLimit, virtualAccess: count)
            }
            guard let number = state.table.lowestFreeNumber() else { throw .virtualAccessNumbersExhausted }
            let record = try buildInterface(number: number, session: session, settings: settings, clients: clients, prefixes: prefixes)
            state.table[number] = record
            do { try store?.saveVirtualAccess(number, session: session, request: request) } catch {
                logger.error("Virtual-Access\(number) not checkpointed: \(error); a restart would lose it")
            }
            logger.info("Virtual-Access\(number) up", metadata: [
                "va": "\(number)", "interface": "\(record.interface.name)", "ifindex": "\(record.interfaceIndex)",
                "session.id": "\(Self.sessionLabel(session))", "template": "Virtual-Template\(request.virtualTemplate)",
                "mtu": "\(settings.mtu)", "routes": "\(record.routes.count)",
            ])
            return Self.reply(for: record)
        }
    }

    /// The TUN, its link settings, addresses and routes. On a failure the interface is dropped,
    /// which takes its addresses and routes with it.
    func buildInterface(number: UInt32, session: Data, settings: TemplateSettings,
                        clients: [IPAddress], prefixes: [InstalledRoute]) throws(TunnelManagerError) -> VirtualAccess {
        let interface: TUNInterface
        do { interface = try TUNInterface(name: VirtualAccess.interfaceName(number), persistent: store != nil) } catch { throw .interface(error) }
        let routing = RouteNetlink(socket: netlink)
        do throws(NetlinkError) {
            let index = try routing.interfaceIndex(named: interface.name)
            // An IPv4-only virtual-access gets no IPv6 at all: otherwise the kernel gives
            // each TUN a link-local address and walks every IPv6 route on each interface
            // change, O(sessions) per session (ikehub-bench setup profile: 20 % of tunneld).
            let usesIPv6 = settings.unnumberedIPv6 != nil || clients.contains { $0.bytes.count == 16 }
                || prefixes.contains { $0.destination.bytes.count == 16 }
            if !usesIPv6 { Self.disableIPv6(on: interface.name) }
            try routing.setLink(index: index, up: true, mtu: settings.mtu, group: VirtualAccess.interfaceGroup)
            if let address = settings.unnumberedIPv4 {
                try routing.addAddress(.v4(address), prefixLength: 32, interfaceIndex: index)
            }
            if let address = settings.unnumberedIPv6 {
                try routing.addAddress(.v6(address), prefixLength: 128, interfaceIndex: index)
            }
            var routes: [InstalledRoute] = []
            for client in clients {
                let host = InstalledRoute(destination: client, prefixLength: client.bytes.count == 4 ? 32 : 128)
                try Self.addRoute(host, interfaceIndex: index, source: settings.source(for: client), using: routing)
                routes.append(host)
            }
            for prefix in prefixes where !routes.contains(prefix) {
                try Self.addRoute(prefix, interfaceIndex: index, source: settings.source(for: prefix.destination), using: routing)
                routes.append(prefix)
            }
            let sessionID = SessionID(bytes: session) ?? SessionID(high: 0, low: UInt64(number))
            return VirtualAccess(number: number, interface: interface, interfaceIndex: index, sessionKey: session,
                                 dataPlaneSession: sessionID, routes: routes)
        } catch {
            try? interface.setPersistent(false)
            throw .netlink(error)
        }
    }

    /// `net.ipv6.conf.<name>.disable_ipv6 = 1` (a kernel without IPv6 has no such file: fine).
    static func disableIPv6(on name: String) {
        let path = "/proc/sys/net/ipv6/conf/\(name)/disable_ipv6"
        guard let handle = FileHandle(forWritingAtPath: path) else { return }
        handle.write(Data("1\n".utf8))
        try? handle.close()
    }

    /// DeleteVirtualAccessRequest: its SAs leave the data plane, its routes the table, and the
    /// TUN goes away with its last reference.
    func deleteVirtualAccess(_ number: UInt32) -> Bool {
        guard let record = state.withLock({ state -> VirtualAccess? in
            guard let record = state.table[number] else { return nil }
            state.table[number] = nil
            return record
        }) else { return false }
        record.plane?.removeSession(record.dataPlaneSession)
        // Persistent (restartable) interfaces go only when told to.
        try? record.interface.setPersistent(false)
        do { try store?.removeVirtualAccess(number) } catch {
            logger.error("Virtual-Access\(number) not removed from \(store?.path ?? ""): \(error)")
        }
        let routing = RouteNetlink(socket: netlink)
        state.withLock { _ in
            for route in record.routes {
                // The kernel also drops them with the interface; an error here is only noise.
                try? routing.deleteRoute(to: route.destination, prefixLength: route.prefixLength, interfaceIndex: record.interfaceIndex)
            }
        }
        logger.info("Virtual-Access\(number) down", metadata: [
            "va": "\(number)", "interface": "\(record.interface.name)",
            "session.id": "\(Self.sessionLabel(record.sessionKey))", "reason": "deleted",
        ])
        return true
    }

    /// A route out of the interface. An IPv6 address just added stays tentative until the
    /// kernel's DAD work runs (at once on a NOARP TUN, but asynchronously), and the kernel refuses
    /// a tentative preferred source with EINVAL; so that one case is retried for up to 0.5 s.
    private static func addRoute(_ route: InstalledRoute, interfaceIndex: Int32, source: IPAddress?,
                                 using routing: RouteNetlink) throws(NetlinkError) {
        var attempts = 0
        while true {
            do {
                try routing.addRoute(to: route.destination, prefixLength: route.prefixLength, interfaceIndex: interfaceIndex, source: source)
                return
            } catch {
                guard case .kernel(_, let errorNumber) = error, errorNumber == EINVAL, case .v6? = source, attempts < 50 else { throw error }
                attempts += 1
                usleep(10_000)
            }
        }
    }

    static func reply(for record: VirtualAccess) -> IPCv1CreateVirtualAccessReply {
        .with {
            $0.virtualAccess = record.number
            $0.ifindex = UInt32(bitPattern: record.interfaceIndex)
            $0.interfaceName = record.interface.name
        }
    }

    static func addresses(_ addresses: [IPCv1IPAddress], field: String) throws(TunnelManagerError) -> [IPAddress] {
        var result: [IPAddress] = []
        for (index, address) in addresses.enumerated() {
            guard let parsed = IPAddress(bytes: address.octets) else {
                throw .invalidRequest(field: "\(field)[\(index)]", reason: "\(address.octets.count) octets, need 4 or 16")
            }
            result.append(parsed)
        }
        return result
    }

    static func prefixes(_ prefixes: [IPCv1IPPrefix]) throws(TunnelManagerError) -> [InstalledRoute] {
        var result: [InstalledRoute] = []
        for (index, prefix) in prefixes.enumerated() {
            guard let address = IPAddress(bytes: prefix.address.octets) else {
                throw .invalidRequest(field: "routes[\(index)].address", reason: "\(prefix.address.octets.count) octets, need 4 or 16")
            }
            guard let length = UInt8(exactly: prefix.prefixLength), Int(length) <= address.bytes.count * 8 else {
                throw .invalidRequest(field: "routes[\(index)].prefix_length", reason: "\(prefix.prefixLength) is longer than the address")
            }
            result.append(InstalledRoute(destination: address, prefixLength: length))
        }
        return result
    }
}

extension TemplateSettings {
    /// The unnumbered address of `destination`'s family: the source of routes to the client.
    func source(for destination: IPAddress) -> IPAddress? {
        switch destination {
        case .v4: unnumberedIPv4.map { .v4($0) }
        case .v6: unnumberedIPv6.map { .v6($0) }
        }
    }
}
