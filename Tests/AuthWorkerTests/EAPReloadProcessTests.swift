import Foundation
import HubIPC
import HubTestSupport
import HubVocabulary
import Logging
import Testing
import ZeroMQ

/// SIGHUP on a real `ikehub-auth-worker` in the middle of an EAP conversation: the
/// reload points the worker at another RADIUS server, yet the conversation that began
/// before it ends on the server that holds its State; conversations that begin after it
/// go to the new server.
@Suite(.serialized, .enabled(if: FreeRADIUSServer.isInstalled, "FreeRADIUS is not installed (apt-get install freeradius)"))
struct EAPReloadProcessTests {
    /// The same user with a different password on each server, so a round that reaches
    /// the wrong server fails.
    static func users(password: String) -> String {
        "alice\tCleartext-Password := \"\(password)\"\n\n"
    }

    @Test func testConversationStartedBeforeSIGHUPFinishesOnItsServer_andNewOnesUseTheNewServer() async throws {
        let before = try FreeRADIUSServer(users: Self.users(password: "before-reload"), signReplies: true, eap: true)
        let after = try FreeRADIUSServer(users: Self.users(password: "after-reload"), signReplies: true, eap: true)
        let sandbox = try makeTemporaryDirectory("aaa-eap-reload")
        defer { try? FileManager.default.removeItem(at: sandbox) }
        let run = sandbox.appendingPathComponent("run").path
        try FileManager.default.createDirectory(atPath: run, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let config = sandbox.appendingPathComponent("hub.cfg")
        try EAPRelayTests.configuration(port: before.authenticationPort, secret: before.secret).write(to: config, atomically: true, encoding: .utf8)
        let daemon = ["--runtime-dir", run, "--state-dir", sandbox.appendingPathComponent("state").path]
        let broker = try ChildProcess(executable: EAPProcessTests.binDirectory + "/ikehub-authd", arguments: daemon,
                                      logURL: sandbox.appendingPathComponent("authd.log"))
        let worker = try ChildProcess(executable: EAPProcessTests.binDirectory + "/ikehub-auth-worker",
                                      arguments: daemon + ["--config", config.path, "--name", "eap-reload"],
                                      logURL: sandbox.appendingPathComponent("worker.log"))
        defer { worker.stop(); broker.stop() }
        try #require(worker.waitForLog(timeout: 20) { $0.contains("registered with the broker") },
                     "worker:\n\(worker.log())\nbroker:\n\(broker.log())")
        let context = try ZMQContext()
        let client = try IPCClient(connectingTo: "ipc://\(run)/authd.sock", context: context,
                                   logger: Logger(label: "aaa-test") { _ in SwiftLogNoOpLogHandler() })
        defer { client.close() }
        _ = try await client.request(.healthRequest(.init()))
        let policy = RetryPolicy(deadline: .seconds(20), attemptTimeout: .seconds(20), maximumAttempts: 1)
        func round(_ number: UInt32, _ message: [UInt8], session: SessionID) async throws -> IPCv1AuthenticateReply {
            try EAPRelayTests.reply(await client.request(EAPRelayTests.round(number, message), service: "auth.eap", session: session,
                                                         idempotent: false, policy: policy))
        }

        // Round 0 of the first conversation reaches the first server.
        let early = SessionID(high: 0xe1, low: 1)
        let earlyChallenge = try await round(0, [], session: early)
        #expect(earlyChallenge.verdict == .continue, "\(earlyChallenge.reason)")

        // The reload moves the method list to the second server.
        try EAPRelayTests.configuration(port: after.authenticationPort, secret: after.secret).write(to: config, atomically: true, encoding: .utf8)
        kill(worker.pid, SIGHUP)
        #expect(worker.waitForLog(timeout: 10) { $0.contains("configuration reloaded from \(config.path)") }, "\(worker.log())")
        #expect(!worker.log().contains("registering again"))

        // The first conversation ends where its State lives.
        let earlyDone = try await round(1, EAPPeer.md5Response(to: [UInt8](earlyChallenge.eapMessage), password: "before-reload"),
                                        session: early)
        #expect(earlyDone.verdict == .accept, "the conversation begun before the reload was cut off: \(earlyDone.reason)")
        #expect(before.log().components(separatedBy: "Received Access-Request").count - 1 == 2)

        // A conversation begun after the reload runs on the second server only.
        let late = SessionID(high: 0xe1, low: 2)
        let lateChallenge = try await round(0, [], session: late)
        #expect(lateChallenge.verdict == .continue, "\(lateChallenge.reason)")
        let lateDone = try await round(1, EAPPeer.md5Response(to: [UInt8](lateChallenge.eapMessage), password: "after-reload"),
                                       session: late)
        #expect(lateDone.verdict == .accept, "\(lateDone.reason)")
        #expect(before.log().components(separatedBy: "Received Access-Request").count - 1 == 2, "a new conversation reached the old server")
        #expect(after.log().components(separatedBy: "Received Access-Request").count - 1 == 2)
    }
}
