public import HubIPC
public import Logging
public import ZeroMQ

/// What a daemon's library gets from the scaffolding when it builds its services.
public struct DaemonContext: Sendable {
    /// The process name (`ikehub-authd`).
    public let name: String
    public let options: DaemonOptions
    public let logger: Logger
    public let epoch: ProcessEpoch
    /// Where `ipc://` sockets go.
    public let runtimeDirectory: RuntimeDirectory
    /// This process's own durable state, locked against a second copy.
    public let stateDirectory: StateDirectory
    /// The process's single ZeroMQ context.
    public let zmq: ZMQContext
    /// This process's events socket (epoch already announced).
    public let events: EventPublisher

    /// The `ipc://` endpoint named `socket` in the runtime directory.
    public func endpoint(_ socket: String) -> String { runtimeDirectory.endpoint(socket) }
}

/// What a daemon's library hands back: its long-running parts and its hooks.
public struct DaemonComponents: Sendable {
    /// What SIGHUP does.
    public var reload: ConfigurationReload
    /// Called on SIGTERM, before exit: stop taking new work, finish what is in
    /// flight, persist state (STYLE.md §14). Never deletes SAs.
    public var shutdown: @Sendable () async -> Void

    /// A process that applies a new configuration on SIGHUP: `reload` re-reads it and
    /// applies it without dropping sessions (DESIGN.md §6).
    public init(reload: @escaping @Sendable () async -> Void,
                shutdown: @escaping @Sendable () async -> Void = {}) {
        self.reload = .apply(reload)
        self.shutdown = shutdown
    }

    /// A process that does not reload: SIGHUP logs `ConfigurationReload.unsupported`'s
    /// notice and changes nothing.
    public init(reload: ConfigurationReload = .unsupported(notice: nil),
                shutdown: @escaping @Sendable () async -> Void = {}) {
        self.reload = reload
        self.shutdown = shutdown
    }
}

/// How a process answers SIGHUP.
public enum ConfigurationReload: Sendable {
    /// Re-reads the configuration and applies it; logs its own outcome (what changed,
    /// or the error and that the running configuration stays).
    case apply(@Sendable () async -> Void)
    /// The process keeps its configuration until it restarts. `notice` tells the
    /// operator when changes take effect; nil: a generic sentence naming the process.
    case unsupported(notice: String?)
}
