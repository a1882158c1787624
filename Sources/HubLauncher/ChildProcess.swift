import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Starts a process with `posix_spawn` and reports its exit from a thread that
/// waits for it (`waitpid` on its PID only, so other children of the host
/// process are left alone).
enum ChildProcess {
    /// Why a spawn failed.
    struct SpawnFailure: Error, CustomStringConvertible {
        let description: String
    }

    /// How a process ended.
    enum Exit: Sendable, Equatable, CustomStringConvertible {
        case exited(Int32)
        case signalled(Int32)

        var description: String {
            switch self {
            case .exited(let status): "exited with status \(status)"
            case .signalled(let signal): "killed by signal \(signal)"
            }
        }
    }

    /// Spawns `spec`; calls `onExit` (on a background thread) when it ends.
    static func spawn(_ spec: ProcessSpec, onExit: @escaping @Sendable (Exit) -> Void) throws(SpawnFailure) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let logFile = spec.logFile {
            posix_spawn_file_actions_addopen(&actions, 1, logFile, O_WRONLY | O_CREAT | O_APPEND, 0o600)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        let argv = ([spec.executable] + spec.arguments).map { strdup($0) }
        defer { argv.forEach { free($0) } }
        // The environment plus IKEHUB_PARENT_PID, so a child stops by itself if the
        // launcher is killed (HubDaemon's parent watch) instead of lingering.
        var environment = ProcessInfo.processInfo.environment
        environment["IKEHUB_PARENT_PID"] = String(getpid())
        let envp = environment.map { strdup("\($0.key)=\($0.value)") }
        defer { envp.forEach { free($0) } }
        var pid: pid_t = 0
        var arguments: [UnsafeMutablePointer<CChar>?] = argv + [nil]
        var environmentPointers: [UnsafeMutablePointer<CChar>?] = envp + [nil]
        let result = arguments.withUnsafeMutableBufferPointer { pointer in
            environmentPointers.withUnsafeMutableBufferPointer { environmentPointer in
                posix_spawn(&pid, spec.executable, &actions, nil, pointer.baseAddress!, environmentPointer.baseAddress!)
            }
        }
        guard result == 0 else {
            throw SpawnFailure(description: "cannot start \(spec.name) (\(spec.executable)): \(String(cString: strerror(result)))")
        }
        let watched = pid
        let thread = Thread {
            var status: Int32 = 0
            while waitpid(watched, &status, 0) < 0 && errno == EINTR {}
            // WIFEXITED / WTERMSIG are macros; decode the status word by hand.
            let signal = status & 0x7f
            onExit(signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal))
        }
        thread.name = "wait-\(spec.name)"
        thread.start()
        return pid
    }
}
