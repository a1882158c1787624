import Foundation
import Logging
import Synchronization

/// Keeps every log line in memory, for tests that assert what was logged.
final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }

    func logger(_ label: String = "test") -> Logger {
        var logger = Logger(label: label) { _ in CapturingLogHandler(capture: self) }
        logger.logLevel = .debug
        return logger
    }
}

struct CapturingLogHandler: LogHandler {
    let capture: LogCapture
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .debug

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        capture.append("\(event.level) \(event.message)")
    }
}

/// A fresh private directory for a test's `ipc://` sockets.
func makeTestDirectory(_ name: String) -> String {
    let path = "/tmp/ikehub-test-\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    return path
}
