import ArgumentParser
import Dispatch
import Foundation
import FlexConfig
import HubLauncher
import HubVocabulary
import Logging

/// `ikehub launch`: the development/embedded launcher (DESIGN.md §1). Starts every
/// headend process from one set of options, restarts a crashed one with backoff,
/// stops them in reverse order on SIGTERM or SIGINT, and passes SIGHUP on to each.
struct LaunchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "launch", abstract: "Start and supervise all headend processes (ikehub-authd, workers, addrd, tunneld, acctd, ike).")

    @Option(name: .customLong("config"), help: "The configuration file every process reads.")
    var configurationFile: String?

    @Option(name: .customLong("bin-dir"), help: "Directory of the ikehub-* executables (default: beside ikehub).")
    var binDirectory: String?

    @Option(name: .customLong("runtime-dir"), help: "Directory for ipc:// sockets.")
    var runtimeDirectory: String = "/run/ikehub"

    @Option(name: .customLong("state-dir"), help: "Directory for durable state.")
    var stateDirectory: String = "/var/lib/ikehub"

    @Option(name: .customLong("auth-workers"), help: "Number of ikehub-auth-worker processes.")
    var authWorkers: Int = 2

    @Option(name: .customLong("log-dir"), help: "Write each process's output to <dir>/<name>.log instead of stderr.")
    var logDirectory: String?

    func run() async throws {
        let logger = Logger(label: "ikehub")
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let bin = binDirectory ?? URL(fileURLWithPath: executable).deletingLastPathComponent().path
        var daemonArguments = ["--runtime-dir", runtimeDirectory, "--state-dir", stateDirectory]
        if let configurationFile { daemonArguments += ["--config", configurationFile] }
        let configuration = LauncherConfiguration.headend(
            binDirectory: bin, daemonArguments: daemonArguments, authWorkers: authWorkers, logDirectory: logDirectory)
        if configurationFile == nil {
            // The auth workers read (or create) the key; saying where it is helps the
            // operator connect a first client. The key itself is never printed.
            if case .success = PreSharedKeyFile.readOrCreate(inDirectory: stateDirectory) {
                let keyPath = PreSharedKeyFile.path(inDirectory: stateDirectory)
                let placeholder = SecretBytes(Array("<the contents of \(keyPath)>".utf8))
                logger.info("""
                    no --config: running the built-in configuration; its pre-shared key is in \(keyPath).
                    A strongSwan client connects with this swanctl.conf (replace SERVER with this host's address):
                    \(EmbeddedConfiguration.strongSwanClientConfiguration(serverAddress: "SERVER", preSharedKey: placeholder))
                    """)
            }
        }
        let supervisor = Supervisor(configuration: configuration, logger: logger)
        // Before the children start: they inherit SIGHUP ignored until they trap it
        // themselves, so a reload during start-up neither ends the launcher nor a child.
        let reloads = ReloadForwarder(to: supervisor, logger: logger)
        try await supervisor.start()
        await Self.waitForStopSignal()
        await supervisor.stop()
        withExtendedLifetime(reloads) {}
    }

    /// Suspends until SIGTERM or SIGINT arrives.
    static func waitForStopSignal() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let once = StopSignalLatch(continuation)
            for number in [SIGTERM, SIGINT] {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { once.fire() }
                source.resume()
                once.keep(source)
            }
        }
    }
}

/// Resumes a continuation once, whichever stop signal comes first.
private final class StopSignalLatch: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<Void, Never>?
    private var sources: [any DispatchSourceSignal] = []

    init(_ continuation: CheckedContinuation<Void, Never>) { self.continuation = continuation }

    func keep(_ source: any DispatchSourceSignal) {
        lock.withLock { sources.append(source) }
    }

    func fire() {
        let pending = lock.withLock { () -> CheckedContinuation<Void, Never>? in
            defer { continuation = nil }
            return continuation
        }
        pending?.resume()
    }
}
