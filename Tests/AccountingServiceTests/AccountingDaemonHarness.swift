import Foundation
import HubIPC
import HubTestSupport
import HubVocabulary
import Logging
import ZeroMQ

/// One `ikehub-acctd` process for a test: its sandbox (runtime, state, config), the
/// process, and an IPC client on its endpoint. Killed by PID.
final class AccountingDaemon: @unchecked Sendable {
    let sandbox: URL
    private(set) var child: ChildProcess?
    private let context: ZMQContext
    let client: IPCClient
    private var starts = 0

    /// The built executables sit beside the test bundle (SwiftPM's bin directory).
    static var binary: String {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("ikehub-acctd").path
    }

    /// A FlexVPN configuration whose accounting list sends to one RADIUS server on
    /// 127.0.0.1 (1 s time-out, 1 retransmission, so a dead server is noticed quickly).
    static func configuration(accountingPort: UInt16, secret: String) -> String {
        """
        hostname hub1
        aaa new-model
        aaa group server radius ACCT-SERVERS
         server name RAD1
        aaa accounting network ACCT-LIST start-stop group ACCT-SERVERS
        radius server RAD1
         address ipv4 127.0.0.1 auth-port \(accountingPort - 1) acct-port \(accountingPort)
         key \(secret)
         timeout 1
         retransmit 1

        """
    }

    init(configuration: String) throws {
        sandbox = try makeTemporaryDirectory("ikehub-acctd-test")
        context = try ZMQContext()
        client = try IPCClient(connectingTo: "ipc://\(sandbox.path)/run/acctd.sock", context: context,
                               logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        try start(configuration: configuration)
    }

    /// Writes the configuration and starts (or restarts) the daemon; waits until it listens.
    func start(configuration: String) throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binary) else {
            throw DaemonTestError("\(Self.binary) is not built: swift build --scratch-path <same> --product ikehub-acctd")
        }
        try configuration.write(to: sandbox.appendingPathComponent("ikehub.cfg"), atomically: true, encoding: .utf8)
        starts += 1
        let child = try ChildProcess(
            executable: Self.binary,
            arguments: ["--runtime-dir", sandbox.path + "/run", "--state-dir", sandbox.path + "/state",
                        "--config", sandbox.path + "/ikehub.cfg", "--log-level", "debug"],
            logURL: sandbox.appendingPathComponent("acctd-\(starts).log"))
        self.child = child
        guard child.waitForLog(timeout: 20, { $0.contains("accounting service listening") }) else {
            throw DaemonTestError("ikehub-acctd did not start: \(child.log())")
        }
    }

    /// `kill -9` by PID, reaped.
    func killHard() {
        guard let child, child.isRunning else { return }
        kill(child.pid, SIGKILL)
        child.process.waitUntilExit()
    }

    /// Sends a request with a fresh idempotency key (as a frontend retrying after its own
    /// restart would: the server's reply cache cannot help, the spool must).
    func request(_ body: IPCv1Envelope.OneOf_Body) async throws -> IPCv1Envelope.OneOf_Body? {
        try await client.request(body, idempotent: false,
                                 policy: RetryPolicy(deadline: .seconds(10), attemptTimeout: .seconds(2), maximumAttempts: 5)).body
    }

    deinit {
        client.close()
        child?.stop(grace: 12)
        try? FileManager.default.removeItem(at: sandbox)
    }
}

struct DaemonTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Polls `condition` off the cooperative pool's threads (a sleeping task yields its thread).
func eventually(timeout: Duration = .seconds(30), _ condition: () -> Bool) async -> Bool {
    let end = ContinuousClock.now + timeout
    while ContinuousClock.now < end {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(200))
    }
    return condition()
}
