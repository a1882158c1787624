#if canImport(Glibc)
import Glibc
#endif

/// A dedicated POSIX thread for a packet loop: packet I/O blocks in `poll`, so it must not run
/// on Swift's cooperative pool (it would starve async tasks of the process).
/// Sendable: `join` may be called from any thread (once).
final class PlaneThread: @unchecked Sendable {
    private final class Body {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }

    private var thread = pthread_t()

    /// Starts `body` on a new thread; `nil` if the system refuses a thread.
    init?(_ body: @escaping () -> Void) {
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        let created = pthread_create(&thread, nil, { context in
            Unmanaged<Body>.fromOpaque(context!).takeRetainedValue().run()
            return nil
        }, context)
        guard created == 0 else {
            Unmanaged<Body>.fromOpaque(context).release()
            return nil
        }
    }

    /// Waits for the thread to return.
    func join() {
        pthread_join(thread, nil)
    }
}

/// A self-pipe to wake a thread blocked in `poll` (stop, or a change to poll for).
final class WakeupPipe {
    let readDescriptor: Int32
    private let writeDescriptor: Int32

    init?() {
        var descriptors: [Int32] = [0, 0]
        guard pipe(&descriptors) == 0 else { return nil }
        for descriptor in descriptors {
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        }
        readDescriptor = descriptors[0]
        writeDescriptor = descriptors[1]
    }

    deinit {
        close(readDescriptor)
        close(writeDescriptor)
    }

    /// Makes the read end readable (a full pipe is already readable, so EAGAIN is fine).
    func signal() {
        var byte: UInt8 = 1
        _ = write(writeDescriptor, &byte, 1)
    }

    /// Empties the pipe.
    func drain() {
        var scratch = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        while withUnsafeMutableBytes(of: &scratch, { read(readDescriptor, $0.baseAddress, $0.count) }) > 0 {}
    }
}
