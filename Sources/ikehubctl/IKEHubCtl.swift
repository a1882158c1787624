import Foundation
import HubIPC
import Logging
import ZeroMQ

/// `ikehubctl`: the operator's IOS-style `show` and `clear` commands over the control IPC
/// (control.proto). Each command asks the process that owns the topic and lays the rows out
/// as IOS prints them.
@main
struct IKEHubCtl {
    static let usage = """
        usage: ikehubctl [--runtime-dir DIR] COMMAND
          show crypto session [detail]
          show crypto ikev2 sa [detail]
          show crypto session history
          show ip local pool
          clear crypto session [remote ADDRESS | username NAME]
        """

    static func main() async {
        var arguments = Array(CommandLine.arguments.dropFirst())
        var runtimeDirectory = "/run/ikehub"
        if let index = arguments.firstIndex(of: "--runtime-dir"), index + 1 < arguments.count {
            runtimeDirectory = arguments[index + 1]
            arguments.removeSubrange(index...(index + 1))
        }
        let words = arguments.map { $0.lowercased() }
        do {
            let output = try await run(words: words, original: arguments, runtimeDirectory: runtimeDirectory)
            print(output, terminator: "")
        } catch let error as CommandError {
            FileHandle.standardError.write(Data("ikehubctl: \(error.message)\n".utf8))
            exit(error.isUsage ? 64 : 1)
        } catch {
            FileHandle.standardError.write(Data("ikehubctl: \(error)\n".utf8))
            exit(1)
        }
    }

    struct CommandError: Error {
        let message: String
        var isUsage = false
    }

    static func run(words: [String], original: [String], runtimeDirectory: String) async throws -> String {
        func matches(_ command: [String]) -> Bool {
            words.count >= command.count && zip(words, command).allSatisfy { word, keyword in keyword.hasPrefix(word) }
        }
        let detail = words.last.map { "detail".hasPrefix($0) && $0.count >= 3 } ?? false
        if matches(["show", "crypto", "session", "history"]) {
            let history = try await show(.cryptoSessionHistory, process: "ike", runtimeDirectory: runtimeDirectory)
            return IOSLayout.refusals(history)
        }
        if matches(["show", "crypto", "session"]) {
            let reply = try await show(.cryptoSession, process: "ike", runtimeDirectory: runtimeDirectory)
            guard detail else { return IOSLayout.cryptoSession(reply, detail: false) }
            // detail: the sessions, then the set-ups that were refused, with the rule.
            let history = try await show(.cryptoSessionHistory, process: "ike", runtimeDirectory: runtimeDirectory)
            return IOSLayout.cryptoSession(reply, detail: true) + IOSLayout.refusals(history)
        }
        if matches(["show", "crypto", "ikev2", "sa"]) {
            let reply = try await show(.ikev2Sa, process: "ike", runtimeDirectory: runtimeDirectory)
            return IOSLayout.ikev2SA(reply, detail: detail)
        }
        if matches(["show", "ip", "local", "pool"]) {
            let reply = try await show(.localPool, process: "addrd", runtimeDirectory: runtimeDirectory)
            return IOSLayout.table(reply)
        }
        if matches(["clear", "crypto", "session"]) {
            let filter = original.dropFirst(3).joined(separator: " ")
            let body = IPCv1Envelope.OneOf_Body.clearRequest_p(.with { $0.topic = .clearCryptoSession; $0.filter = filter })
            let reply = try await request(body, process: "ike", runtimeDirectory: runtimeDirectory)
            guard case .clearReply_p(let cleared) = reply.body else { throw CommandError(message: "ikehub-ike answered \(reply.bodyName)") }
            return "cleared \(cleared.cleared) session(s)\n"
        }
        throw CommandError(message: "unknown command '\(original.joined(separator: " "))'\n\(usage)", isUsage: true)
    }

    static func show(_ topic: IPCv1ShowTopic, process: String, runtimeDirectory: String) async throws -> IPCv1ShowReply {
        let reply = try await request(.showRequest(.with { $0.topic = topic }), process: process, runtimeDirectory: runtimeDirectory)
        guard case .showReply(let rows) = reply.body else { throw CommandError(message: "ikehub-\(process) answered \(reply.bodyName)") }
        return rows
    }

    static func request(_ body: IPCv1Envelope.OneOf_Body, process: String, runtimeDirectory: String) async throws -> IPCv1Envelope {
        let context = try ZMQContext()
        let logger = Logger(label: "ikehubctl")
        let client = try IPCClient(connectingTo: "ipc://\(runtimeDirectory)/\(process).sock", context: context, logger: logger)
        defer { client.close() }
        do {
            // Retried: a fresh DEALER may drop what it sends before its connection is up.
            return try await client.request(body, policy: RetryPolicy(deadline: .seconds(6), attemptTimeout: .milliseconds(500), maximumAttempts: 12))
        } catch {
            throw CommandError(message: "ikehub-\(process) at ipc://\(runtimeDirectory)/\(process).sock: \(error)")
        }
    }
}
