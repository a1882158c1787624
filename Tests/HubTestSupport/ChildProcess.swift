import Foundation

/// A process a test started, ended by its own PID (never by name) when the test is done.
public final class ChildProcess: @unchecked Sendable {
    public let process: Process
    public let logURL: URL

    /// Starts `executable` with `arguments`; stdout and stderr go to `logURL`.
    public init(executable: String, arguments: [String], logURL: URL, environment: [String: String]? = nil) throws {
        FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let log = try FileHandle(forWritingTo: logURL)
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        self.logURL = logURL
        try process.run()
    }

    public var pid: Int32 { process.processIdentifier }
    public var isRunning: Bool { process.isRunning }

    /// The log so far.
    public func log() -> String {
        (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
    }

    /// Waits until `predicate` holds for the log, or `timeout` seconds pass.
    public func waitForLog(timeout: Double, _ predicate: (String) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if predicate(log()) { return true }
            if !process.isRunning { return predicate(log()) }
            usleep(50_000)
        }
        return false
    }

    /// SIGTERM, then SIGKILL after `grace` seconds.
    public func stop(grace: Double = 3) {
        guard process.isRunning else { return }
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(grace)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(pid, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { stop(grace: 1) }
}

/// A fresh private directory under the system temporary directory.
public func makeTemporaryDirectory(_ prefix: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("\(prefix)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// A UDP port that was free a moment ago (and `port + 1` too, for RADIUS accounting).
public func freeUDPPortPair() -> UInt16 {
    for _ in 0..<50 {
        let candidate = UInt16.random(in: 20000...60000)
        if isUDPPortFree(candidate), isUDPPortFree(candidate + 1) { return candidate }
    }
    return 21812
}

private func isUDPPortFree(_ port: UInt16) -> Bool {
    let descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
    guard descriptor >= 0 else { return false }
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
        }
    }
}

/// Runs a command to completion and returns its status and combined output.
@discardableResult
public func runCommand(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// `ip …`, throwing with the output when it fails.
public func ip(_ arguments: String...) throws {
    let result = try runCommand("/usr/sbin/ip", arguments)
    guard result.status == 0 else { throw CommandError(command: "ip " + arguments.joined(separator: " "), output: result.output) }
}

public struct CommandError: Error, CustomStringConvertible {
    public let command: String
    public let output: String
    public var description: String { "\(command) failed: \(output)" }
}

/// Whether this process may create network namespaces and interfaces (root with /dev/net/tun).
public var canManageNetworkNamespaces: Bool {
    getuid() == 0 && FileManager.default.fileExists(atPath: "/dev/net/tun")
        && FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip")
}

/// A network namespace a test creates and deletes; addresses live only inside it.
public final class NetworkNamespace: @unchecked Sendable {
    public let name: String
    public init(prefix: String) throws {
        name = "\(prefix)-\(getpid() % 100000)-\(UInt16.random(in: 0...UInt16.max))"
        try ip("netns", "add", name)
        try ip("-n", name, "link", "set", "lo", "up")
    }
    /// Runs `command` inside the namespace.
    @discardableResult
    public func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try runCommand("/usr/sbin/ip", ["netns", "exec", name] + arguments)
    }
    deinit { _ = try? runCommand("/usr/sbin/ip", ["netns", "delete", name]) }
}
