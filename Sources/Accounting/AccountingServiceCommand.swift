public import ArgumentParser
import Foundation
import HubDaemon
import HubIPC
import HubVocabulary
import Logging
import RADIUS

/// `ikehub-acctd`: the accounting daemon. Records are spooled in
/// `<state-dir>/ikehub-acctd/accounting.db` and sent to the servers of the `aaa
/// accounting network` list in `--config`; requests arrive on `ipc://<runtime-dir>/acctd.sock`.
public struct AccountingServiceCommand: AsyncParsableCommand, Sendable {
    public static let configuration = CommandConfiguration(
        commandName: "ikehub-acctd", abstract: "IKEHub accounting: durable spool, RADIUS Accounting-Request delivery.")

    @OptionGroup public var daemon: DaemonOptions

    @Option(name: .customLong("listen"), help: "Request endpoint (default: ipc://<runtime-dir>/acctd.sock).")
    public var listen: [String] = []

    @Option(name: .customLong("radius-dictionary"), help: "radcli dictionary file.")
    public var dictionaryPath: String = "/etc/radcli/dictionary"

    @Option(name: .customLong("nas-identifier"), help: "NAS-Identifier (default: the configuration's hostname, else ikehub).")
    public var nasIdentifier: String?

    public init() {}

    /// The RADIUS client for the configured accounting list, or nil (records stay spooled).
    func radiusClient(logger: Logger) throws -> RadcliClient? {
        guard let file = daemon.configurationFile else {
            logger.warning("no --config: accounting records are spooled but not sent")
            return nil
        }
        guard let destination = try AccountingDestination.of(file: file, dictionaryPath: dictionaryPath, nasIdentifier: nasIdentifier) else {
            logger.warning("no aaa accounting network list with a RADIUS server: records are spooled but not sent")
            return nil
        }
        logger.info("accounting destination", metadata: [
            "aaa.list": "\(destination.methodList)",
            "radius.servers": "\(destination.client.servers.map { "\($0.host):\($0.accountingPort)" }.joined(separator: ","))",
        ])
        return try RadcliClient(configuration: destination.client)
    }

    public func run() async throws {
        let options = self
        try await Daemon.run(name: "ikehub-acctd", options: daemon) { context in
            let logger = context.logger
            let client = try options.radiusClient(logger: logger)
            let spool = try AccountingSpool(path: context.stateDirectory.path + "/accounting.db")
            let clock = SystemWallClock()
            let nas = options.nasIdentifier ?? "ikehub"
            let delivery = AccountingDelivery(sender: AccountingSender(spool: spool, clock: clock, nasIdentifier: nas),
                                              client: client, logger: logger)
            let service = AccountingService(spool: spool, delivery: delivery, clock: clock, logger: logger, epoch: context.epoch.value)
            // RFC 2866 §5.1: Accounting-On when the NAS starts accounting.
            _ = service.spooled(AccountingRecord(kind: .accountingOn, session: nil, eventTime: clock.now()))
            let server = try IPCServer(binding: options.listen.isEmpty ? [context.endpoint("acctd")] : options.listen,
                                       context: context.zmq, name: "acctd", logger: logger) { request in
                service.handle(request)
            }
            logger.info("accounting service listening", metadata: [
                "ipc.endpoints": "\(server.boundEndpoints.joined(separator: ","))",
                "spool.pending": "\((try? spool.pendingCount()) ?? -1)",
            ])
            return DaemonComponents(
                reload: {
                    do {
                        delivery.replaceClient(try options.radiusClient(logger: logger))
                    } catch {
                        logger.error("configuration not reloaded; keeping the previous servers: \(error)")
                    }
                },
                shutdown: {
                    server.close()
                    // RFC 2866 §5.1: Accounting-Off when the NAS stops; one last attempt to send.
                    _ = service.spooled(AccountingRecord(kind: .accountingOff, session: nil, eventTime: clock.now()))
                    await delivery.finish(within: 10)
                })
        }
    }
}
