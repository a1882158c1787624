import Foundation

/// What a process does with a signal, from `/proc/<pid>/status` (the `SigCgt` mask, one bit
/// per signal, bit 0 = signal 1).
enum SignalDisposition {
    /// True when process `pid` has a handler for `signal`; false while it still has the
    /// default action or ignores it, and when the process is gone.
    static func catches(_ signal: Int32, pid: pid_t) -> Bool {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return false }
        return catches(signal, status: status)
    }

    /// The same, from the text of a status file.
    static func catches(_ signal: Int32, status: String) -> Bool {
        guard signal >= 1, signal <= 64,
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("SigCgt:") }),
              let mask = UInt64(line.dropFirst("SigCgt:".count).trimmingCharacters(in: .whitespaces), radix: 16) else { return false }
        return mask & (1 << UInt64(signal - 1)) != 0
    }
}
