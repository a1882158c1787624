/// One supervised process.
public struct ProcessSpec: Sendable, Equatable {
    /// Unique name in logs (`ikehub-auth-worker-2`).
    public var name: String
    /// Absolute path of the executable.
    public var executable: String
    /// Arguments (without the program name).
    public var arguments: [String]
    /// Where its stdout and stderr go; nil: inherited from the launcher (the
    /// journal under systemd).
    public var logFile: String?

    public init(name: String, executable: String, arguments: [String], logFile: String? = nil) {
        self.name = name
        self.executable = executable
        self.arguments = arguments
        self.logFile = logFile
    }
}

/// What the launcher runs and how it treats crashes.
public struct LauncherConfiguration: Sendable {
    /// Started in this order (dependencies first), stopped in the reverse order.
    public var processes: [ProcessSpec]
    /// Pause before the first restart of a crashed process; doubled per crash.
    public var initialBackoff: Duration = .milliseconds(250)
    /// Longest pause between restarts.
    public var maximumBackoff: Duration = .seconds(30)
    /// A process that ran this long is healthy again: its backoff starts over.
    public var stableAfter: Duration = .seconds(30)
    /// How long a process may take to stop after SIGTERM before it gets SIGKILL.
    public var stopGrace: Duration = .seconds(10)

    public init(processes: [ProcessSpec]) {
        self.processes = processes
    }

    /// The headend's processes in dependency order (DESIGN.md §1): the auth
    /// broker before its workers, the managers before the IKE frontend that uses
    /// them. Each gets the same `daemonArguments` (runtime and state directories,
    /// the configuration file).
    public static func headend(binDirectory: String, daemonArguments: [String], authWorkers: Int,
                               logDirectory: String? = nil) -> LauncherConfiguration {
        func spec(_ executable: String, _ name: String? = nil, _ extra: [String] = []) -> ProcessSpec {
            let label = name ?? executable
            return ProcessSpec(name: label, executable: binDirectory + "/" + executable, arguments: daemonArguments + extra,
                               logFile: logDirectory.map { "\($0)/\(label).log" })
        }
        var processes = [spec("ikehub-authd")]
        for index in 1...max(1, authWorkers) {
            processes.append(spec("ikehub-auth-worker", "ikehub-auth-worker-\(index)", ["--name", "worker-\(index)"]))
        }
        processes += [spec("ikehub-addrd"), spec("ikehub-tunneld"), spec("ikehub-acctd"), spec("ikehub-ike")]
        return LauncherConfiguration(processes: processes)
    }
}
