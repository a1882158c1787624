public import ArgumentParser
import FlexConfig
import HubDaemon
import HubIPC
import HubNetworking
import HubVocabulary

/// `ikehub-tunneld`: the tunnel manager daemon (userspace ESP backend).
public struct TunnelManagerCommand: AsyncParsableCommand, Sendable {
    public static let configuration = CommandConfiguration(
        commandName: "ikehub-tunneld",
        abstract: "IKEHub tunnel manager: virtual-access TUN interfaces and the userspace ESP data plane.")

    @OptionGroup public var daemon: DaemonOptions

    @Option(name: .customLong("natt-listen"),
            help: "NAT-T UDP address to own, ADDR:PORT or [ADDR6]:PORT (repeatable; replaces the configuration's listen addresses).")
    public var nattListen: [String] = []

    public init() {}

    public func validate() throws {
        for text in nattListen where Self.socketAddress(text) == nil {
            throw ValidationError("--natt-listen \(text): need ADDR:PORT or [ADDR6]:PORT")
        }
    }

    public func run() async throws {
        let options = self
        try await Daemon.run(name: "ikehub-tunneld", options: daemon) { context in
            let configuration = try options.loadConfiguration()
            if configuration.linux.dataPlane != .userspace {
                context.logger.warning("the configuration says 'dataplane \(configuration.linux.dataPlane.rawValue)'; this tunneld implements the userspace data plane only and uses it")
            }
            let listen = options.nattListen.isEmpty
                ? configuration.linux.effectiveListenAddresses.map { SocketAddress(address: $0.address, port: $0.natTraversalPort) }
                : options.nattListen.compactMap(Self.socketAddress)
            let eventLog = DataPlaneEventLog(logger: context.logger)
            let ports = try NATTraversalPorts(binding: listen, runtimeDirectory: context.runtimeDirectory.path,
                                              logger: context.logger, events: { eventLog.record($0) })
            // One descriptor per virtual-access: as many as the process may have.
            let openFiles = OpenFileLimit.raise()
            let manager = try TunnelManager(configuration: configuration, ports: ports, logger: context.logger,
                                            stateFile: context.stateDirectory.path + "/tunnels.db", openFileLimit: openFiles)
            // What a killed predecessor left: persistent TUNs and the SAs in the state file.
            manager.restore()
            try ports.start()
            let server = try IPCServer(binding: [context.endpoint("tunneld")], context: context.zmq, name: "tunneld",
                                       logger: context.logger) { request in manager.handle(request) }
            context.logger.info("tunnel manager listening", metadata: [
                "ipc.endpoint": "\(server.boundEndpoints.joined(separator: ","))",
                "natt.listen": "\(ports.localAddresses.map(\.description).joined(separator: ","))",
                "virtual-access.max": "\(openFiles > TunnelManager.reservedDescriptors ? openFiles - TunnelManager.reservedDescriptors : 0)",
            ])
            return DaemonComponents(
                reload: {
                    do {
                        manager.replaceConfiguration(try options.loadConfiguration())
                        context.logger.notice("configuration reloaded: new virtual-access interfaces use it")
                    } catch {
                        context.logger.error("configuration not reloaded: \(error)")
                    }
                },
                shutdown: {
                    server.close()
                    manager.close()
                })
        }
    }

    /// The `--config` file, or the built-in configuration without one.
    func loadConfiguration() throws -> FlexConfiguration {
        guard let path = daemon.configurationFile else { return EmbeddedConfiguration.modelWithoutKey(stateDirectory: daemon.stateDirectory) }
        let result = FlexConfig.load(path: path)
        if result.hasErrors {
            throw ValidationError(result.errors.map(\.description).joined(separator: "\n"))
        }
        return result.configuration
    }

    /// `192.0.2.1:4500` or `[2001:db8::1]:4500`.
    static func socketAddress(_ text: String) -> SocketAddress? {
        guard let colon = text.lastIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...]) else { return nil }
        var host = text[..<colon]
        if host.hasPrefix("["), host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        guard let address = IPAddress(host) else { return nil }
        return SocketAddress(address: address, port: port)
    }
}
