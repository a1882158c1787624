public import ArgumentParser
public import Logging

/// The options every `ikehub-*` daemon takes (systemd units and the launcher
/// pass them; DESIGN.md §6 puts the same settings in the configuration file).
public struct DaemonOptions: ParsableArguments, Sendable {
    @Option(name: .customLong("runtime-dir"), help: "Directory for ipc:// sockets (mode 0700).")
    public var runtimeDirectory: String = "/run/ikehub"

    @Option(name: .customLong("state-dir"), help: "Directory for durable state; a subdirectory per process.")
    public var stateDirectory: String = "/var/lib/ikehub"

    @Option(name: .customLong("config"), help: "The FlexVPN-style configuration file.")
    public var configurationFile: String?

    @Option(name: .customLong("metrics-listen"), help: "Prometheus endpoint, IPv4 host:port (port 0: any free port).")
    public var metricsListen: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error, critical.")
    public var logLevel: String = "info"

    public init() {}

    /// The level named by `--log-level` (info if unknown).
    public var level: Logger.Level { Logger.Level(rawValue: logLevel) ?? .info }

    /// `--metrics-listen` split into host and port, or nil if absent or invalid.
    public var metricsAddress: (host: String, port: UInt16)? {
        guard let metricsListen, let colon = metricsListen.lastIndex(of: ":"),
              let port = UInt16(metricsListen[metricsListen.index(after: colon)...]) else { return nil }
        return (String(metricsListen[..<colon]), port)
    }
}
