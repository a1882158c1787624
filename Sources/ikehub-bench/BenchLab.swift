import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The side-by-side lab of `setup`, `scale` and `esp --tunnel`: two network namespaces
/// (`bn-hub` with the responder under test, `bn-cli` with the load initiator or a
/// strongSwan client), one veth between them, many client source addresses. The same
/// namespace, addresses and load serve IKEHub and strongSwan in turn.
///
///   [bn-cli] bnc0 10.97.0.2/16 (+10.97.1.1 …) ==== bnh0 10.97.0.1/16 [bn-hub] lo 10.99.200.1/32
///
/// Everything is torn down when the lab goes away, and on SIGINT/SIGTERM.
final class BenchLab {
    static let hubNamespace = "bn-hub"
    static let clientNamespace = "bn-cli"
    static let hubAddress = "10.97.0.1"
    static let clientAddress = "10.97.0.2"
    static let protectedAddress = "10.99.200.1"
    static let protectedNetwork = "10.99.200.0/24"
    static let psk = "bench-psk-0123456789abcdef"
    /// The virtual-IP pool both responders hand out: 10.128.0.0/14 (262 142 addresses).
    static let poolFirst = "10.128.0.1", poolLast = "10.131.255.254", poolCIDR = "10.128.0.0/14"

    let state: String
    let binaries: String
    private(set) var sources: [String] = []
    private var running: [Int32] = []

    /// Records a process we started elsewhere (the load initiator) for the teardown.
    func track(_ pid: Int32) { running.append(pid) }

    /// The directory of our own executable: the daemons are built beside it.
    static var ownDirectory: String {
        let own = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: own).deletingLastPathComponent().path
    }

    /// Why the lab cannot run here, or nil.
    static func unavailableReason(needsIKEHub: Bool = true) -> String? {
        if getuid() != 0 { return "needs root (network namespaces)" }
        for tool in ["/usr/sbin/ip", "/usr/sbin/charon-systemd", "/usr/sbin/swanctl"] where !FileManager.default.isExecutableFile(atPath: tool) {
            return "\(tool) is not installed"
        }
        if !FileManager.default.fileExists(atPath: "/dev/net/tun") { return "no /dev/net/tun" }
        if needsIKEHub, !FileManager.default.isExecutableFile(atPath: ownDirectory + "/ikehub") {
            return "\(ownDirectory)/ikehub is not built (swift build builds every product)"
        }
        return nil
    }

    init(sourceCount: Int) throws {
        state = "/tmp/bn-bench-\(getpid())"
        binaries = Self.ownDirectory
        BenchLab.current = self
        signal(SIGINT) { _ in BenchLab.current?.tearDown(); exit(130) }
        signal(SIGTERM) { _ in BenchLab.current?.tearDown(); exit(143) }
        try? FileManager.default.removeItem(atPath: state)
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        // A namespace left by an interrupted earlier run of ours goes first.
        for namespace in [Self.hubNamespace, Self.clientNamespace] { _ = try? Self.run("/usr/sbin/ip", ["netns", "delete", namespace]) }
        do {
            try up(sourceCount: sourceCount)
        } catch {
            tearDown()
            throw error
        }
    }

    nonisolated(unsafe) static var current: BenchLab?

    private func up(sourceCount: Int) throws {
        let ip = "/usr/sbin/ip"
        for namespace in [Self.hubNamespace, Self.clientNamespace] {
            try Self.run(ip, ["netns", "add", namespace])
            try Self.run(ip, ["-n", namespace, "link", "set", "lo", "up"])
            try Self.run(ip, ["netns", "exec", namespace, "sh", "-c",
                              "for f in /proc/sys/net/ipv4/conf/*/rp_filter; do echo 0 > $f; done"])
        }
        try Self.run(ip, ["link", "add", "bnh0", "netns", Self.hubNamespace, "type", "veth", "peer", "name", "bnc0",
                          "netns", Self.clientNamespace])
        try Self.run(ip, ["-n", Self.hubNamespace, "addr", "add", "\(Self.hubAddress)/16", "dev", "bnh0"])
        try Self.run(ip, ["-n", Self.clientNamespace, "addr", "add", "\(Self.clientAddress)/16", "dev", "bnc0"])
        try Self.run(ip, ["-n", Self.hubNamespace, "addr", "add", "\(Self.protectedAddress)/32", "dev", "lo"])
        for namespace in [Self.hubNamespace, Self.clientNamespace] {
            try Self.run(ip, ["-n", namespace, "link", "set", namespace == Self.hubNamespace ? "bnh0" : "bnc0", "up"])
            try Self.run(ip, ["netns", "exec", namespace, "sh", "-c",
                              "for f in /proc/sys/net/ipv4/conf/*/rp_filter; do echo 0 > $f; done"])
        }
        // Client source addresses 10.97.1.1 … (250 per /24), one `ip -batch` for all.
        sources = (0..<max(sourceCount, 1)).map { "10.97.\(1 + $0 / 250).\($0 % 250 + 1)" }
        let batch = sources.map { "addr add \($0)/16 dev bnc0" }.joined(separator: "\n") + "\n"
        let batchFile = state + "/sources.batch"
        try batch.write(toFile: batchFile, atomically: true, encoding: .utf8)
        try Self.run(ip, ["-n", Self.clientNamespace, "-batch", batchFile])
        try Self.run(ip, ["netns", "exec", Self.clientNamespace, "ping", "-c1", "-W2", Self.hubAddress])
    }

    deinit { tearDown() }

    /// Stops what we started (by PID) and deletes our namespaces.
    func tearDown() {
        for pid in running.reversed() { Self.stopTree(pid) }
        running = []
        for namespace in [Self.hubNamespace, Self.clientNamespace] {
            _ = try? Self.run("/usr/sbin/ip", ["netns", "delete", namespace])
        }
        if BenchLab.current === self { BenchLab.current = nil }
        // Keep the responders' logs only when asked (IKEHUB_BENCH_KEEP=1).
        if ProcessInfo.processInfo.environment["IKEHUB_BENCH_KEEP"] != "1" { try? FileManager.default.removeItem(atPath: state) }
    }

    // MARK: - Processes

    /// Starts `arguments` in `namespace`; `ip netns exec` execs, so the PID is the program's.
    func start(in namespace: String, _ arguments: [String], log: String, environment: [String: String] = [:]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
        process.arguments = ["netns", "exec", namespace] + arguments
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        running.append(process.processIdentifier)
        return process
    }

    /// SIGTERM to the process we started, then waits (up to 30 s) for it and every
    /// descendant it had — a launcher's children must let go of UDP 500/4500 before the
    /// next responder binds them — and SIGKILLs what is left, by PID.
    func stop(_ process: Process) {
        Self.stopTree(process.processIdentifier)
        running.removeAll { $0 == process.processIdentifier }
    }

    static func stopTree(_ pid: Int32) {
        let tree = ProcessSampler.tree(pid).filter { $0 != pid }
        Self.stop(pid, grace: 30)
        // The launcher forwards SIGTERM; a child it left behind gets its own, and up to
        // 120 s to finish (tunneld deletes one TUN device per session on the way out).
        for child in tree where Self.alive(child) { kill(child, SIGTERM) }
        for child in tree where Self.alive(child) {
            _ = BenchLab.wait(seconds: 120) { !Self.alive(child) }
            if Self.alive(child) { kill(child, SIGKILL) }
        }
    }

    /// Running (a zombie waiting for its parent counts as gone).
    static func alive(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        guard ProcessSampler.statFields(pid)?.first == "Z" else { return true }
        // A leader that exited while its other threads still run ("Zl") still holds its sockets.
        return ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task"))?.count ?? 0) > 1
    }

    /// Waits (up to 15 min: IKEHub's tunneld closes one TUN device per session on exit,
    /// minutes for 10 000) until nothing in the hub namespace is bound to UDP 500 or 4500,
    /// so the next responder gets both ports.
    func waitForFreeIKEPorts() throws {
        let free = BenchLab.wait(seconds: 900) {
            let sockets = (try? Self.run("/usr/sbin/ip", ["netns", "exec", Self.hubNamespace, "ss", "-Hulnp"])) ?? ""
            return !sockets.split(separator: "\n").contains { $0.contains(":500 ") || $0.contains(":4500 ") }
        }
        if !free { throw LabError("UDP 500/4500 in \(Self.hubNamespace) still bound after 900 s") }
    }

    static func stop(_ pid: Int32, grace: Double = 5) {
        guard kill(pid, 0) == 0 else { return }
        kill(pid, SIGTERM)
        for _ in 0..<Int(grace * 20) {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid || kill(pid, 0) != 0 { return }
            usleep(50_000)
        }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }

    /// Runs a command to completion; throws with its output when it fails.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw LabError("\(executable) \(arguments.joined(separator: " ")): exit \(process.terminationStatus): \(output.suffix(600))")
        }
        return output
    }

    /// Waits until `condition` holds, up to `seconds`.
    static func wait(seconds: Double, _ condition: () -> Bool) -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if condition() { return true }
            usleep(50_000)
        }
        return condition()
    }
}

struct LabError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

// MARK: - /proc sampling

/// CPU and memory of a process tree, from /proc (all threads; children found by PPid).
enum ProcessSampler {
    /// `root` and every descendant.
    static func tree(_ root: Int32) -> [Int32] {
        var parents: [Int32: [Int32]] = [:]
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(entry), let stat = statFields(pid), stat.count > 1, let ppid = Int32(stat[1]) else { continue }
            parents[ppid, default: []].append(pid)
        }
        var result: [Int32] = [root]
        var index = 0
        while index < result.count {
            result += parents[result[index]] ?? []
            index += 1
        }
        return result
    }

    /// Fields after the command name (field 3 of proc(5) is element 0).
    static func statFields(_ pid: Int32) -> [Substring]? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        return text[text.index(after: close)...].split(separator: " ")
    }

    /// utime + stime of the process (all its threads), milliseconds.
    static func cpuMilliseconds(_ pid: Int32) -> Double {
        guard let fields = statFields(pid), fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        return (user + system) * 1000 / ticks
    }

    static func cpuMilliseconds(_ pids: [Int32]) -> Double { pids.reduce(0) { $0 + cpuMilliseconds($1) } }

    /// (Rss, Pss) in KiB from smaps_rollup.
    static func memoryKiB(_ pid: Int32) -> (rss: Double, pss: Double) {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/smaps_rollup", encoding: .utf8) else { return (0, 0) }
        var rss = 0.0, pss = 0.0
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count >= 2, let value = Double(parts[1]) else { continue }
            if parts[0] == "Rss:" { rss = value } else if parts[0] == "Pss:" { pss = value }
        }
        return (rss, pss)
    }

    static func memoryKiB(_ pids: [Int32]) -> (rss: Double, pss: Double) {
        pids.reduce((0.0, 0.0)) { sum, pid in let m = memoryKiB(pid); return (sum.0 + m.rss, sum.1 + m.pss) }
    }

    /// The command names of `pids`, for the notes.
    static func names(_ pids: [Int32]) -> [String] {
        pids.compactMap { try? String(contentsOfFile: "/proc/\($0)/comm", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) }
    }
}

/// Load average and what else is running: measurements on a shared machine are noisy.
func machineNote() -> String {
    let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
    let builds = ((try? BenchLab.run("/usr/bin/pgrep", ["-c", "swift-frontend"])) ?? "0").trimmingCharacters(in: .whitespacesAndNewlines)
    return "\(ProcessInfo.processInfo.activeProcessorCount) CPUs, load average \(load), swift-frontend processes running: \(builds)"
        + (builds != "0" ? " (others are building: figures are noisy)" : "")
}
