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

    @Option(name: .customLong("allow-worker-key"), help: "Z85 public key of a worker admitted over tcp:// (repeatable).")
    public var allowedWorkerKeys: [String] = []

    public init() {}

    public func run() async throws {
        let options = self
        try await Daemon.run(name: "ikehub-authd", options: daemon) { context in
            var configuration = BrokerConfiguration(
                frontendEndpoints: options.frontend.isEmpty ? [context.endpoint("authd")] : options.frontend,
                workerEndpoints: options.workerEndpoints.isEmpty ? [context.endpoint("authd-workers")] : options.workerEndpoints)
            if let file = options.curveSecretKeyFile {
                let keys = try CurveKeyFile.read(file)
                configuration.workerSecurity = .init(keys: keys, allowedWorkerKeys: Set(options.allowedWorkerKeys))
            } else if options.workerEndpoints.contains(where: { $0.hasPrefix("tcp://") }) {
                throw ValidationError("a tcp:// worker endpoint needs --curve-secret-key-file (CURVE is mandatory between hosts)")
            }
            let broker = try AuthBroker(configuration: configuration, context: context.zmq, logger: context.logger)
            context.logger.info("auth broker listening", metadata: [
                "ipc.frontend": "\(broker.boundFrontendEndpoints.joined(separator: ","))",
                "ipc.workers": "\(broker.boundWorkerEndpoints.joined(separator: ","))",
            ])
            return DaemonComponents(shutdown: { broker.close() })
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
