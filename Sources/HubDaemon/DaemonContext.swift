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
    /// Called on SIGHUP: re-read the configuration and apply it without dropping
    /// sessions (DESIGN.md §6).
    public var reload: @Sendable () async -> Void
    /// Called on SIGTERM, before exit: stop taking new work, finish what is in
    /// flight, persist state (STYLE.md §14). Never deletes SAs.
    public var shutdown: @Sendable () async -> Void

    public init(reload: @escaping @Sendable () async -> Void = {},
                shutdown: @escaping @Sendable () async -> Void = {}) {
        self.reload = reload
        self.shutdown = shutdown
    }
}
