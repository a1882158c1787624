import FlexConfig
import Foundation
import LocalKeyringPlugin
public import Logging

/// Where a worker's auth services come from, read at start and again on every SIGHUP:
/// a keyring file (`--psk-keyring`), a configuration file (`--config`), or the built-in
/// configuration whose key lives in the state directory.
public enum AuthServiceSource: Sendable, CustomStringConvertible {
    /// `--psk-keyring FILE`: `auth.psk` from `<identity> <key>` lines.
    case keyringFile(String)
    /// `--config FILE`: the plugins its profiles, keyrings and method lists need.
    case configurationFile(String)
    /// No file: the built-in configuration, keyed by the state directory's key file.
    case builtIn(stateDirectory: String)

    public var description: String {
        switch self {
        case .keyringFile(let path): path
        case .configurationFile(let path): path
        case .builtIn(let directory): "the built-in configuration (key in \(PreSharedKeyFile.path(inDirectory: directory)))"
        }
    }

    /// Why the services could not be made; the text names the file and line where there
    /// is one, never a secret.
    public struct LoadFailure: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// The auth services the source describes now (without `echo` and `health`, which
    /// every worker offers). `pluginOptions` are `--plugin-option` values by plugin.
    public func loadServices(pluginOptions: [String: [String: String]],
                             logger: Logger) throws(LoadFailure) -> [any WorkerService] {
        switch self {
        case .keyringFile(let path):
            do {
                let keyring = try PreSharedKeyring(contentsOf: path)
                logger.info("auth.psk: \(keyring.count) peers in the keyring \(path)")
                return [PreSharedKeyService(keyring: keyring)]
            } catch {
                throw LoadFailure(description: "\(error)")
            }
        case .configurationFile(let path):
            let loaded = FlexConfig.load(path: path)
            guard !loaded.hasErrors else {
                let more = loaded.errors.count > 1 ? " (and \(loaded.errors.count - 1) more error(s))" : ""
                throw LoadFailure(description: "\(loaded.errors[0])\(more)")
            }
            let text = try? String(contentsOfFile: path, encoding: .utf8)
            return try Self.services(loaded.configuration, text: text, file: path, pluginOptions: pluginOptions, logger: logger)
        case .builtIn(let directory):
            switch PreSharedKeyFile.readOrCreate(inDirectory: directory) {
            case .success(let key):
                let loaded = EmbeddedConfiguration.load(preSharedKey: key, stateDirectory: directory)
                return try Self.services(loaded.configuration,
                                         text: EmbeddedConfiguration.text(preSharedKey: key, stateDirectory: directory),
                                         file: "<built-in configuration>", pluginOptions: pluginOptions, logger: logger)
            case .failure(let failure):
                throw LoadFailure(description: "built-in configuration: \(failure)")
            }
        }
    }

    /// The plugins a configuration resolves to and the services they serve. It is
    /// served like a file: the same plugins, so `authz` runs its policy too.
    private static func services(_ configuration: FlexConfiguration, text: String?, file: String,
                                 pluginOptions: [String: [String: String]],
                                 logger: Logger) throws(LoadFailure) -> [any WorkerService] {
        do {
            let plugins = try ResolvedPlugins.resolve(configuration, text: text, file: file, options: pluginOptions,
                                                      logger: logger, alwaysKeyring: true)
            return AuthWorkerCommand.services(for: plugins, configuration: configuration)
        } catch {
            throw LoadFailure(description: "\(error)")
        }
    }
}
