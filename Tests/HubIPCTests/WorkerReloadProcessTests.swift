import Foundation
import HubIPC
import Testing
import ZeroMQ

/// SIGHUP on a real `ikehub-auth-worker --config FILE` behind a real `ikehub-authd`: the
/// keys change without a restart, a broken file changes nothing, and a new service is
/// offered to the broker. The AUTH values come from the openssl command line
/// (`PreSharedKeyProcessTests.opensslAUTH`), not from our code.
@Suite(.serialized, .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl"), "needs the openssl command line"))
struct WorkerReloadProcessTests {
    static let oldKey = "old-key-before-the-reload-0123"
    static let newKey = "new-key-after-the-reload-4567"

    /// A keyring with one peer and a profile that uses it; `authorization` adds a local
    /// group authorization (service `authz`).
    static func configuration(key: String, authorization: Bool = false) -> String {
        """
        aaa new-model
        \(authorization ? "aaa authorization network reload-authz local" : "!")
        ip local pool reload-pool 10.77.0.1 10.77.0.9
        crypto ikev2 authorization policy reload-policy
         pool reload-pool
        crypto ikev2 keyring reload-keyring
         peer alice
          identity email alice@example.com
          pre-shared-key \(key)
        crypto ikev2 profile reload-profile
         match identity remote any
         authentication local pre-share
         authentication remote pre-share
         keyring local reload-keyring
        \(authorization ? " aaa authorization group psk list reload-authz reload-policy" : "!")

        """
    }

    /// Signed octets as the frontend assembles them (RealMessage | Nonce | MACedID).
    static let initiator = [UInt8](repeating: 0x31, count: 300) + [UInt8](repeating: 0x5e, count: 64)
    static let responder = [UInt8](repeating: 0x32, count: 280) + [UInt8](repeating: 0x5f, count: 64)

    struct Peer {
        let client: IPCClient
        let sandbox: String

        /// Authenticates alice with `key`; the verdict, and whether the responder AUTH
        /// is the one `key` gives.
        func authenticate(with key: String) async throws -> (verdict: IPCv1Verdict, responderMatches: Bool, reason: String) {
            let initiatorAuth = try await PreSharedKeyProcessTests.opensslAUTH(initiator, secret: key, in: sandbox)
            let expected = try await PreSharedKeyProcessTests.opensslAUTH(responder, secret: key, in: sandbox)
            var body = PreSharedKeyProcessTests.request(initiatorAuth: initiatorAuth, identity: "alice@example.com",
                                                        initiator: initiator, responder: responder)
            if case .authenticateRequest(var request) = body {
                request.profile = "reload-profile"
                body = .authenticateRequest(request)
            }
            let reply = try await client.request(body, service: "auth.psk", idempotent: false)
            guard case .authenticateReply(let verdict) = reply.body else {
                throw HarnessError("no AuthenticateReply: \(reply.bodyName)")
            }
            return (verdict.verdict, [UInt8](verdict.responderAuth) == expected, verdict.reason)
        }
    }

    /// Waits until `text` occurs `count` times in the log.
    static func waitForLog(_ process: SpawnedProcess, _ text: String, count: Int = 1, timeout: Duration = .seconds(10)) async -> Bool {
        let end = ContinuousClock.now + timeout
        while ContinuousClock.now < end {
            if process.log.components(separatedBy: text).count - 1 >= count { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    static func write(_ text: String, to path: String) throws {
        // Written beside and renamed over, as an editor or config tool does.
        try text.write(toFile: path + ".new", atomically: false, encoding: .utf8)
        chmod(path + ".new", 0o600)
        guard rename(path + ".new", path) == 0 else { throw HarnessError("rename to \(path): errno \(errno)") }
    }

    @Test func testNewKeyWorksAndOldDoesNot_afterSIGHUP_andABrokenFileKeepsTheRunningKeys() async throws {
        let sandbox = ProcessHarness.makeSandbox("worker-reload")
        let file = "\(sandbox)/hub.cfg"
        try Self.write(Self.configuration(key: Self.oldKey), to: file)
        let arguments = ProcessHarness.daemonArguments(sandbox)
        let broker = try SpawnedProcess("ikehub-authd", arguments, logDirectory: sandbox)
        let worker = try SpawnedProcess("ikehub-auth-worker", arguments + ["--config", file, "--name", "reloader"],
                                        logDirectory: sandbox, logName: "reloader")
        let context = try ZMQContext()
        let client = try IPCClient(connectingTo: "ipc://\(sandbox)/run/authd.sock", context: context, logger: LogCapture().logger())
        defer { client.close() }
        try #require(await ProcessHarness.waitForWorkers(client) { $0 == ["reloader"] } == ["reloader"], "\(broker.log)\(worker.log)")
        let peer = Peer(client: client, sandbox: sandbox)

        let before = try await peer.authenticate(with: Self.oldKey)
        #expect(before.verdict == .accept && before.responderMatches, "\(before.reason)")

        // The key changes in the file; SIGHUP applies it.
        try Self.write(Self.configuration(key: Self.newKey), to: file)
        worker.kill(SIGHUP)
        #expect(await Self.waitForLog(worker, "configuration reloaded from \(file)"), "\(worker.log)")
        let fresh = try await peer.authenticate(with: Self.newKey)
        #expect(fresh.verdict == .accept && fresh.responderMatches, "the new key is not in use: \(fresh.reason)")
        let stale = try await peer.authenticate(with: Self.oldKey)
        #expect(stale.verdict == .reject, "the old key still works after the reload")
        #expect(!worker.log.contains("registering again"), "the offer did not change, yet the worker registered again")

        // Broken files: a command without its key, then a profile naming a method list
        // that is not defined. Each is refused naming file:line, and the running keys stay.
        let unreadable = Self.configuration(key: Self.oldKey).replacingOccurrences(of: "  pre-shared-key \(Self.oldKey)",
                                                                                 with: "  pre-shared-key")
        let unreadableLine = try #require(unreadable.split(separator: "\n", omittingEmptySubsequences: false)
            .firstIndex { $0 == "  pre-shared-key" }) + 1
        let unserved = Self.configuration(key: Self.oldKey, authorization: true)
            .replacingOccurrences(of: "aaa authorization network reload-authz local", with: "!")
        let unservedLine = try #require(unserved.split(separator: "\n", omittingEmptySubsequences: false)
            .firstIndex { $0.contains("aaa authorization group psk") }) + 1
        for (index, (text, line)) in [(unreadable, unreadableLine), (unserved, unservedLine)].enumerated() {
            try Self.write(text, to: file)
            worker.kill(SIGHUP)
            #expect(await Self.waitForLog(worker, "configuration not reloaded", count: index + 1), "\(worker.log)")
            let refusal = worker.log.split(separator: "\n").last { $0.contains("configuration not reloaded") } ?? ""
            #expect(refusal.contains("\(file):\(line):"), "the error does not name \(file):\(line): \(refusal)")
            let kept = try await peer.authenticate(with: Self.newKey)
            #expect(kept.verdict == .accept && kept.responderMatches, "a broken file replaced the running keys: \(kept.reason)")
            #expect(try await peer.authenticate(with: Self.oldKey).verdict == .reject)
        }
        #expect(worker.process.isRunning)
        #expect(!worker.log.contains(Self.oldKey) && !worker.log.contains(Self.newKey), "a key was logged")
    }

    @Test func testWorkerRegistersItsNewServiceWithTheBroker_whenTheReloadAddsOne() async throws {
        let sandbox = ProcessHarness.makeSandbox("worker-reoffer")
        let file = "\(sandbox)/hub.cfg"
        try Self.write(Self.configuration(key: Self.oldKey), to: file)
        let arguments = ProcessHarness.daemonArguments(sandbox)
        let broker = try SpawnedProcess("ikehub-authd", arguments, logDirectory: sandbox)
        let worker = try SpawnedProcess("ikehub-auth-worker", arguments + ["--config", file, "--name", "offers"],
                                        logDirectory: sandbox, logName: "offers")
        let context = try ZMQContext()
        let client = try IPCClient(connectingTo: "ipc://\(sandbox)/run/authd.sock", context: context, logger: LogCapture().logger())
        defer { client.close() }
        try #require(await ProcessHarness.waitForWorkers(client) { $0 == ["offers"] } == ["offers"], "\(broker.log)\(worker.log)")
        #expect(try await Self.offeredServices(client) == "auth.psk,echo,health")

        try Self.write(Self.configuration(key: Self.oldKey, authorization: true), to: file)
        worker.kill(SIGHUP)
        #expect(await Self.waitForLog(worker, "registering again"), "\(worker.log)")
        let end = ContinuousClock.now + .seconds(10)
        var offered = ""
        while ContinuousClock.now < end {
            offered = try await Self.offeredServices(client)
            if offered.contains("authz") { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(offered == "auth.psk,authz,echo,health", "the broker does not know the new service: \(offered)")
        let reply = try await client.request(.authorizeRequest(.with {
            $0.profile = "reload-profile"
            $0.authMethod = .psk
            $0.peerIdentity = .with { $0.idType = 3; $0.value = Data("alice@example.com".utf8) }
        }), service: "authz", idempotent: false)
        guard case .authorizeReply(let authorization) = reply.body else {
            Issue.record("no AuthorizeReply: \(reply.bodyName)")
            return
        }
        #expect(authorization.verdict == .accept, "\(authorization.reason)")
        #expect(authorization.attributes.contains { $0.name == "ipsec:addr-pool" && $0.value == "reload-pool" },
                "\(authorization.attributes.map { "\($0.name)=\($0.value)" })")
        // Keys still served after the re-registration.
        #expect(try await Peer(client: client, sandbox: sandbox).authenticate(with: Self.oldKey).verdict == .accept)
    }

    /// The broker's `show auth workers` services cell of the only worker.
    static func offeredServices(_ client: IPCClient) async throws -> String {
        let reply = try await client.request(.showRequest(.with { $0.topic = .authWorkers }))
        guard case .showReply(let table) = reply.body, let row = table.rows.first, row.cells.count > 2 else {
            throw HarnessError("no show auth workers table")
        }
        return row.cells[2]
    }
}
