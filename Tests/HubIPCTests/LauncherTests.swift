import Foundation
import HubIPC
import HubLauncher
import Testing
import ZeroMQ

/// The launcher supervising the real headend processes.
@Suite(.serialized) struct LauncherTests {
    @Test func testKilledProcessIsRestartedAndOthersKeepRunning_whenSupervised() async throws {
        let sandbox = ProcessHarness.makeSandbox("launcher")
        var configuration = LauncherConfiguration.headend(
            binDirectory: ProcessHarness.binDirectory, daemonArguments: ProcessHarness.daemonArguments(sandbox),
            authWorkers: 2, logDirectory: sandbox)
        configuration.stopGrace = .seconds(5)
        for spec in configuration.processes {
            try #require(FileManager.default.isExecutableFile(atPath: spec.executable), "\(spec.executable) not built")
        }
        let capture = LogCapture()
        let supervisor = Supervisor(configuration: configuration, logger: capture.logger("ikehub"))
        try await supervisor.start()
        let names = configuration.processes.map(\.name)
        var pids: [String: Int32] = [:]
        for name in names { pids[name] = await supervisor.pid(of: name) }
        #expect(pids.count == 7 && pids.values.allSatisfy { $0 > 0 })

        let context = try ZMQContext()
        let broker = try IPCClient(connectingTo: "ipc://\(sandbox)/run/authd.sock", context: context, logger: capture.logger())
        #expect(await ProcessHarness.waitForWorkers(broker) { $0 == ["worker-1", "worker-2"] } == ["worker-1", "worker-2"])

        // kill -9 the address manager: it comes back with a new PID, nothing else moves.
        let victim = try #require(pids["ikehub-addrd"])
        kill(victim, SIGKILL)
        var replacement: Int32?
        let end = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < end {
            if let pid = await supervisor.pid(of: "ikehub-addrd"), pid != victim {
                replacement = pid
                break
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(replacement != nil, "ikehub-addrd was not restarted")
        #expect(await supervisor.restarts(of: "ikehub-addrd") == 1)
        for name in names where name != "ikehub-addrd" {
            #expect(await supervisor.pid(of: name) == pids[name], "\(name) was disturbed")
            #expect(await supervisor.restarts(of: name) == 0)
            #expect(kill(pids[name]!, 0) == 0, "\(name) is not running")
        }
        let addrd = try IPCClient(connectingTo: "ipc://\(sandbox)/run/addrd.sock", context: context, logger: capture.logger())
        let health = try await addrd.request(.healthRequest(.init()))
        guard case .healthReply(let reply) = health.body else {
            Issue.record("restarted ikehub-addrd does not answer")
            return
        }
        #expect(reply.process == "ikehub-addrd")
        #expect(await ProcessHarness.waitForWorkers(broker) { $0.count == 2 } == ["worker-1", "worker-2"])

        await supervisor.stop()
        let stopOrder = capture.all.filter { $0.hasPrefix("info stopping ") }.map { $0.split(separator: " ")[2] }.map(String.init)
        #expect(stopOrder == names.reversed(), "stop order: \(stopOrder)")
        for name in names {
            let pid = name == "ikehub-addrd" ? replacement ?? victim : pids[name]!
            #expect(kill(pid, 0) != 0, "\(name) still runs after stop")
        }
        #expect(!capture.all.contains { $0.contains("SIGKILL") }, "a process ignored SIGTERM")
        broker.close()
        addrd.close()
    }

    /// `ikehub launch` as a process: a SIGHUP to it reaches every child, a restarted one
    /// included, and each answers it its own way (ikehub-ike says it does not reload).
    @Test func testSIGHUPToTheLauncherReachesEveryChild_includingARestartedOne() async throws {
        let sandbox = ProcessHarness.makeSandbox("launcher-hup")
        let launcher = try SpawnedProcess("ikehub", ["launch", "--bin-dir", ProcessHarness.binDirectory, "--auth-workers", "1",
                                                     "--log-dir", sandbox] + ProcessHarness.daemonArguments(sandbox),
                                          logDirectory: sandbox, logName: "launcher")
        let children = ["ikehub-authd", "ikehub-auth-worker-1", "ikehub-addrd", "ikehub-tunneld", "ikehub-acctd", "ikehub-ike"]
        func log(_ name: String) -> String { (try? String(contentsOfFile: "\(sandbox)/\(name).log", encoding: .utf8)) ?? "" }
        func occurrences(_ text: String, in name: String) -> Int { log(name).components(separatedBy: text).count - 1 }
        func eventually(_ condition: () -> Bool) async -> Bool {
            let end = ContinuousClock.now + .seconds(15)
            while ContinuousClock.now < end {
                if condition() { return true }
                try? await Task.sleep(for: .milliseconds(100))
            }
            return condition()
        }
        let allStarted = await eventually { children.allSatisfy { occurrences(" started", in: $0) >= 1 } }
        try #require(allStarted, "not every process started:\n\(launcher.log)")

        // A restarted child is spawned by the launcher after it began forwarding.
        let addrd = try #require(Self.pid(of: "ikehub-addrd", in: launcher.log))
        kill(addrd, SIGKILL)
        #expect(await eventually { occurrences("ikehub-addrd started", in: "ikehub-addrd") >= 2 }, "\(launcher.log)")

        launcher.kill(SIGHUP)
        #expect(await eventually { children.allSatisfy { occurrences("SIGHUP", in: $0) >= 1 } },
                "not every child saw the SIGHUP: \(children.filter { occurrences("SIGHUP", in: $0) == 0 })\n\(launcher.log)")
        #expect(launcher.log.contains("SIGHUP: forwarded to \(children.count) process(es)"), "\(launcher.log)")
        #expect(log("ikehub-ike").contains("SIGHUP: ikehub-ike does not reload its configuration; profile, proposal and limit changes "
            + "take effect when it restarts (sessions survive a restart: ike-checkpoints.db)"))
        #expect(!log("ikehub-ike").contains("reloading configuration"))
        for name in children where name != "ikehub-ike" {
            #expect(log(name).contains("SIGHUP: reloading configuration"), "\(name): \(log(name).suffix(600))")
        }
        #expect(launcher.process.isRunning)
        let restarts = launcher.log.components(separatedBy: "restarting in").count - 1
        #expect(restarts == 1, "a child died of the SIGHUP: \(launcher.log)")

        launcher.kill(SIGTERM)
        #expect(await launcher.waitForExit(timeout: .seconds(30)))
        #expect(launcher.log.contains("all processes stopped"))
    }

    /// The PID of the latest `started NAME pid N` line of the launcher's log.
    static func pid(of name: String, in log: String) -> Int32? {
        let lines = log.split(separator: "\n").filter { $0.contains("started \(name) pid ") }
        guard let line = lines.last, let range = line.range(of: "started \(name) pid ") else { return nil }
        return Int32(line[range.upperBound...].prefix { $0.isNumber })
    }
}
