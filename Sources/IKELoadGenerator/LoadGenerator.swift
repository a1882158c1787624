#if canImport(Glibc)
import Glibc
#endif
import HubVocabulary
import IKECrypto

/// How a load run goes.
public struct LoadRunOptions: Sendable {
    /// IKE SAs to set up.
    public var count: Int
    /// Setups in flight at once (closed loop); a finished one lets the next start.
    public var window: Int
    /// Our source addresses (on the client namespace's interface); SA i uses source
    /// i mod count, so each address holds at most ⌈window/sources⌉ half-open SAs (the
    /// responder limits half-open SAs per peer address).
    public var sources: [IPv4Address]
    public var gateway: IPv4Address
    public var ikePort: UInt16
    public var natTraversalPort: UInt16
    /// First retransmission timeout; each further one doubles it.
    public var retransmitMilliseconds: Int
    public var maximumRetransmissions: Int
    /// Stop waiting for setups after this long.
    public var deadlineSeconds: Double
    /// Keep the SAs this long after setup, answering DPD (0 = stop at once).
    public var holdSeconds: Double
    /// One KE key pair for the whole run (see `LoadInitiatorSA.init`); false = a fresh
    /// key pair per SA, as a real client has.
    public var shareKeyExchange: Bool

    public init(count: Int, window: Int, sources: [IPv4Address], gateway: IPv4Address, ikePort: UInt16 = 500,
                natTraversalPort: UInt16 = 4500, retransmitMilliseconds: Int = 2000, maximumRetransmissions: Int = 4,
                deadlineSeconds: Double = 120, holdSeconds: Double = 0, shareKeyExchange: Bool = true) {
        self.count = count
        self.window = window
        self.sources = sources
        self.gateway = gateway
        self.ikePort = ikePort
        self.natTraversalPort = natTraversalPort
        self.retransmitMilliseconds = retransmitMilliseconds
        self.maximumRetransmissions = maximumRetransmissions
        self.deadlineSeconds = deadlineSeconds
        self.holdSeconds = holdSeconds
        self.shareKeyExchange = shareKeyExchange
    }
}

/// The load initiator's I/O shell: one non-blocking UDP socket per source address, one
/// thread, `poll`, a retransmission heap. It sets up `count` IKE SAs with at most `window`
/// in flight, holds them and answers the responder's requests.
public final class LoadGenerator {
    private let profile: LoadProfile
    private let options: LoadRunOptions
    private var sockets: [Int32] = []
    private var pollSet: [pollfd] = []
    private var ikeDestination = sockaddr_in()
    private var natDestination = sockaddr_in()
    private let random = SystemRandom()

    private var sas: [LoadInitiatorSA?] = []
    private var bySPI: [UInt64: Int] = [:]
    private var startedAt: [UInt64] = []
    private var attempts: [UInt8] = []
    private var serials: [UInt32] = []
    private var timers = TimerHeap()
    private var latencies: [Double] = []
    private var report = LoadReport()
    private var inFlight = 0
    private var nextToStart = 0
    private var lastCompletion: UInt64 = 0
    private var sharedKeyExchange: KeyExchange?
    private var receiveBuffer = [UInt8](repeating: 0, count: 65_536)

    public init(profile: LoadProfile, options: LoadRunOptions) throws {
        guard !options.sources.isEmpty else { throw LoadGeneratorError.configuration("no source addresses") }
        self.profile = profile
        self.options = options
        ikeDestination = Self.socketAddress(options.gateway, options.ikePort)
        natDestination = Self.socketAddress(options.gateway, options.natTraversalPort)
        for source in options.sources {
            let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            guard fd >= 0 else { throw LoadGeneratorError.system("socket", errno) }
            var size: Int32 = 4 << 20
            _ = setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
            _ = setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, socklen_t(MemoryLayout<Int32>.size))
            var local = Self.socketAddress(source, 0)
            let bound = withUnsafePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard bound == 0 else {
                let error = errno
                close(fd)
                throw LoadGeneratorError.system("bind \(source)", error)
            }
            sockets.append(fd)
            pollSet.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0))
        }
        sas = Array(repeating: nil, count: options.count)
        startedAt = Array(repeating: 0, count: options.count)
        attempts = Array(repeating: 0, count: options.count)
        serials = Array(repeating: 0, count: options.count)
        bySPI.reserveCapacity(options.count)
        latencies.reserveCapacity(options.count)
        if options.shareKeyExchange { sharedKeyExchange = try KeyExchange(group: profile.suite.group) }
    }

    deinit { for fd in sockets { close(fd) } }

    /// Runs the setups, calls `afterSetup` with the setup report (the SAs are up and
    /// held), then holds them for `holdSeconds` and returns the final report.
    public func run(afterSetup: (LoadReport) -> Void = { _ in }) throws -> LoadReport {
        report.requested = options.count
        let cpuBefore = Self.processCPUMilliseconds()
        let start = Self.nowNanoseconds()
        let deadline = start + UInt64(options.deadlineSeconds * 1e9)
        while report.established + report.failed < options.count {
            while inFlight < options.window && nextToStart < options.count { try startNext() }
            let now = Self.nowNanoseconds()
            if now >= deadline { break }
            let wait = timers.nextDeadline.map { $0 > now ? Int32(min(($0 - now) / 1_000_000 + 1, 50)) : 0 } ?? 50
            try pollAndReceive(timeoutMilliseconds: wait)
            fireTimers(at: Self.nowNanoseconds())
        }
        report.timedOut = options.count - report.established - report.failed
        let end = lastCompletion > start ? lastCompletion : Self.nowNanoseconds()
        report.wallSeconds = Double(end - start) / 1e9
        report.establishedPerSecond = report.wallSeconds > 0 ? Double(report.established) / report.wallSeconds : 0
        latencies.sort()
        report.latencyP50Milliseconds = LoadReport.quantile(latencies, 0.50)
        report.latencyP90Milliseconds = LoadReport.quantile(latencies, 0.90)
        report.latencyP99Milliseconds = LoadReport.quantile(latencies, 0.99)
        report.latencyMaxMilliseconds = latencies.last ?? 0
        report.initiatorCPUMilliseconds = Self.processCPUMilliseconds() - cpuBefore
        report.initiatorCPUMillisecondsPerSA = report.established > 0
            ? report.initiatorCPUMilliseconds / Double(report.established) : 0
        report.sasRetransmitted = attempts.lazy.filter { $0 > 0 }.count
        report.cookieRounds = sas.reduce(0) { $0 + ($1?.cookieRounds ?? 0) }
        afterSetup(report)

        if options.holdSeconds > 0 {
            let answeredBefore = report.responderRequestsAnswered
            let holdCPU = Self.processCPUMilliseconds()
            let holdStart = Self.nowNanoseconds()
            let holdEnd = holdStart + UInt64(options.holdSeconds * 1e9)
            while Self.nowNanoseconds() < holdEnd {
                try pollAndReceive(timeoutMilliseconds: 100)
            }
            report.holdSeconds = Double(Self.nowNanoseconds() - holdStart) / 1e9
            report.holdRequestsAnswered = report.responderRequestsAnswered - answeredBefore
            report.holdInitiatorCPUMilliseconds = Self.processCPUMilliseconds() - holdCPU
        }
        return report
    }

    // MARK: - Setups

    private func startNext() throws {
        let index = nextToStart
        nextToStart += 1
        let keyExchange = try sharedKeyExchange ?? KeyExchange(group: profile.suite.group)
        var sa = try LoadInitiatorSA(index: index, profile: profile, keyExchange: keyExchange,
                                     gateway: .v4(options.gateway), gatewayPort: options.ikePort, random: random)
        let datagram = try sa.initialRequest()
        bySPI[sa.spi.rawValue] = index
        sas[index] = sa
        inFlight += 1
        let now = Self.nowNanoseconds()
        startedAt[index] = now
        send(datagram, for: index)
        armTimer(index, at: now)
    }

    private func armTimer(_ index: Int, at now: UInt64) {
        serials[index] &+= 1
        let timeout = UInt64(options.retransmitMilliseconds) * 1_000_000 << UInt64(min(Int(attempts[index]), 8))
        timers.push(.init(deadline: now + timeout, index: Int32(index), serial: serials[index]))
    }

    private func fireTimers(at now: UInt64) {
        while let due = timers.popDue(now: now) {
            let index = Int(due.index)
            guard serials[index] == due.serial, let request = sas[index]?.outstandingRequest else { continue }
            if Int(attempts[index]) >= options.maximumRetransmissions {
                complete(index, failure: "no answer after \(attempts[index]) retransmissions", at: now)
                continue
            }
            attempts[index] += 1
            report.retransmissions += 1
            send(request, for: index)
            armTimer(index, at: now)
        }
    }

    private func complete(_ index: Int, failure: String?, at now: UInt64) {
        inFlight -= 1
        lastCompletion = now
        serials[index] &+= 1
        if let failure {
            report.failed += 1
            let reason = String(failure.prefix(120))
            if report.failureReasons[reason] != nil || report.failureReasons.count < 10 {
                report.failureReasons[reason, default: 0] += 1
            }
            if let spi = sas[index]?.spi.rawValue { bySPI[spi] = nil }
            sas[index] = nil
        } else {
            report.established += 1
            if let method = sas[index]?.responderAuthenticationMethod { report.responderAuthenticationMethods[method, default: 0] += 1 }
            latencies.append(Double(now - startedAt[index]) / 1e6)
        }
    }

    // MARK: - I/O

    private func pollAndReceive(timeoutMilliseconds: Int32) throws {
        let ready = poll(&pollSet, nfds_t(pollSet.count), timeoutMilliseconds)
        if ready < 0 {
            if errno == EINTR { return }
            throw LoadGeneratorError.system("poll", errno)
        }
        guard ready > 0 else { return }
        for slot in pollSet.indices where pollSet[slot].revents != 0 {
            pollSet[slot].revents = 0
            drain(pollSet[slot].fd)
        }
    }

    private func drain(_ fd: Int32) {
        var from = sockaddr_in()
        while true {
            var fromLength = socklen_t(MemoryLayout<sockaddr_in>.size)
            let count = receiveBuffer.withUnsafeMutableBytes { buffer in
                withUnsafeMutablePointer(to: &from) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        recvfrom(fd, buffer.baseAddress, buffer.count, 0, $0, &fromLength)
                    }
                }
            }
            if count < 0 { return }   // EAGAIN: drained
            var offset = 0
            if UInt16(bigEndian: from.sin_port) == options.natTraversalPort {
                // RFC 3948: a NAT-keepalive is one 0xFF octet; IKE follows four zero octets.
                guard count >= 4 + 28, receiveBuffer[0] == 0, receiveBuffer[1] == 0, receiveBuffer[2] == 0,
                      receiveBuffer[3] == 0 else { continue }
                offset = 4
            }
            guard count - offset >= 28 else { continue }
            let bytes = Array(receiveBuffer[offset..<count])
            handle(bytes)
        }
    }

    private func handle(_ bytes: [UInt8]) {
        let spi = bytes[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard let index = bySPI[spi], var sa = sas[index] else {
            report.unmatchedDatagrams += 1
            return
        }
        sas[index] = nil   // take it out so the mutation below does not copy it
        let reaction = sa.receive(bytes, random: random)
        sas[index] = sa
        let now = Self.nowNanoseconds()
        switch reaction {
        case .none:
            break
        case .request(let datagram):
            attempts[index] = 0
            send(datagram, for: index)
            armTimer(index, at: now)
        case .response(let datagram):
            report.responderRequestsAnswered += 1
            send(datagram, for: index)
        case .established:
            complete(index, failure: nil, at: now)
        case .failed(let reason):
            complete(index, failure: reason, at: now)
        case .deleted(let response):
            report.responderRequestsAnswered += 1
            report.deletedByResponder += 1
            send(response, for: index)
        }
    }

    private static let marker: [UInt8] = [0, 0, 0, 0]

    private func send(_ datagram: LoadDatagram, for index: Int) {
        let fd = sockets[index % sockets.count]
        let bytes = datagram.port == .natTraversal ? Self.marker + datagram.bytes : datagram.bytes
        var destination = datagram.port == .natTraversal ? natDestination : ikeDestination
        let sent = bytes.withUnsafeBytes { buffer in
            withUnsafePointer(to: &destination) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, buffer.baseAddress, buffer.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
        if sent < 0 { report.sendFailures += 1 }
    }

    // MARK: - Helpers

    static func socketAddress(_ address: IPv4Address, _ port: UInt16) -> sockaddr_in {
        var result = sockaddr_in()
        result.sin_family = sa_family_t(AF_INET)
        result.sin_port = port.bigEndian
        result.sin_addr = in_addr(s_addr: address.rawValue.bigEndian)
        return result
    }

    static func nowNanoseconds() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }

    /// This process's user + system CPU time so far.
    public static func processCPUMilliseconds() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1000
    }
}

/// Retransmission deadlines, earliest first; stale entries (an older serial) are skipped
/// when they come up.
struct TimerHeap {
    struct Entry: Comparable {
        var deadline: UInt64
        var index: Int32
        var serial: UInt32

        static func < (lhs: Entry, rhs: Entry) -> Bool { lhs.deadline < rhs.deadline }
    }

    private var heap = MinHeap<Entry>()

    var nextDeadline: UInt64? { heap.first?.deadline }

    mutating func push(_ entry: Entry) { heap.insert(entry) }

    mutating func popDue(now: UInt64) -> Entry? {
        guard let first = heap.first, first.deadline <= now else { return nil }
        return heap.popFirst()
    }
}
