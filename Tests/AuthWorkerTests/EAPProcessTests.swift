import Foundation
import HubIPC
import HubTestSupport
import HubVocabulary
import Logging
import Testing
import ZeroMQ

/// The executables: `ikehub-authd` and `ikehub-auth-worker --config FILE` as real
/// processes, EAP-MD5 against FreeRADIUS through them.
@Suite(.serialized, .enabled(if: FreeRADIUSServer.isInstalled, "FreeRADIUS is not installed (apt-get install freeradius)"))
struct EAPProcessTests {
    static var binDirectory: String {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: executable).deletingLastPathComponent().path
    }

    @Test func testWorkerProcess_fromConfiguration_relaysEAPMD5() async throws {
        let radius = try FreeRADIUSServer(users: EAPRelayTests.users, signReplies: true, eap: true)
        let sandbox = try makeTemporaryDirectory("aaa-eap-process")
        defer { try? FileManager.default.removeItem(at: sandbox) }
        let run = sandbox.appendingPathComponent("run").path
        try FileManager.default.createDirectory(atPath: run, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let config = sandbox.appendingPathComponent("hub.cfg")
        try EAPRelayTests.configuration(port: radius.authenticationPort, secret: radius.secret).write(to: config, atomically: true, encoding: .utf8)
        let daemon = ["--runtime-dir", run, "--state-dir", sandbox.appendingPathComponent("state").path]
        let broker = try ChildProcess(executable: Self.binDirectory + "/ikehub-authd", arguments: daemon,
                                      logURL: sandbox.appendingPathComponent("authd.log"))
        let worker = try ChildProcess(executable: Self.binDirectory + "/ikehub-auth-worker",
                                      arguments: daemon + ["--config", config.path, "--name", "eap-worker"],
                                      logURL: sandbox.appendingPathComponent("worker.log"))
        defer { worker.stop(); broker.stop() }
        try #require(worker.waitForLog(timeout: 20) { $0.contains("registered with the broker") },
                     "worker:\n\(worker.log())\nbroker:\n\(broker.log())")
        #expect(worker.log().contains("auth services from \(config.path): auth.eap, authz, echo, health"))

        let context = try ZMQContext()
        let client = try IPCClient(connectingTo: "ipc://\(run)/authd.sock", context: context,
                                   logger: Logger(label: "aaa-test") { _ in SwiftLogNoOpLogHandler() })
        defer { client.close() }
        // The first request waits for the connection to the broker (retried; health is idempotent).
        _ = try await client.request(.healthRequest(.init()))
        let session = SessionID(high: 9, low: 9)
        let policy = RetryPolicy(deadline: .seconds(20), attemptTimeout: .seconds(20), maximumAttempts: 1)
        let first: IPCv1Envelope
        do {
            first = try await client.request(EAPRelayTests.round(0, []), service: "auth.eap", session: session, idempotent: false, policy: policy)
        } catch {
            Issue.record("round 0: \(error)\nworker:\n\(worker.log())\nbroker:\n\(broker.log())\nradius:\n\(radius.log().suffix(2000))")
            return
        }
        let challenge = try EAPRelayTests.reply(first)
        #expect(challenge.verdict == .continue, "\(challenge.reason)")
        let done = try EAPRelayTests.reply(await client.request(
            EAPRelayTests.round(1, EAPPeer.md5Response(to: [UInt8](challenge.eapMessage), password: "alice-secret")),
            service: "auth.eap", session: session, idempotent: false, policy: policy))
        #expect(done.verdict == .accept, "\(done.reason)")
        #expect(done.authenticatedName == "alice")
        #expect(!worker.log().contains("alice-secret") && !broker.log().contains(radius.secret), "a secret was logged")
    }
}
