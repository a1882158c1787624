public import ArgumentParser
import Foundation
import HubDaemon
import HubIPC
import ZeroMQ

/// `ikehub-authd`: the auth broker daemon.
public struct AuthBrokerCommand: AsyncParsableCommand, Sendable {
    public static let configuration = CommandConfiguration(
        commandName: "ikehub-authd", abstract: "IKEHub auth broker: routes auth requests to workers.")

    @OptionGroup public var daemon: DaemonOptions

    @Option(name: .customLong("frontend"), help: "Requester endpoint (default: ipc://<runtime-dir>/authd.sock).")
    public var frontend: [String] = []

    @Option(name: .customLong("workers-listen"), help: "Worker endpoint(s); tcp:// ones need --curve-secret-key-file.")
    public var workerEndpoints: [String] = []

    @Option(name: .customLong("curve-secret-key-file"), help: "File holding the broker's Z85 CURVE secret key.")
    public var curveSecretKeyFile: String?

    @Option(name: .customLong("allow-worker-key"), help: "Z85 public key of a worker admitted over tcp:// (repeatable); write it as --allow-worker-key=KEY, since a Z85 key may begin with '-'.")
    public var allowedWorkerKeys: [String] = []

    @Option(name: .customLong("allow-worker-keys-file"), help: "File of admitted worker keys, one Z85 key per line; re-read on SIGHUP.")
    public var allowedWorkerKeysFile: String?

    public init() {}

    public func run() async throws {
        let options = self
        try await Daemon.run(name: "ikehub-authd", options: daemon) { context in
            var configuration = BrokerConfiguration(
                frontendEndpoints: options.frontend.isEmpty ? [context.endpoint("authd")] : options.frontend,
                workerEndpoints: options.workerEndpoints.isEmpty ? [context.endpoint("authd-workers")] : options.workerEndpoints)
            @Sendable func allowedKeys() throws -> Set<String> {
                var keys = Set(options.allowedWorkerKeys)
                if let path = options.allowedWorkerKeysFile { keys.formUnion(try AllowedKeysFile.read(path)) }
                return keys
            }
            if let file = options.curveSecretKeyFile {
                let keys = try CurveKeyFile.read(file)
                configuration.workerSecurity = .init(keys: keys, allowedWorkerKeys: try allowedKeys())
            } else if options.workerEndpoints.contains(where: { $0.hasPrefix("tcp://") }) {
                throw ValidationError("a tcp:// worker endpoint needs --curve-secret-key-file (CURVE is mandatory between hosts)")
            }
            if let path = options.daemon.configurationFile {
                (configuration.signing, configuration.certificateAuthentication) = try GatewaySigning.loadWithCertificateService(path: path)
                context.logger.info("trustpoint keys loaded", metadata: [
                    "pki.trustpoints": "\(configuration.signing?.credentials.credentials.map(\.trustpoint).joined(separator: ",") ?? "")"])
            }
            let broker = try AuthBroker(configuration: configuration, context: context.zmq, logger: context.logger)
            context.logger.info("auth broker listening", metadata: [
                "ipc.frontend": "\(broker.boundFrontendEndpoints.joined(separator: ","))",
                "ipc.workers": "\(broker.boundWorkerEndpoints.joined(separator: ","))",
            ])
            let logger = context.logger
            let curve = configuration.workerSecurity != nil
            return DaemonComponents(
                reload: {
                    guard curve else { return }
                    do {
                        let keys = try allowedKeys()
                        broker.replaceAllowedWorkerKeys(keys)
                        logger.notice("worker allow-list reloaded: \(keys.count) keys")
                    } catch {
                        logger.error("worker allow-list not reloaded, keeping the old one: \(error)")
                    }
                },
                shutdown: { broker.close() })
        }
    }
}

/// A CURVE key file: the Z85 secret key on its first line (the public key is
/// derived). Mode must keep others out: it is a long-term secret.
public enum CurveKeyFile {
    public static func read(_ path: String) throws -> CurveKeyPair {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ValidationError("cannot read CURVE key file \(path)")
        }
        let secret = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        let publicKey = try CurveKeyPair.publicKey(forSecretKey: secret)
        return try CurveKeyPair(publicKey: publicKey, secretKey: secret)
    }
}

/// The allow-list file: one Z85 worker public key per line, `#` comments.
enum AllowedKeysFile {
    static func read(_ path: String) throws -> Set<String> {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ValidationError("cannot read the worker allow-list \(path)")
        }
        var keys = Set<String>()
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let key = line.trimmingCharacters(in: .whitespaces)
            if key.isEmpty || key.hasPrefix("#") { continue }
            guard CurveKeyPair.decode(z85: key) != nil else {
                throw ValidationError("\(path):\(number + 1):1: not a 40-character Z85 CURVE public key")
            }
            keys.insert(key)
        }
        return keys
    }
}
