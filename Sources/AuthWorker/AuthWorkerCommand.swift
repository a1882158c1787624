public import ArgumentParser
import FlexConfig
import Foundation
import HubDaemon
import HubIPC
import ZeroMQ

/// `ikehub-auth-worker`: hosts auth services and serves the broker.
public struct AuthWorkerCommand: AsyncParsableCommand, Sendable {
    public static let configuration = CommandConfiguration(
        commandName: "ikehub-auth-worker", abstract: "IKEHub auth worker: serves auth services for the broker.")

    @OptionGroup public var daemon: DaemonOptions

    @Option(name: .customLong("broker"), help: "Broker worker endpoint (default: ipc://<runtime-dir>/authd-workers.sock).")
    public var broker: String?

    @Option(name: .customLong("name"), help: "Worker name in `show auth workers` (default: worker-<pid>).")
    public var name: String?

    @Option(name: .customLong("capacity"), help: "Requests taken at once.")
    public var capacity: Int = 256

    @Option(name: .customLong("curve-secret-key-file"), help: "File holding this worker's Z85 CURVE secret key (tcp://).")
    public var curveSecretKeyFile: String?

    @Option(name: .customLong("broker-public-key"), help: "The broker's Z85 CURVE public key (tcp://). Write it as --broker-public-key=KEY: a Z85 key may begin with '-'.")
    public var brokerPublicKey: String?

    @Option(name: .customLong("psk-keyring"), help: "Keyring file (`<identity> <key>` lines, mode 0600): serve auth.psk.")
    public var pskKeyring: String?

    public init() {}

    public func run() async throws {
        let options = self
        let workerName = name ?? "worker-\(getpid())"
        try await Daemon.run(name: "ikehub-auth-worker", options: stateScoped(workerName)) { context in
            var configuration = WorkerConfiguration(brokerEndpoint: options.broker ?? context.endpoint("authd-workers"),
                                                    name: workerName)
            configuration.capacity = options.capacity
            if let file = options.curveSecretKeyFile {
                guard let serverKey = options.brokerPublicKey else {
                    throw ValidationError("--curve-secret-key-file needs --broker-public-key")
                }
                configuration.security = CurveClientSecurity(keys: try WorkerKeyFile.read(file), serverPublicKey: serverKey)
            }
            var services: [any WorkerService] = [
                EchoService(workerName: workerName),
                HealthService(process: workerName, epoch: context.epoch.value),
            ]
            if let path = options.pskKeyring {
                let keyring = try PreSharedKeyring(contentsOf: path)
                context.logger.info("auth.psk: \(keyring.count) peers in the keyring")
                services.append(PreSharedKeyService(keyring: keyring))
            } else if let path = options.daemon.configurationFile {
                let loaded = FlexConfig.load(path: path)
                guard !loaded.hasErrors else {
                    throw ValidationError("\(path): \(loaded.errors.count) error(s); first: \(loaded.errors[0])")
                }
                let (keyring, unmatchable) = PreSharedKeyring.fromConfiguration(loaded.configuration)
                for peer in unmatchable {
                    context.logger.warning("auth.psk: \(peer) is matched by address or hostname, which this build cannot see yet; it is not served")
                }
                if keyring.count > 0 {
                    context.logger.info("auth.psk: \(keyring.count) keyring entries from \(path)")
                    services.append(PreSharedKeyService(keyring: keyring))
                }
            } else {
                // The built-in configuration: its key is generated once in the state directory.
                switch PreSharedKeyFile.readOrCreate(inDirectory: options.daemon.stateDirectory) {
                case .success(let key):
                    let loaded = EmbeddedConfiguration.load(preSharedKey: key, stateDirectory: options.daemon.stateDirectory)
                    let (keyring, _) = PreSharedKeyring.fromConfiguration(loaded.configuration)
                    context.logger.info("auth.psk: built-in configuration, key in \(PreSharedKeyFile.path(inDirectory: options.daemon.stateDirectory))")
                    services.append(PreSharedKeyService(keyring: keyring))
                case .failure(let failure):
                    throw ValidationError("built-in configuration: \(failure)")
                }
            }
            let engine = try AuthWorkerEngine(configuration: configuration, services: services,
                                              context: context.zmq, logger: context.logger)
            return DaemonComponents(shutdown: { await engine.leave(reason: "graceful shutdown") })
        }
    }

    /// Several workers run on one host: each gets its own state subdirectory.
    private func stateScoped(_ workerName: String) -> DaemonOptions {
        var scoped = daemon
        scoped.stateDirectory += "/workers/\(workerName)"
        return scoped
    }
}

/// A CURVE key file: the Z85 secret key on its first line.
enum WorkerKeyFile {
    static func read(_ path: String) throws -> CurveKeyPair {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ValidationError("cannot read CURVE key file \(path)")
        }
        let secret = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        return try CurveKeyPair(publicKey: CurveKeyPair.publicKey(forSecretKey: secret), secretKey: secret)
    }
}
