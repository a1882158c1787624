public import ArgumentParser
import AuthPluginAPI
import FlexConfig
import LocalKeyringPlugin
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

    @Option(name: .customLong("plugin-option"), help: "NAME.KEY=VALUE: an option of plugin NAME (Plugins/NAME/OPTIONS.md); repeatable.")
    public var pluginOptions: [String] = []

    public init() {}

    /// The services a resolved configuration needs: `auth.psk` when it has keyrings or
    /// `keyring aaa`, `auth.eap` for EAP profiles, `authz` when any profile authorizes.
    static func services(for plugins: ResolvedPlugins, configuration: FlexConfiguration) -> [any WorkerService] {
        var services: [any WorkerService] = []
        let hasKeyrings = !configuration.ikev2.keyrings.isEmpty || plugins.usedFeatures.contains(.preSharedKeys)
        if hasKeyrings { services.append(PreSharedKeyService(plugins: plugins)) }
        if plugins.usedFeatures.contains(.eapPassThrough) { services.append(EAPService(plugins: plugins)) }
        if configuration.ikev2.profiles.contains(where: { !$0.authorizations.isEmpty }) {
            services.append(AuthorizationService(plugins: plugins))
        }
        return services
    }

    /// `NAME.KEY=VALUE` lines by plugin name.
    static func pluginOptions(_ lines: [String]) throws -> [String: [String: String]] {
        var options: [String: [String: String]] = [:]
        for line in lines {
            guard let dot = line.firstIndex(of: "."), let equals = line.firstIndex(of: "="), dot < equals else {
                throw ValidationError("--plugin-option \(line): expected NAME.KEY=VALUE")
            }
            let name = String(line[..<dot])
            guard AvailableAuthPlugins.all.contains(where: { $0.name == name }) else {
                throw ValidationError("--plugin-option \(line): no plugin \(name) (have \(AvailableAuthPlugins.all.map { $0.name }.joined(separator: ", ")))")
            }
            options[name, default: [:]][String(line[line.index(after: dot)..<equals])] = String(line[line.index(after: equals)...])
        }
        return options
    }

    public func run() async throws {
        let options = self
        let workerName = name ?? "worker-\(getpid())"
        try await Daemon.run(name: "ikehub-auth-worker", instance: workerName, options: stateScoped(workerName)) { context in
            var configuration = WorkerConfiguration(brokerEndpoint: options.broker ?? context.endpoint("authd-workers"),
                                                    name: workerName)
            configuration.capacity = options.capacity
            if let file = options.curveSecretKeyFile {
                guard let serverKey = options.brokerPublicKey else {
                    throw ValidationError("--curve-secret-key-file needs --broker-public-key")
                }
                configuration.security = CurveClientSecurity(keys: try WorkerKeyFile.read(file), serverPublicKey: serverKey)
            }
            let base: [any WorkerService] = [
                EchoService(workerName: workerName),
                HealthService(process: workerName, epoch: context.epoch.value),
            ]
            let source = options.serviceSource
            let pluginOptions = try Self.pluginOptions(options.pluginOptions)
            let logger = context.logger
            let services: [any WorkerService]
            do {
                services = base + (try source.loadServices(pluginOptions: pluginOptions, logger: logger))
            } catch {
                throw ValidationError("\(error)")
            }
            logger.info("auth services from \(source): \(Self.names(services))")
            let engine = try AuthWorkerEngine(configuration: configuration, services: services,
                                              context: context.zmq, logger: logger)
            return DaemonComponents(
                reload: {
                    // Everything is built before anything is swapped: a broken file
                    // leaves the running services untouched.
                    do {
                        let reloaded = base + (try source.loadServices(pluginOptions: pluginOptions, logger: logger))
                        let changed = await engine.replaceServices(reloaded)
                        logger.notice("configuration reloaded from \(source): \(Self.names(reloaded))\(changed ? " (offer changed)" : "")")
                    } catch {
                        logger.error("configuration not reloaded, the running one stays: \(error)")
                    }
                },
                shutdown: { await engine.leave(reason: "graceful shutdown") })
        }
    }

    /// Where the services come from: `--psk-keyring`, else `--config`, else the built-in
    /// configuration (its key is generated once in the state directory).
    var serviceSource: AuthServiceSource {
        if let path = pskKeyring { return .keyringFile(path) }
        if let path = daemon.configurationFile { return .configurationFile(path) }
        return .builtIn(stateDirectory: daemon.stateDirectory)
    }

    static func names(_ services: [any WorkerService]) -> String {
        services.map(\.offer.name).sorted().joined(separator: ", ")
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
