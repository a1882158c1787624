import Foundation
import Testing
@testable import FlexConfig

/// `ikehub config check|show|diff` as an operator runs them: the built `ikehub` executable,
/// its exit status, and what goes to standard output and standard error.
enum BuiltIKEHub {
    static var executable: String {
        let own = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: own).deletingLastPathComponent().appendingPathComponent("ikehub").path
    }
    static var isBuilt: Bool { FileManager.default.isExecutableFile(atPath: executable) }
}

@Suite(.enabled(if: BuiltIKEHub.isBuilt, "the ikehub executable is not built beside the tests"))
struct ConfigCommandLineTests {
    static var executable: String { BuiltIKEHub.executable }

    struct Run {
        var status: Int32
        var output: String
        var errors: String
    }

    static func ikehub(_ arguments: [String]) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile(), err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, output: String(decoding: out, as: UTF8.self),
                   errors: String(decoding: err, as: UTF8.self))
    }

    static func write(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ikehub-cli-\(UInt32.random(in: 0...UInt32.max)).cfg").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func testCheck_exitsZeroWithWarningsOnStandardError_whenTheFileHasNoErrors() throws {
        let path = Fixture.directory.appendingPathComponent("headend-full.cfg").path
        let run = try Self.ikehub(["config", "check", path])
        #expect(run.status == 0)
        #expect(run.output.isEmpty)
        let lines = run.errors.split(separator: "\n")
        #expect(lines.last == "\(path): 0 errors, 25 warnings")
        #expect(lines.dropLast().allSatisfy { $0.hasPrefix("\(path):") && $0.contains(": warning: ") })
    }

    @Test func testCheck_exitsOneAndNamesFileLineAndColumn_whenTheFileHasErrors() throws {
        let path = try Self.write("crypto ikev2 profile p\n match identity remote any\n lifetime forever\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let run = try Self.ikehub(["config", "check", path])
        #expect(run.status == 1)
        #expect(run.output.isEmpty)
        #expect(run.errors.split(separator: "\n") == [
            "\(path):1:1: warning: ikev2 profile 'p' has no 'authentication local'; peers that select it fail IKE_AUTH",
            "\(path):1:1: warning: ikev2 profile 'p' has no 'authentication remote'; peers that select it fail IKE_AUTH",
            "\(path):3:11: error: 'forever' is not a number; expected <seconds 120-86400>",
            "\(path): 1 error, 2 warnings",
        ])
    }

    @Test func testCheck_exitsOneAndNamesTheFile_whenItCannotBeRead() throws {
        let run = try Self.ikehub(["config", "check", "/nonexistent/ikehub.cfg"])
        #expect(run.status == 1)
        #expect(run.errors.contains("/nonexistent/ikehub.cfg"))
    }

    @Test func testShow_printsTheCanonicalTextOnStandardOutput_whichLoadsToTheSameModel() throws {
        let path = Fixture.directory.appendingPathComponent("headend-full.cfg").path
        let run = try Self.ikehub(["config", "show", path])
        #expect(run.status == 0)
        let original = try Fixture.load("headend-full.cfg").configuration
        #expect(run.output == FlexConfig.show(original))
        #expect(FlexConfig.load(text: run.output, file: "shown.cfg").configuration == original)
        #expect(!run.errors.contains("error"))
    }

    @Test func testDiff_listsEachChangeAndWhenItApplies() throws {
        let old = try Self.write("ip local pool users 10.1.0.1 10.1.0.100\n")
        let new = try Self.write("ip local pool users 10.1.0.1 10.1.0.200\nip local pool guests 10.2.0.1 10.2.0.50\n")
        defer { try? FileManager.default.removeItem(atPath: old); try? FileManager.default.removeItem(atPath: new) }
        let run = try Self.ikehub(["config", "diff", old, new])
        #expect(run.status == 0)
        #expect(run.output.contains("ip local pool users"))
        #expect(run.output.contains("ip local pool guests"))
        let same = try Self.ikehub(["config", "diff", old, old])
        #expect(same.status == 0 && same.output == "no changes\n")
    }
}
