import Foundation
public import Logging

#if canImport(Glibc)
import Glibc
#endif

/// Starts every process of a `LauncherConfiguration`, restarts one that exits
/// on its own (after a backoff that doubles with each crash and resets once it
/// has run for `stableAfter`), and stops them in reverse start order.
public actor Supervisor {
    private struct Child {
        let spec: ProcessSpec
        var pid: pid_t?
        var restarts = 0
        var backoff: Duration
        var startedAt = ContinuousClock.now
    }

    private let configuration: LauncherConfiguration
    private let logger: Logger
    private var children: [String: Child] = [:]
    private var stopping = false
    private var exitWaiters: [pid_t: CheckedContinuation<Void, Never>] = [:]
    private var exited: Set<pid_t> = []

    public init(configuration: LauncherConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        for spec in configuration.processes {
            children[spec.name] = Child(spec: spec, backoff: configuration.initialBackoff)
        }
    }

    /// Starts the processes in order. Throws if one cannot be spawned at all
    /// (missing executable); the ones already started are stopped again.
    public func start() async throws {
        for spec in configuration.processes {
            do {
                try launch(spec.name)
            } catch {
                logger.critical("\(error)")
                await stop()
                throw error
            }
            // Let each process bind its endpoints before the next one connects.
            try? await Task.sleep(for: .milliseconds(100))
        }
    }

    /// The PID of process `name`, nil while it is down.
    public func pid(of name: String) -> Int32? { children[name]?.pid }

    /// How often process `name` has been restarted.
    public func restarts(of name: String) -> Int { children[name]?.restarts ?? 0 }

    /// Sends `signal` to every process that is running, in start order, and returns
    /// their names. SIGHUP this way makes each child reload its configuration (or say
    /// that it does not), which is what `systemctl reload` of the launcher means.
    ///
    /// A child that has not yet trapped `signal` is signalled once it has (checked every
    /// 20 ms for up to `trapWait`): exec resets the launcher's own SIGHUP handler to the
    /// default action in the child, which would end a child still starting (seen in CI:
    /// a SIGHUP right after a restart killed ikehub-addrd before it installed its handler).
    @discardableResult
    public func signalChildren(_ signal: Int32, trapWait: Duration = .seconds(10)) async -> [String] {
        var signalled: [String] = []
        var starting: [(name: String, pid: pid_t)] = []
        for spec in configuration.processes {
            guard let pid = children[spec.name]?.pid else { continue }
            if SignalDisposition.catches(signal, pid: pid) {
                if deliver(signal, to: spec.name, pid: pid) { signalled.append(spec.name) }
            } else {
                starting.append((spec.name, pid))
            }
        }
        let end = ContinuousClock.now + trapWait
        while !starting.isEmpty {
            guard ContinuousClock.now < end else {
                for (name, pid) in starting {
                    logger.warning("\(name) (pid \(pid)) did not trap signal \(signal) within \(trapWait): not signalled")
                }
                break
            }
            try? await Task.sleep(for: .milliseconds(20))
            starting.removeAll { name, pid in
                // Gone or replaced: a new process reads the configuration as it starts.
                guard children[name]?.pid == pid else { return true }
                guard SignalDisposition.catches(signal, pid: pid) else { return false }
                if deliver(signal, to: name, pid: pid) { signalled.append(name) }
                return true
            }
        }
        return signalled
    }

    private func deliver(_ signal: Int32, to name: String, pid: pid_t) -> Bool {
        if kill(pid, signal) == 0 { return true }
        logger.warning("\(name) (pid \(pid)): signal \(signal) not delivered: \(String(cString: strerror(errno)))")
        return false
    }

    /// Stops every process in reverse start order: SIGTERM, then SIGKILL if it
    /// is still running after `stopGrace`. No restart happens after this.
    public func stop() async {
        stopping = true
        for spec in configuration.processes.reversed() {
            guard let pid = children[spec.name]?.pid else { continue }
            logger.info("stopping \(spec.name) (pid \(pid))")
            kill(pid, SIGTERM)
            let stopped = await waitForExit(pid, timeout: configuration.stopGrace)
            if !stopped {
                logger.warning("\(spec.name) (pid \(pid)) did not stop within the grace period: SIGKILL")
                kill(pid, SIGKILL)
                _ = await waitForExit(pid, timeout: .seconds(5))
            }
            children[spec.name]?.pid = nil
        }
        logger.info("all processes stopped")
    }

    // MARK: - Internals

    private func launch(_ name: String) throws {
        guard let child = children[name] else { return }
        let pid = try ChildProcess.spawn(child.spec) { [weak self] exit in
            guard let self else { return }
            Task { await self.processExited(name: name, exit: exit) }
        }
        children[name]?.pid = pid
        children[name]?.startedAt = .now
        logger.info("started \(name) pid \(pid)", metadata: ["process.name": "\(name)", "process.pid": "\(pid)"])
    }

    private func processExited(name: String, exit: ChildProcess.Exit) async {
        guard var child = children[name], let pid = child.pid else { return }
        exited.insert(pid)
        exitWaiters.removeValue(forKey: pid)?.resume()
        child.pid = nil
        children[name] = child
        guard !stopping else { return }
        if ContinuousClock.now - child.startedAt >= configuration.stableAfter {
            child.backoff = configuration.initialBackoff
        }
        let delay = child.backoff
        child.backoff = min(child.backoff * 2, configuration.maximumBackoff)
        child.restarts += 1
        children[name] = child
        logger.error("\(name) (pid \(pid)) \(exit): restarting in \(delay)")
        try? await Task.sleep(for: delay)
        guard !stopping else { return }
        do {
            try launch(name)
        } catch {
            logger.critical("\(error)")
        }
    }

    private func waitForExit(_ pid: pid_t, timeout: Duration) async -> Bool {
        if exited.contains(pid) { return true }
        let timer = Task { [weak self] in
            try? await Task.sleep(for: timeout)
            await self?.timeOut(pid)
        }
        await withCheckedContinuation { continuation in exitWaiters[pid] = continuation }
        timer.cancel()
        return exited.contains(pid)
    }

    private func timeOut(_ pid: pid_t) {
        exitWaiters.removeValue(forKey: pid)?.resume()
    }
}
