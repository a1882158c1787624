import Foundation

/// Runs blocking work (a `zmq_poll` on a raw socket, waiting for a process) on
/// a thread of its own, so it never holds one of the cooperative pool's threads:
/// on a 2-core machine the pool has 2, and the IPC handlers under test need them.
func offPool<Result: Sendable>(_ body: @escaping @Sendable () throws -> Result) async throws -> Result {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            do {
                continuation.resume(returning: try body())
            } catch {
                continuation.resume(throwing: error)
            }
        }
        thread.start()
    }
}
