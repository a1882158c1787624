import FlexConfig
import Foundation
import HubDaemon
import HubIPC
import HubNetworking
import HubVocabulary
import IKEExchanges
import Logging

/// `ikehub-ike`: the IKE frontend process (DESIGN §1). It binds UDP 500 on every listen
/// address, takes IKE on 4500 from the tunnel manager's data plane through the handoff
/// socket, and drives the IKE engine; it holds IKE SA keys only — every PSK check goes to
/// the auth broker.
public enum FrontendDaemon {
    public static func main() async {
        do {
            let arguments = Array(CommandLine.arguments.dropFirst())
            if arguments.contains("--help") || arguments.contains("-h") {
                print(DaemonOptions.helpMessage(columns: 100))
                return
            }
            let options = try DaemonOptions.parse(arguments)
            try await Daemon.run(name: "ikehub-ike", options: options) { context in
                try start(context: context)
            }
        } catch {
            FileHandle.standardError.write(Data("ikehub-ike: \(error)\n".utf8))
            exit(1)
        }
    }

    /// What SIGHUP logs: this process does not reload. A restart applies a new
    /// configuration and keeps the sessions (DESIGN.md §4: they resume from the checkpoints).
    static let reloadNotice = "SIGHUP: ikehub-ike does not reload its configuration; profile, proposal and limit changes "
        + "take effect when it restarts (sessions survive a restart: ike-checkpoints.db)"

    static func start(context: DaemonContext) throws -> DaemonComponents {
        let loaded: FlexConfig.LoadResult
        let path: String
        if let file = context.options.configurationFile {
            path = file
            loaded = FlexConfig.load(path: file)
        } else {
            // The built-in configuration: its PSK lives with the auth workers (state
            // directory); the frontend never holds it, so a placeholder stands in here.
            path = "<built-in configuration>"
            loaded = EmbeddedConfiguration.load(preSharedKey: SecretBytes(Array("placeholder-key-held-by-the-auth-workers".utf8)),
                                                stateDirectory: context.options.stateDirectory)
            context.logger.info("no --config: running the built-in configuration")
        }
        for diagnostic in loaded.diagnostics where diagnostic.severity == .error {
            context.logger.error("\(diagnostic)")
        }
        guard !loaded.hasErrors else {
            throw FrontendConfigurationError(description: "\(loaded.errors.count) error(s) in \(path)")
        }
        let configuration = try FrontendConfiguration(loaded.configuration)

        var sockets: [UDPSocket] = []
        for endpoint in configuration.ikeEndpoints {
            sockets.append(try UDPSocket(binding: SocketAddress(address: endpoint.address, port: endpoint.ikePort)))
        }
        let handoff = try IKEHandoffSocket(
            bindingPath: context.runtimeDirectory.path + "/" + IKEHandoffSocket.frontendSocketName,
            peerPath: context.runtimeDirectory.path + "/" + IKEHandoffSocket.tunnelManagerSocketName)
        let peers = ProcessPeers(
            authd: try IPCClient(connectingTo: context.endpoint("authd"), context: context.zmq, name: "to-authd", logger: context.logger),
            addrd: try IPCClient(connectingTo: context.endpoint("addrd"), context: context.zmq, name: "to-addrd", logger: context.logger),
            tunneld: try IPCClient(connectingTo: context.endpoint("tunneld"), context: context.zmq, name: "to-tunneld", logger: context.logger),
            acctd: try IPCClient(connectingTo: context.endpoint("acctd"), context: context.zmq, name: "to-acctd", logger: context.logger),
            logger: context.logger, aaaDeadline: configuration.aaaDeadline, routeSets: RouteSets(loaded.configuration))
        let transmitter = DatagramTransmitter(sockets: sockets, handoff: handoff, logger: context.logger)
        let store = try CheckpointStore(path: context.stateDirectory.path + "/ike-checkpoints.db")
        let engine = FrontendEngine(configuration: configuration, peers: peers, transmitter: transmitter, checkpoints: store,
                                    logger: context.logger)
        let control = ControlService(engine: engine, peers: peers)
        let server = try IPCServer(binding: [context.endpoint("ike")], context: context.zmq, name: "ike-control",
                                   logger: context.logger) { request in await control.handle(request) }
        let receivers = DatagramReceivers(sockets: sockets, handoff: handoff, engine: engine, logger: context.logger)
        // Sessions of the previous run first, so their next datagram finds its IKE SA.
        let logger = context.logger
        Task {
            let resumed = await engine.resumeCheckpointedSessions()
            if resumed > 0 { logger.notice("resumed \(resumed) session(s) from \(store.path)") }
            receivers.start()
        }
        for socket in sockets { context.logger.info("IKE listening on udp \(socket.localAddress)") }
        for name in configuration.profileNames {
            let profile = configuration.profile(name)
            context.logger.info("IKE profile \(name): virtual-template \(profile?.virtualTemplate.map(String.init) ?? "none"), pool \(profile?.poolName ?? "none")")
        }
        context.logger.info("\(configuration.responder.ikeProposals.count) IKE proposal(s)")
        // The engine's profiles, proposals and limits are fixed for its lifetime; a
        // restart applies a new configuration without dropping sessions (checkpoints).
        return DaemonComponents(reload: .unsupported(notice: Self.reloadNotice), shutdown: {
            receivers.stop()
            server.close()
            _ = peers
        })
    }
}

/// One thread per UDP socket and one for the handoff socket: each blocks in `receive`
/// and hands what arrives to the engine actor.
final class DatagramReceivers: @unchecked Sendable {
    private let sockets: [UDPSocket]
    private let handoff: IKEHandoffSocket
    private let engine: FrontendEngine
    private let logger: Logger
    private let stopped = LockedFlag()

    init(sockets: [UDPSocket], handoff: IKEHandoffSocket, engine: FrontendEngine, logger: Logger) {
        self.sockets = sockets
        self.handoff = handoff
        self.engine = engine
        self.logger = logger
    }

    func start() {
        for socket in sockets {
            let thread = Thread { [self] in
                while !stopped.value {
                    do {
                        guard let (bytes, from) = try socket.receive(timeoutMilliseconds: 500) else { continue }
                        let datagram = InboundDatagram(
                            bytes: bytes, remote: Endpoint(address: from.address, port: from.port),
                            local: Endpoint(address: socket.localAddress.address, port: socket.localAddress.port))
                        let engine = self.engine
                        Task { await engine.receive(datagram) }
                    } catch {
                        logger.warning("receive on \(socket.localAddress): \(error)")
                    }
                }
            }
            thread.name = "ike-udp-\(socket.localAddress.port)"
            thread.start()
        }
        let thread = Thread { [self] in
            while !stopped.value {
                do {
                    guard let message = try handoff.receive(timeoutMilliseconds: 500) else { continue }
                    let datagram = InboundDatagram(
                        bytes: message.ikeMessage, remote: Endpoint(address: message.remote.address, port: message.remote.port),
                        local: Endpoint(address: message.local.address, port: message.local.port))
                    let engine = self.engine
                    Task { await engine.receive(datagram) }
                } catch {
                    logger.warning("receive on the NAT-T handoff socket: \(error)")
                }
            }
        }
        thread.name = "ike-natt-handoff"
        thread.start()
    }

    func stop() { stopped.set() }
}

/// A flag set once, read from the receive threads.
final class LockedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var isSet = false
    var value: Bool { lock.lock(); defer { lock.unlock() }; return isSet }
    func set() { lock.lock(); isSet = true; lock.unlock() }
}
