import Foundation
import HubIPC
import HubTestSupport
import HubVocabulary
import Logging
import ZeroMQ

/// One `ikehub-addrd` process for a test: its sandbox (runtime, state, config), the
/// process, and an IPC client on its endpoint. Killed by PID.
final class AddressDaemon: @unchecked Sendable {
    let sandbox: URL
    private(set) var child: ChildProcess?
    private let context: ZMQContext
    private(set) var client: IPCClient
    private var starts = 0

    /// The built executables sit beside the test bundle (SwiftPM's bin directory).
    static var binary: String {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("ikehub-addrd").path
    }

    init(configuration: String) throws {
        sandbox = try makeTemporaryDirectory("ikehub-addrd-test")
        try configuration.write(to: sandbox.appendingPathComponent("ikehub.cfg"), atomically: true, encoding: .utf8)
        context = try ZMQContext()
        client = try IPCClient(connectingTo: "ipc://\(sandbox.path)/run/addrd.sock", context: context,
                               logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        try start()
    }

    /// Starts (or restarts) the daemon and waits until it logs that it listens.
    func start() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binary) else {
            throw DaemonTestError("\(Self.binary) is not built: swift build --scratch-path <same> --product ikehub-addrd")
        }
        starts += 1
        let child = try ChildProcess(
            executable: Self.binary,
            arguments: ["--runtime-dir", sandbox.path + "/run", "--state-dir", sandbox.path + "/state",
                        "--config", sandbox.path + "/ikehub.cfg"],
            logURL: sandbox.appendingPathComponent("addrd-\(starts).log"))
        self.child = child
        guard child.waitForLog(timeout: 20, { $0.contains("address manager listening") }) else {
            throw DaemonTestError("ikehub-addrd did not start: \(child.log())")
        }
    }

    /// `kill -9` by PID, reaped.
    func killHard() {
        guard let child, child.isRunning else { return }
        kill(child.pid, SIGKILL)
        child.process.waitUntilExit()
    }

    func request(_ body: IPCv1Envelope.OneOf_Body, session: SessionID? = nil) async throws -> IPCv1Envelope.OneOf_Body? {
        try await client.request(body, session: session, idempotent: false,
                                 policy: RetryPolicy(deadline: .seconds(10), attemptTimeout: .seconds(2), maximumAttempts: 5)).body
    }

    deinit {
        client.close()
        child?.stop(grace: 2)
        try? FileManager.default.removeItem(at: sandbox)
    }
}

struct DaemonTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
