public import ArgumentParser
import FlexConfig
import HubDaemon
import HubIPC
import HubVocabulary

/// `ikehub-addrd`: the address manager daemon. Pools come from `--config` (none without it), leases live in
/// `<state-dir>/ikehub-addrd/leases.db`, requests arrive on `ipc://<runtime-dir>/addrd.sock`.
public struct AddressServiceCommand: AsyncParsableCommand, Sendable {
    public static let configuration = CommandConfiguration(
        commandName: "ikehub-addrd", abstract: "IKEHub address manager: durable leases from the configured pools.")

    @OptionGroup public var daemon: DaemonOptions

    @Option(name: .customLong("listen"), help: "Request endpoint (default: ipc://<runtime-dir>/addrd.sock).")
    public var listen: [String] = []

    public init() {}

    public func run() async throws {
        let options = self
        try await Daemon.run(name: "ikehub-addrd", options: daemon) { context in
            // Without a configuration the built-in one's pool is served.
            let pools: [AddressPool]
            if let file = options.daemon.configurationFile {
                pools = try AddressPool.pools(inFile: file)
            } else {
                pools = try AddressPool.pools(of: EmbeddedConfiguration.modelWithoutKey(stateDirectory: options.daemon.stateDirectory))
                context.logger.info("no --config: serving the built-in configuration's pool")
            }
            let store = try LeaseStore(path: context.stateDirectory.path + "/leases.db")
            let allocator = try AddressAllocator(pools: pools, store: store, clock: SystemWallClock())
            if allocator.undecodableLeaseCount > 0 {
                context.logger.error("lease rows that do not decode were skipped", metadata: [
                    "leases.undecodable": "\(allocator.undecodableLeaseCount)"])
            }
            let service = AddressService(allocator: allocator, logger: context.logger, epoch: context.epoch.value)
            let server = try IPCServer(binding: options.listen.isEmpty ? [context.endpoint("addrd")] : options.listen,
                                       context: context.zmq, name: "addrd", logger: context.logger) { request in
                service.handle(request)
            }
            context.logger.info("address manager listening", metadata: [
                "ipc.endpoints": "\(server.boundEndpoints.joined(separator: ","))",
                "pools": "\(pools.map(\.name).joined(separator: ","))",
            ])
            return DaemonComponents(
                reload: {
                    guard let file = options.daemon.configurationFile else { return }
                    do {
                        let pools = try AddressPool.pools(inFile: file)
                        try service.replacePools(pools, store: store, clock: SystemWallClock())
                        context.logger.notice("address pools reloaded", metadata: ["pools": "\(pools.map(\.name).joined(separator: ","))"])
                    } catch {
                        context.logger.error("configuration not reloaded; keeping the previous pools: \(error)")
                    }
                },
                shutdown: { server.close() })
        }
    }
}
