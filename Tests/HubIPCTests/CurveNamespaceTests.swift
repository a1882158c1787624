import Foundation
import HubIPC
import Testing
import ZeroMQ

/// Two network namespaces joined by a veth pair, created for the test and
/// deleted after it. The addresses exist only inside them.
final class NamespacePair: @unchecked Sendable {
    let broker: String
    let worker: String
    let brokerAddress = "10.213.77.1"
    let workerAddress = "10.213.77.2"

    /// Root and iproute2 are needed to create namespaces.
    static var available: Bool {
        geteuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip")
    }

    init() throws {
        Self.removeStale()
        let tag = String(getpid() % 100_000)
        broker = "ikh-b\(tag)"
        worker = "ikh-w\(tag)"
        let vethB = "ikhb\(tag)", vethW = "ikhw\(tag)"
        for command in [
            ["netns", "add", broker], ["netns", "add", worker],
            ["link", "add", vethB, "type", "veth", "peer", "name", vethW],
            ["link", "set", vethB, "netns", broker], ["link", "set", vethW, "netns", worker],
            ["-n", broker, "addr", "add", "\(brokerAddress)/30", "dev", vethB],
            ["-n", worker, "addr", "add", "\(workerAddress)/30", "dev", vethW],
            ["-n", broker, "link", "set", vethB, "up"], ["-n", worker, "link", "set", vethW, "up"],
            ["-n", broker, "link", "set", "lo", "up"], ["-n", worker, "link", "set", "lo", "up"],
        ] {
            try Self.ip(command)
        }
    }

    deinit {
        // Deleting a namespace deletes the veth pair with it.
        try? Self.ip(["netns", "del", broker])
        try? Self.ip(["netns", "del", worker])
    }

    /// Deletes `ikh-b<pid>`/`ikh-w<pid>` namespaces left by a test run that was
    /// killed before its cleanup ran (the pid no longer exists).
    static func removeStale() {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
        process.arguments = ["netns", "list"]
        let pipe = Pipe()
        process.standardOutput = pipe
        guard (try? process.run()) != nil else { return }
        let listing = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        for line in listing.split(separator: "\n") {
            let name = String(line.split(separator: " ").first ?? "")
            guard name.hasPrefix("ikh-b") || name.hasPrefix("ikh-w"), let owner = Int32(name.dropFirst(5)),
                  owner != getpid() % 100_000, kill(owner, 0) != 0 else { continue }
            try? ip(["netns", "del", name])
        }
    }

    /// `ip netns exec NS` as a spawn prefix: `ip` execs the program, so the PID
    /// we hold is the daemon's.
    func exec(in namespace: String) -> [String] { ["/usr/sbin/ip", "netns", "exec", namespace] }

    static func ip(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw HarnessError("ip \(arguments.joined(separator: " ")) failed with status \(process.terminationStatus)")
        }
    }
}

@Suite(.serialized) struct CurveNamespaceTests {
    @Test(.enabled(if: NamespacePair.available, "needs root and iproute2 to create network namespaces"))
    func testOnlyAllowListedCurveWorkerRegisters_whenWorkersConnectFromAnotherNamespace() async throws {
        let namespaces = try NamespacePair()
        let sandbox = ProcessHarness.makeSandbox("curve")
        let arguments = ProcessHarness.daemonArguments(sandbox)
        let brokerKeys = try CurveKeyPair.generate()
        let allowedKeys = try CurveKeyPair.generate()
        let strangerKeys = try CurveKeyPair.generate()
        for (name, keys) in [("broker", brokerKeys), ("allowed", allowedKeys), ("stranger", strangerKeys)] {
            let path = "\(sandbox)/\(name).key"
            FileManager.default.createFile(atPath: path, contents: Data((keys.secretKey + "\n").utf8),
                                           attributes: [.posixPermissions: 0o600])
        }
        let endpoint = "tcp://\(namespaces.brokerAddress):5577"
        // The requester side stays ipc:// (a filesystem socket reaches across
        // network namespaces); only workers come over TCP.
        let broker = try SpawnedProcess("ikehub-authd", arguments + [
            "--workers-listen", endpoint, "--curve-secret-key-file", "\(sandbox)/broker.key",
            "--allow-worker-key=\(allowedKeys.publicKey)",
        ], logDirectory: sandbox, prefix: namespaces.exec(in: namespaces.broker))
        try await Task.sleep(for: .milliseconds(300))
        var workers: [SpawnedProcess] = []
        for name in ["allowed", "stranger"] {
            workers.append(try SpawnedProcess("ikehub-auth-worker", arguments + [
                "--name", name, "--broker", endpoint, "--curve-secret-key-file", "\(sandbox)/\(name).key",
                "--broker-public-key=\(brokerKeys.publicKey)",
            ], logDirectory: sandbox, logName: name, prefix: namespaces.exec(in: namespaces.worker)))
        }
        let context = try ZMQContext()
        let client = try IPCClient(connectingTo: "ipc://\(sandbox)/run/authd.sock", context: context, logger: LogCapture().logger())
        let names = await ProcessHarness.waitForWorkers(client) { $0 == ["allowed"] }
        #expect(names == ["allowed"], "registered: \(names)\n\(broker.log)")
        // Give the stranger time to try (it retries every second); it must stay out.
        try await Task.sleep(for: .seconds(2))
        #expect(await ProcessHarness.waitForWorkers(client, timeout: .seconds(1)) { _ in false } == ["allowed"])
        #expect(broker.log.contains("ZAP refused CURVE key \(strangerKeys.publicKey)"), "\(broker.log)")
        for index in 0..<20 {
            let reply = try await client.request(.echoRequest(.with { $0.payload = Data("n\(index)".utf8) }), service: "echo")
            guard case .echoReply(let echo) = reply.body else {
                Issue.record("no echo reply")
                break
            }
            #expect(echo.servedBy == "allowed")
        }
        client.close()
        for worker in workers { worker.kill() }
        broker.kill()
        _ = await broker.waitForExit()
    }
}

/// Workers over tcp:// join at run time: a key added to the allow-list file is
/// admitted after SIGHUP, without restarting the broker.
@Suite(.serialized) struct CurveAllowListReloadTests {
    @Test func testWorkerWithNewKeyRegisters_whenAllowListIsReloadedBySIGHUP() async throws {
        let sandbox = ProcessHarness.makeSandbox("zap-reload")
        let arguments = ProcessHarness.daemonArguments(sandbox)
        let brokerKeys = try CurveKeyPair.generate()
        let workerKeys = try CurveKeyPair.generate()
        FileManager.default.createFile(atPath: "\(sandbox)/broker.key", contents: Data((brokerKeys.secretKey + "\n").utf8),
                                       attributes: [.posixPermissions: 0o600])
        FileManager.default.createFile(atPath: "\(sandbox)/late.key", contents: Data((workerKeys.secretKey + "\n").utf8),
                                       attributes: [.posixPermissions: 0o600])
        let allowFile = "\(sandbox)/allowed-workers"
        FileManager.default.createFile(atPath: allowFile, contents: Data("# admitted worker keys\n".utf8))
        let endpoint = "tcp://127.0.0.1:\(Int.random(in: 30_000...50_000))"
        let broker = try SpawnedProcess("ikehub-authd", arguments + [
            "--workers-listen", endpoint, "--curve-secret-key-file", "\(sandbox)/broker.key",
            "--allow-worker-keys-file", allowFile,
        ], logDirectory: sandbox)
        try await Task.sleep(for: .milliseconds(300))
        let worker = try SpawnedProcess("ikehub-auth-worker", arguments + [
            "--name", "late", "--broker", endpoint, "--curve-secret-key-file", "\(sandbox)/late.key",
            "--broker-public-key=\(brokerKeys.publicKey)",
        ], logDirectory: sandbox, logName: "late")
        let context = try ZMQContext()
        let client = try IPCClient(connectingTo: "ipc://\(sandbox)/run/authd.sock", context: context, logger: LogCapture().logger())
        #expect(await ProcessHarness.waitForWorkers(client, timeout: .seconds(2)) { !$0.isEmpty } == [])
        #expect(broker.log.contains("ZAP refused CURVE key \(workerKeys.publicKey)"))

        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: allowFile))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data((workerKeys.publicKey + "\n").utf8))
        try handle.close()
        broker.kill(SIGHUP)
        let names = await ProcessHarness.waitForWorkers(client, timeout: .seconds(10)) { $0 == ["late"] }
        #expect(names == ["late"], "\(broker.log)")
        #expect(broker.log.contains("worker allow-list reloaded: 1 keys"))
        client.close()
        _ = worker
    }
}
