import Foundation
import HubIPC
import Testing
import ZeroMQ

/// Spawns the built `ikehub-*` executables as real processes for the tests,
/// logs each to a file, and kills them by PID.
final class SpawnedProcess: @unchecked Sendable {
    let name: String
    let process: Process
    let logPath: String

    /// Starts `executable` (from the build's bin directory) with `arguments`;
    /// `prefix` runs it through another program (`ip netns exec NS`).
    init(_ executable: String, _ arguments: [String], logDirectory: String, logName: String? = nil,
         prefix: [String] = []) throws {
        let binary = ProcessHarness.binDirectory + "/" + executable
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw HarnessError("\(binary) is not built: run `swift build --scratch-path <same scratch path>` before the tests")
        }
        name = logName ?? executable
        logPath = "\(logDirectory)/\(name).log"
        FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process = Process()
        if prefix.isEmpty {
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: prefix[0])
            process.arguments = Array(prefix.dropFirst()) + [binary] + arguments
        }
        process.standardOutput = log
        process.standardError = log
        // The daemon stops by itself if this test process dies (HubDaemon's parent watch).
        var environment = ProcessInfo.processInfo.environment
        environment["IKEHUB_PARENT_PID"] = String(getpid())
        process.environment = environment
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }

    func kill(_ signal: Int32 = SIGKILL) {
        if process.isRunning { _ = Glibc.kill(pid, signal) }
    }

    /// Polls without blocking a pool thread.
    func waitForExit(timeout: Duration = .seconds(10)) async -> Bool {
        let end = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < end { try? await Task.sleep(for: .milliseconds(20)) }
        return !process.isRunning
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    deinit {
        // SIGKILL then reap: the wait is bounded by the kernel tearing the process down.
        kill()
        process.waitUntilExit()
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

enum ProcessHarness {
    /// The directory of the running test binary: SwiftPM puts the package's
    /// executables beside it.
    static var binDirectory: String {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: executable).deletingLastPathComponent().path
    }

    /// A fresh directory tree for one test: `run/` (0700 by the daemons), `state/`, logs.
    static func makeSandbox(_ name: String) -> String {
        let path = "/tmp/ikehub-proc-\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func daemonArguments(_ sandbox: String) -> [String] {
        ["--runtime-dir", "\(sandbox)/run", "--state-dir", "\(sandbox)/state"]
    }

    /// Asks the broker for `show auth workers` until `condition` holds on the
    /// worker names, or the timeout passes. Returns the last names seen.
    @discardableResult
    static func waitForWorkers(_ client: IPCClient, timeout: Duration = .seconds(10),
                               until condition: ([String]) -> Bool) async -> [String] {
        let end = ContinuousClock.now + timeout
        var names: [String] = []
        while ContinuousClock.now < end {
            if let reply = try? await client.request(.showRequest(.with { $0.topic = .authWorkers }),
                                                     policy: .once(deadline: .milliseconds(500))),
               case .showReply(let table) = reply.body {
                names = table.rows.compactMap(\.cells.first).sorted()
                if condition(names) { return names }
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return names
    }

    /// Sends raw frames on a DEALER and collects `count` replies (or fewer at the
    /// timeout), on a thread of its own (`offPool`).
    static func rawExchange(endpoint: String, frames: [[UInt8]], expecting count: Int) async throws -> [[UInt8]] {
        try await offPool { try blockingRawExchange(endpoint: endpoint, frames: frames, expecting: count) }
    }

    private static func blockingRawExchange(endpoint: String, frames: [[UInt8]], expecting count: Int) throws -> [[UInt8]] {
        let context = try ZMQContext()
        let dealer = try ZMQSocket(context: context, type: .dealer)
        try dealer.connect(endpoint)
        for frame in frames { try dealer.send([frame], dontWait: false) }
        var poller = ZMQPoller([.socket(dealer)])
        var replies: [[UInt8]] = []
        let end = ContinuousClock.now + .seconds(5)
        while replies.count < count, ContinuousClock.now < end {
            _ = try poller.wait(timeoutMilliseconds: 200)
            while let reply = try dealer.receive() { replies.append(reply[0]) }
        }
        return replies
    }
}
