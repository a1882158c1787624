import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The directory that holds a host's `ipc://` sockets (`/run/ikehub`): created
/// with mode 0700 and checked to belong to us, so only the owner can connect
/// (DESIGN.md §3: same host, `ipc://` with file permissions).
public struct RuntimeDirectory: Sendable {
    /// The absolute path.
    public let path: String

    /// Creates the directory (and parents) if needed, sets mode 0700, and refuses a
    /// directory owned by someone else or reachable through a symbolic link.
    public init(path: String) throws(IPCError) {
        if mkdir(path, 0o700) != 0 && errno != EEXIST {
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            } catch {
                throw .endpoint(reason: "cannot create runtime directory \(path): \(error)")
            }
        }
        var info = stat()
        guard lstat(path, &info) == 0 else { throw .endpoint(reason: "cannot stat runtime directory \(path): errno \(errno)") }
        guard info.st_mode & S_IFMT == S_IFDIR else { throw .endpoint(reason: "runtime directory \(path) is not a directory") }
        guard info.st_uid == geteuid() else {
            throw .endpoint(reason: "runtime directory \(path) belongs to uid \(info.st_uid), not to us (\(geteuid()))")
        }
        if info.st_mode & 0o777 != 0o700, chmod(path, 0o700) != 0 {
            throw .endpoint(reason: "cannot set mode 0700 on \(path): errno \(errno)")
        }
        self.path = path
    }

    /// The `ipc://` endpoint of socket `name` in this directory.
    public func endpoint(_ name: String) -> String { "ipc://\(path)/\(name).sock" }

    /// Makes the socket file of a bound `ipc://` endpoint owner-only (0600); the
    /// directory already keeps others out, this is defence in depth.
    public static func restrictSocketFile(of endpoint: String) {
        guard endpoint.hasPrefix("ipc://") else { return }
        _ = chmod(String(endpoint.dropFirst(6)), 0o600)
    }
}
