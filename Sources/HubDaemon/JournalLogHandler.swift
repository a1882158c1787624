import Foundation
public import Logging

/// A value that must not appear in logs as is: user names, identities (STYLE.md
/// §13). The journal handler prints `<redacted>` unless the operator started the
/// process with `IKEHUB_LOG_SENSITIVE=1` (for debugging on a lab box). Secrets
/// (keys, PSKs, MSKs) are never logged at all, not even this way.
public struct Sensitive: CustomStringConvertible, Sendable {
    /// The real value, read only by `JournalLogHandler` when allowed.
    let value: String

    public init(_ value: String) { self.value = value }

    public var description: String { "<redacted>" }
}

extension Logger.MetadataValue {
    /// Metadata that the journal handler redacts (`Sensitive`).
    public static func sensitive(_ value: String) -> Logger.MetadataValue {
        .stringConvertible(Sensitive(value))
    }
}

/// One line per event on stderr, journald-friendly: when stderr is connected to
/// the journal (`JOURNAL_STREAM` is set, systemd.exec(5)) each line starts with
/// the syslog priority `<N>` (sd-daemon(3)) and carries no timestamp, which the
/// journal adds; otherwise lines carry an ISO 8601 timestamp and the level.
public struct JournalLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    private let label: String
    private let toJournal: Bool
    private let revealSensitive: Bool

    /// A handler for `label` (the process name) at `level`.
    public init(label: String, level: Logger.Level = .info, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.label = label
        self.logLevel = level
        self.toJournal = environment["JOURNAL_STREAM"] != nil
        self.revealSensitive = environment["IKEHUB_LOG_SENSITIVE"] == "1"
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// sd-daemon(3) priorities: 7 debug, 6 info, 5 notice, 4 warning, 3 err, 2 crit.
    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    public func log(event: LogEvent) {
        let line = format(event: event)
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// The line `log` writes, without its newline.
    public func format(event: LogEvent) -> String {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        let fields = merged.keys.sorted().map { "\($0)=\(render(merged[$0]!))" }.joined(separator: " ")
        let text = fields.isEmpty ? "\(event.message)" : "\(event.message) \(fields)"
        if toJournal {
            return "<\(Self.priority(event.level))>\(text)"
        }
        return "\(Self.timestamp()) \(label)[\(getpid())] \(event.level): \(text)"
    }

    /// UTC as ISO 8601 (`2001-09-09T01:46:40Z`), from the C library: a Foundation
    /// ISO8601DateFormatter per line made ICU a seventh of tunneld's and addrd's CPU
    /// under setup load (perf, 3,000 sessions).
    static func timestamp(_ seconds: time_t = time(nil)) -> String {
        var moment = seconds
        var parts = tm()
        guard gmtime_r(&moment, &parts) != nil else { return "\(seconds)" }
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }

    private func render(_ value: Logger.MetadataValue) -> String {
        switch value {
        case .string(let text): return quoted(text)
        case .stringConvertible(let convertible):
            if revealSensitive, let sensitive = convertible as? Sensitive { return quoted(sensitive.value) }
            return quoted(convertible.description)
        case .array(let values): return "[" + values.map(render).joined(separator: ",") + "]"
        case .dictionary(let values):
            return "{" + values.keys.sorted().map { "\($0):\(render(values[$0]!))" }.joined(separator: ",") + "}"
        }
    }

    private func quoted(_ text: String) -> String {
        guard text.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" }) else { return text }
        var escaped = "\""
        for character in text {
            if character == "\"" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped + "\""
    }
}
