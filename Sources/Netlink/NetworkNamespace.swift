internal import CLinux
#if canImport(Glibc)
import Glibc
#endif

/// Runs work inside another network namespace without moving the process: the network
/// namespace is per thread on Linux, and a socket (netlink, UDP) or TUN interface made by
/// a thread belongs to that thread's namespace for good. So `run` starts a thread, joins
/// the namespace there, runs `body`, and ends the thread; what `body` created stays in
/// the namespace while the rest of the process stays where it is.
public enum NetworkNamespace {
    /// `/run/netns/NAME`, where `ip netns add` puts named namespaces.
    public static func path(named name: String) -> String { "/run/netns/\(name)" }

    public static func run<Result: Sendable>(inNamespaceAt path: String,
                                             _ body: @escaping @Sendable () throws(NetlinkError) -> Result) throws(NetlinkError) -> Result {
        let holder = ResultHolder<Result>()
        let work = NamespaceThreadWork(path: path) { () throws(NetlinkError) in holder.value = try body() }
        var thread = pthread_t()
        let started = pthread_create(&thread, nil, { raw in
            let work = Unmanaged<NamespaceThreadWork>.fromOpaque(raw!).takeUnretainedValue()
            work.runInNamespace()
            return nil
        }, Unmanaged.passUnretained(work).toOpaque())
        guard started == 0 else { throw .system(call: "pthread_create", errorNumber: started) }
        pthread_join(thread, nil)
        if let failure = work.failure { throw failure }
        guard let value = holder.value else { throw .system(call: "namespace thread", errorNumber: EINVAL) }
        return value
    }
}

/// The result a namespace thread hands back (written by that thread before it ends,
/// read after `pthread_join`).
private final class ResultHolder<Value>: @unchecked Sendable {
    var value: Value?
}

/// What the namespace thread does: join the namespace, run the work.
private final class NamespaceThreadWork: @unchecked Sendable {
    let path: String
    let work: @Sendable () throws(NetlinkError) -> Void
    var failure: NetlinkError?

    init(path: String, work: @escaping @Sendable () throws(NetlinkError) -> Void) {
        self.path = path
        self.work = work
    }

    func runInNamespace() {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            failure = .system(call: "open \(path)", errorNumber: errno)
            return
        }
        defer { close(fd) }
        guard setns(fd, SHIM_CLONE_NEWNET) == 0 else {
            failure = .system(call: "setns \(path)", errorNumber: errno)
            return
        }
        do { try work() } catch { failure = error }
    }
}
