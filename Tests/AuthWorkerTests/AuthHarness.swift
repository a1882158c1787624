import AuthBroker
import AuthPluginAPI
@testable import AuthWorker
import FlexConfig
import Foundation
import HubIPC
import HubVocabulary
import Logging
import ZeroMQ

/// The real broker and one real worker engine in this process, over `ipc://` sockets in a
/// private directory, with the services a configuration resolves to; requests go in
/// through an `IPCClient` as the frontend sends them.
final class AuthHarness: @unchecked Sendable {
    let directory: String
    let context: ZMQContext
    let broker: AuthBroker
    let engine: AuthWorkerEngine
    let client: IPCClient
    let plugins: ResolvedPlugins

    static let logger = Logger(label: "aaa-test") { _ in SwiftLogNoOpLogHandler() }

    struct ConfigurationRejected: Error, CustomStringConvertible {
        let description: String
    }

    init(configuration text: String, mskLifetime: Duration = .seconds(60)) async throws {
        let loaded = FlexConfig.load(text: text, file: "test.conf")
        guard !loaded.hasErrors else { throw ConfigurationRejected(description: loaded.errors.map { "\($0)" }.joined(separator: "\n")) }
        plugins = try ResolvedPlugins.resolve(loaded.configuration, text: text, file: "test.conf", logger: Self.logger, alwaysKeyring: true)
        let services = AuthWorkerCommand.services(for: plugins, configuration: loaded.configuration)
        directory = "/tmp/aaa-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        context = try ZMQContext()
        var brokerConfiguration = BrokerConfiguration(frontendEndpoints: ["ipc://\(directory)/front.sock"],
                                                      workerEndpoints: ["ipc://\(directory)/workers.sock"])
        brokerConfiguration.mskLifetime = mskLifetime
        broker = try AuthBroker(configuration: brokerConfiguration, context: context, logger: Self.logger)
        engine = try AuthWorkerEngine(configuration: WorkerConfiguration(brokerEndpoint: "ipc://\(directory)/workers.sock", name: "w1"),
                                      services: services, context: context, logger: Self.logger)
        client = try IPCClient(connectingTo: "ipc://\(directory)/front.sock", context: context, logger: Self.logger)
        let end = ContinuousClock.now + .seconds(10)
        while await !engine.isRegistered(), ContinuousClock.now < end { try await Task.sleep(for: .milliseconds(20)) }
        // The first request waits for the client's connection (health is idempotent: retried).
        _ = try await client.request(.healthRequest(.init()))
    }

    var offeredServices: [String] {
        get async { await broker.workers().first?.services ?? [] }
    }

    func request(_ body: IPCv1Envelope.OneOf_Body, service: String, session: SessionID) async throws -> IPCv1Envelope {
        try await client.request(body, service: service, session: session, idempotent: false,
                                 policy: RetryPolicy(deadline: .seconds(30), attemptTimeout: .seconds(30), maximumAttempts: 1))
    }

    func close() {
        client.close()
        engine.close()
        broker.close()
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// Makes the RADIUS plugin the way the worker does (through `AvailableAuthPlugins`).
enum RADIUSPluginFactory {
    static func make(_ configuration: FlexConfiguration, options: [String: String]) throws(PluginError) -> any AuthPlugin {
        let plugin = AvailableAuthPlugins.all.first { $0.name == "RADIUS" }!
        return try plugin.init(context: PluginContext(configuration: configuration, logger: AuthHarness.logger, options: options))
    }
}
