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
}
