import Foundation

/// Runs the `openssl` command-line tool, a separate implementation path from our
/// library calls, to produce keys and signatures that our code must verify.
enum OpenSSLCommandLine {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// A fresh scratch directory under the system temporary directory.
    static func scratchDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("ikecrypto-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs `openssl arguments…` with `input` on stdin; returns stdout, throws on non-zero exit.
    @discardableResult
    static func run(_ arguments: [String], input: [UInt8] = [], in directory: URL) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(Data(input))
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "openssl \(arguments.joined(separator: " ")) exited \(process.terminationStatus): "
                + (String(data: errors, encoding: .utf8) ?? ""))
        }
        return Array(output)
    }

    static func read(_ name: String, in directory: URL) throws -> [UInt8] {
        Array(try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    static func write(_ bytes: [UInt8], to name: String, in directory: URL) throws {
        try Data(bytes).write(to: directory.appendingPathComponent(name))
    }
}
