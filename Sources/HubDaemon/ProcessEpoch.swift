import Foundation
public import HubIPC

#if canImport(Glibc)
import Glibc
#endif

/// This run of a process: a random non-zero 64-bit epoch and the start time.
/// Announced on the events socket at start (and to every new subscriber); a
/// peer seeing a new epoch resynchronises (DESIGN.md §4).
public struct ProcessEpoch: Sendable, CustomStringConvertible {
    /// The process name (`ikehub-authd`).
    public let process: String
    /// Random, never 0.
    public let value: UInt64
    /// Unix milliseconds at start.
    public let startedAtMilliseconds: Int64

    public init(process: String) {
        self.process = process
        var generator = SystemRandomNumberGenerator()
        var value: UInt64 = 0
        while value == 0 { value = generator.next() }
        self.value = value
        self.startedAtMilliseconds = Int64(Date().timeIntervalSince1970 * 1000)
    }

    /// The `ProcessEpoch` event message.
    public var announcement: IPCv1ProcessEpoch {
        .with {
            $0.process = process
            $0.epoch = value
            $0.startedAtMs = startedAtMilliseconds
            $0.pid = UInt32(clamping: getpid())
            $0.schemaMajor = IPCSchema.major
            $0.schemaMinor = IPCSchema.minor
        }
    }

    public var description: String { String(value, radix: 16) }
}
