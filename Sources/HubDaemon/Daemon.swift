import Foundation
import HubIPC
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import UnixSignals
import ZeroMQ

/// The scaffolding every `ikehub-*` process runs on (STYLE.md §14): journald
/// logging, Prometheus metrics, runtime and state directories, the epoch
/// announcement, and a ServiceGroup that stops gracefully on SIGTERM and answers
/// SIGHUP (`ConfigurationReload`).
public enum Daemon {
    /// Runs process `name` until SIGTERM/SIGINT. `build` creates the process's
    /// IPC endpoints and services from the context. `instance` tells apart processes of
    /// one kind that run side by side in one runtime directory (auth workers): their
    /// events sockets are `NAME-INSTANCE.events`.
    public static func run(
        name: String, instance: String? = nil, options: DaemonOptions,
        build: @Sendable (DaemonContext) async throws -> DaemonComponents
    ) async throws {
        // SIGHUP is trapped first, before the process says it started: until then its
        // default action would end the process (a reload sent as it starts is kept).
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        let level = options.level
        LoggingSystem.bootstrap { label in JournalLogHandler(label: label, level: level) }
        let logger = Logger(label: name)
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))

        let epoch = ProcessEpoch(process: name)
        let runtime = try RuntimeDirectory(path: options.runtimeDirectory)
        let state = try StateDirectory(path: options.stateDirectory + "/" + name)
        let zmq = try ZMQContext()
        let eventsName = instance.map { "\(name)-\($0)" } ?? name
        let events = try EventPublisher(binding: [runtime.endpoint("\(eventsName).events")], context: zmq,
                                        greeting: epoch.announcement, logger: logger)
        let context = DaemonContext(name: name, options: options, logger: logger, epoch: epoch,
                                    runtimeDirectory: runtime, stateDirectory: state, zmq: zmq, events: events)
        let components = try await build(context)

        var metrics: MetricsEndpoint?
        if let address = options.metricsAddress {
            metrics = try MetricsEndpoint(host: address.host, port: address.port, registry: registry)
        }
        logger.info("\(name) started", metadata: [
            "process.epoch": "\(epoch)", "process.pid": "\(getpid())",
            "ipc.schema": "v\(IPCSchema.major).\(IPCSchema.minor)",
            "metrics.port": "\(metrics.map { String($0.port) } ?? "off")",
        ])

        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: ComponentsService(components: components, logger: logger)),
            .init(service: ReloadService(process: name, reload: components.reload, signals: hangups, logger: logger)),
        ]
        if let parent = ProcessInfo.processInfo.environment[ParentWatchService.environmentKey].flatMap(Int32.init) {
            services.append(.init(service: ParentWatchService(parent: parent, logger: logger),
                                  successTerminationBehavior: .gracefullyShutdownGroup))
        }
        let group = ServiceGroup(configuration: .init(
            services: services,
            gracefulShutdownSignals: [.sigterm, .sigint],
            cancellationSignals: [],
            logger: logger))
        try await group.run()
        metrics?.close()
        events.close()
        logger.info("\(name) stopped", metadata: ["process.epoch": "\(epoch)"])
    }
}

/// Waits for graceful shutdown, then runs the process's shutdown hook.
struct ComponentsService: Service, CustomStringConvertible {
    var description: String { "process components" }
    let components: DaemonComponents
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        logger.info("graceful shutdown: finishing work in flight")
        await components.shutdown()
    }
}

/// Answers every SIGHUP until shutdown: runs the reload hook, or says that this
/// process does not reload (so an operator's `systemctl reload` is never a silent no-op).
struct ReloadService: Service, CustomStringConvertible {
    var description: String { "SIGHUP reload" }
    let process: String
    let reload: ConfigurationReload
    /// Trapped when the process started, so a SIGHUP during start-up waits here.
    let signals: UnixSignalsSequence
    let logger: Logger

    func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await _ in signals.cancelOnGracefulShutdown() {
                    switch reload {
                    case .apply(let apply):
                        logger.notice("SIGHUP: reloading configuration")
                        await apply()
                    case .unsupported(let notice):
                        logger.notice("\(notice ?? "SIGHUP: \(process) does not reload its configuration; changes take effect when it restarts")")
                    }
                }
            }
            await group.waitForAll()
        }
    }
}

/// Stops the process gracefully when the process that started it is gone, if
/// that process asked for it by setting `IKEHUB_PARENT_PID` to its own PID (the
/// launcher and the test harness do; systemd units do not). Without it a
/// killed launcher or test run would leave orphan daemons behind.
struct ParentWatchService: Service, CustomStringConvertible {
    static let environmentKey = "IKEHUB_PARENT_PID"
    let parent: Int32
    let logger: Logger
    var description: String { "parent watch (pid \(parent))" }

    func run() async throws {
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            if getppid() != parent {
                logger.warning("parent process \(parent) is gone: stopping")
                return
            }
            try? await Task.sleep(for: .milliseconds(500))
        }
    }
}
