import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A daemon's durable state directory (`/var/lib/ikehub/<process>`): created
/// 0700, and locked with `flock` so that two copies of one daemon never share it.
public final class StateDirectory: Sendable {
    /// The absolute path.
    public let path: String
    private let lockFD: Int32

    /// Why a state directory cannot be used.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Creates and locks `path`. Throws if another process holds the lock.
    public init(path: String) throws(Failure) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw Failure(description: "cannot create state directory \(path): \(error)")
        }
        _ = chmod(path, 0o700)
        let lockPath = path + "/.lock"
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Failure(description: "cannot open \(lockPath): errno \(errno)") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw Failure(description: "state directory \(path) is in use by another process (\(lockPath) is locked)")
        }
        self.path = path
        self.lockFD = fd
    }

    deinit {
        close(lockFD)  // releases the lock
    }

    /// Writes `data` to `name` atomically (temporary file, fsync, rename), so a
    /// crash leaves either the old or the new content.
    public func writeAtomically(_ data: [UInt8], to name: String) throws(Failure) {
        let final = path + "/" + name
        let temporary = final + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Failure(description: "cannot write \(temporary): errno \(errno)") }
        let written = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd)
        close(fd)
        guard written == data.count, synced == 0, rename(temporary, final) == 0 else {
            throw Failure(description: "cannot write \(final): errno \(errno)")
        }
    }

    /// The content of `name`, or nil if it does not exist.
    public func read(_ name: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path + "/" + name).map { [UInt8]($0) }
    }
}
