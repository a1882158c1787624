import Foundation
import Synchronization
import ZeroMQ

#if canImport(Glibc)
import Glibc
#endif

/// One I/O thread that owns a set of ZeroMQ sockets (the ownership rule of
/// `ZMQSocket`): it waits in `zmq_poll` on them and on a wake-up pipe, runs the
/// read handler of each readable socket, runs due timers, and runs work other
/// threads hand it with `execute`. No busy polling: with nothing to do the
/// thread sleeps in `zmq_poll` until a socket, the pipe or a timer is due.
///
/// Handlers and timers run on the loop thread and must not block. Async callers
/// hand work in with `execute` and are resumed from the loop thread through
/// continuations.
public final class IOLoop: @unchecked Sendable {
    // Everything below `mutex` is touched only on the loop thread, except
    // `wakeWriteFD` (pipe writes are thread-safe) and `inbox` (guarded by `mutex`).
    private struct Inbox {
        var work: [() -> Void] = []
        var stopping = false
    }

    private let mutex = Mutex(Inbox())
    private let wakeFD: Int32
    private let wakeWriteFD: Int32
    private var sockets: [(socket: ZMQSocket, onReadable: (ZMQSocket) -> Void)] = []
    private var poller: ZMQPoller?
    private var timers = TimerHeap()
    private var thread: Thread?
    private let finished = DispatchSemaphore(value: 0)
    /// The name of the thread, for debuggers and `top -H`.
    public let name: String

    /// Starts a loop thread named `name`.
    public init(name: String) throws(IPCError) {
        // A pipe, not an eventfd: Glibc's Swift module does not export eventfd.
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { throw .endpoint(reason: "pipe: errno \(errno)") }
        for fd in ends {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        self.wakeFD = ends[0]
        self.wakeWriteFD = ends[1]
        self.name = name
        let thread = Thread { [self] in run() }
        thread.name = name
        self.thread = thread
        thread.start()
    }

    deinit {
        close(wakeFD)
        close(wakeWriteFD)
    }

    /// Runs `work` on the loop thread soon (FIFO with other `execute` calls).
    /// Returns false if the loop has stopped; the work is then not run.
    @discardableResult
    public func execute(_ work: @escaping @Sendable () -> Void) -> Bool {
        // Only the first item after a drain needs a wake-up: the loop takes the
        // whole inbox at once, so later items ride on the same wake-up.
        let (accepted, needsWake) = mutex.withLock { inbox -> (Bool, Bool) in
            guard !inbox.stopping else { return (false, false) }
            inbox.work.append(work)
            return (true, inbox.work.count == 1)
        }
        if needsWake { wake() }
        return accepted
    }

    /// Loop thread only: adds `socket`, calling `onReadable` whenever at least one
    /// message can be received (it should receive until `nil`).
    public func addSocket(_ socket: ZMQSocket, onReadable: @escaping (ZMQSocket) -> Void) {
        sockets.append((socket, onReadable))
        poller = nil
    }

    /// Loop thread only: removes `socket` (it is closed when the last reference goes).
    public func removeSocket(_ socket: ZMQSocket) {
        sockets.removeAll { $0.socket === socket }
        poller = nil
    }

    /// Loop thread only: runs `action` on the loop thread at `due`.
    public func schedule(at due: MonotonicTime, _ action: @escaping () -> Void) {
        timers.insert(due: due, action: action)
    }

    /// Stops the thread after the work already handed in, closes its sockets and
    /// waits for it to end. Safe to call more than once, not from the loop thread.
    public func stop() {
        let first = mutex.withLock { inbox -> Bool in
            defer { inbox.stopping = true }
            return !inbox.stopping
        }
        guard first else { return }
        wake()
        finished.wait()
    }

    private func wake() {
        // A full pipe already holds a wake-up: EAGAIN is fine.
        var one: UInt8 = 1
        _ = Glibc.write(wakeWriteFD, &one, 1)
    }

    private func run() {
        while true {
            var drained = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
            while Glibc.read(wakeFD, &drained, 32) == 32 {}
            let (work, stopping) = mutex.withLock { inbox in
                defer { inbox.work.removeAll(keepingCapacity: true) }
                return (inbox.work, inbox.stopping)
            }
            for item in work { item() }
            if stopping { break }
            for action in timers.popDue(.now()) { action() }

            if poller == nil {
                poller = ZMQPoller(sockets.map { .socket($0.socket) } + [.fileDescriptor(wakeFD)])
            }
            let timeout: Int
            if let earliest = timers.earliest {
                timeout = Int(min(earliest.millisecondsFromNow(), 60_000))
            } else {
                timeout = -1
            }
            let ready = (try? poller?.wait(timeoutMilliseconds: timeout)) ?? []
            let current = sockets
            for index in ready where index < current.count {
                current[index].onReadable(current[index].socket)
            }
        }
        sockets.removeAll()
        poller = nil
        finished.signal()
    }
}
