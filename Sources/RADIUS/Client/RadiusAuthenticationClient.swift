import HubVocabulary
import Metrics
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// One server of a group as `radius server NAME` describes it.
public struct RadiusAuthenticationServer: Sendable, CustomStringConvertible {
    /// The `radius server` name (or the address of a legacy `radius-server host`).
    public var name: String
    public var endpoint: RadiusServerEndpoint
    /// IOS `timeout` (default 5 s): wait for an answer before retransmitting.
    public var timeout: Duration
    /// IOS `retransmit` (default 3): sends after the first before the next server.
    public var retransmit: Int

    public init(name: String, endpoint: RadiusServerEndpoint, timeout: Duration = .seconds(5), retransmit: Int = 3) {
        self.name = name
        self.endpoint = endpoint
        self.timeout = timeout
        self.retransmit = retransmit
    }

    public var description: String { "\(name) (\(endpoint.host):\(endpoint.authenticationPort))" }
}

/// `aaa group server radius NAME`: its servers in failover order.
public struct RadiusServerGroupConfiguration: Sendable {
    public var name: String
    public var servers: [RadiusAuthenticationServer]
    /// IOS `deadtime MINUTES` (group) / `radius-server deadtime`: how long a server that
    /// did not answer is skipped. Zero (the IOS default) marks no server dead: each
    /// request tries the group in order again.
    public var deadtime: Duration
    /// NAS-Identifier (RFC 2865 §5.32) added to every request that has no NAS-IP-Address
    /// or NAS-Identifier of its own.
    public var nasIdentifier: String

    public init(name: String, servers: [RadiusAuthenticationServer], deadtime: Duration = .zero, nasIdentifier: String = "ikehub") {
        self.name = name
        self.servers = servers
        self.deadtime = deadtime
        self.nasIdentifier = nasIdentifier
    }
}

/// A verified Access-Accept, -Reject or -Challenge, with what is needed to decrypt its
/// salt-encrypted attributes (the secret and the Request Authenticator it answers).
public struct RadiusAccessResult: Sendable {
    public let packet: RadiusPacket
    /// The typed attributes, VSAs unpacked.
    public let attributes: [RadiusAttribute]
    /// The server that answered.
    public let server: String
    let requestAuthenticator: [UInt8]
    let secret: SecretBytes

    public var code: RadiusCode { packet.code }
    /// The reassembled EAP-Message (RFC 3579 §3.1), if any.
    public var eapMessage: [UInt8]? { packet.eapMessage }
    /// The State to copy into the next Access-Request (RFC 2865 §5.24).
    public var state: [UInt8]? { packet.values(of: UInt8(RadiusAttributeType.state)).first }
    /// The Reply-Message texts.
    public var replyMessages: [String] {
        packet.values(of: UInt8(RadiusAttributeType.replyMessage)).map { String(decoding: $0, as: UTF8.self) }
    }
    /// Every `cisco-avpair` (vendor 9, type 1) value, in order.
    public var ciscoAVPairs: [String] {
        attributes.filter { $0.vendor == RadiusVendor.cisco && $0.type == 1 }.compactMap(\.text)
    }

    /// RFC 2548 §2.4.2 MS-MPPE-Recv-Key and MS-MPPE-Send-Key, decrypted; nil when the
    /// reply has neither.
    public func mppeKeys() throws(RadiusPacketError) -> (receive: SecretBytes, send: SecretBytes)? {
        func key(_ type: UInt32, _ name: String) throws(RadiusPacketError) -> SecretBytes? {
            guard let attribute = attributes.first(where: { $0.vendor == RadiusVendor.microsoft && $0.type == type }),
                  case .bytes(let value) = attribute.value else { return nil }
            return try RadiusPacket.saltDecrypt(value, secret: secret.revealedBytes(), requestAuthenticator: requestAuthenticator,
                                                attribute: name)
        }
        let receive = try key(17, "MS-MPPE-Recv-Key")
        let send = try key(16, "MS-MPPE-Send-Key")
        guard receive != nil || send != nil else { return nil }
        return (receive ?? SecretBytes([]), send ?? SecretBytes([]))
    }

    /// RFC 2868 §3.5 Tunnel-Password (Tag, Salt, String), decrypted; nil when absent.
    public func tunnelPassword() throws(RadiusPacketError) -> SecretBytes? {
        guard let value = packet.values(of: UInt8(RadiusAttributeType.tunnelPassword)).first else { return nil }
        guard value.count >= 19 else {
            throw .invalid(field: "Tunnel-Password", reason: "\(value.count) octets, need a tag, a salt and 16·n")
        }
        // The first octet is a tag (0x00-0x1F) when it is below 0x20 (RFC 2868 §3.5).
        let body = value[0] < 0x20 ? Array(value[1...]) : value
        return try RadiusPacket.saltDecrypt(body, secret: secret.revealedBytes(), requestAuthenticator: requestAuthenticator,
                                            attribute: "Tunnel-Password")
    }
}

/// The RADIUS authentication client of one server group: Access-Requests over UDP with a
/// Message-Authenticator first in every request, responses accepted only with a valid
/// Response Authenticator *and* Message-Authenticator (RFC 3579 §3.2, the CVE-2024-3596
/// "Blast-RADIUS" mitigation of draft-ietf-radext-deprecating-radius), failover through
/// the group in order, retransmits and time-outs per server, dead-server marking for the
/// group's `deadtime`.
///
/// Why not radcli here (radcli stays in use for accounting, `RadcliClient`): the installed
/// radcli is 1.2.11, and its `lib/sendserver.c` (checked up to tag 1.3.1) adds a
/// Message-Authenticator only to requests that carry EAP-Message (`add_msg_auth_attr`)
/// and `rc_check_reply` checks only the MD5 Response Authenticator (with `memcmp`, not in
/// constant time): nothing verifies or requires a Message-Authenticator in a response,
/// so PSK-from-AAA and authorization replies could be forged by Blast-RADIUS. Also the
/// MS-MPPE and Tunnel-Password decryption needs the Request Authenticator of each send,
/// which radcli keeps inside `rc_aaa`. A pure RFC 2865 codec (`RadiusPacket`, byte-exact
/// tests) over a connected UDP socket is smaller than working around both.
///
/// Each request runs on a thread of its own (blocking `poll`), off the Swift cooperative
/// pool, with its own socket: a new source port per request, so Identifiers never
/// collide between concurrent requests.
public final class RadiusAuthenticationClient: Sendable {
    public let group: RadiusServerGroupConfiguration
    private let state: Mutex<GroupState>
    private let droppedCounters: [RadiusResponseDrop: Counter]

    private struct GroupState {
        /// Per server: skipped until then.
        var deadUntil: [ContinuousClock.Instant?]
        var dropped: [RadiusResponseDrop: Int] = [:]
        var answeredBy: [String: Int] = [:]
    }

    public init(group: RadiusServerGroupConfiguration) throws(RadiusClientError) {
        guard !group.servers.isEmpty else {
            throw .invalidValue(field: "aaa group server radius \(group.name)", reason: "the group has no server with an address and a key")
        }
        for server in group.servers {
            guard IPAddress(server.endpoint.host) != nil else {
                throw .invalidValue(field: "radius server \(server.name) address", reason: "'\(server.endpoint.host)' is not an IPv4 or IPv6 address")
            }
            guard server.endpoint.secret.count > 0 else {
                throw .invalidValue(field: "radius server \(server.name) key", reason: "empty shared secret")
            }
        }
        self.group = group
        state = Mutex(GroupState(deadUntil: Array(repeating: nil, count: group.servers.count)))
        var counters: [RadiusResponseDrop: Counter] = [:]
        for reason in RadiusResponseDrop.allCases {
            counters[reason] = Counter(label: "ikehub_radius_responses_dropped_total",
                                       dimensions: [("group", group.name), ("reason", reason.rawValue)])
        }
        droppedCounters = counters
    }

    /// Responses dropped so far, by reason (also exported as a metric).
    public func droppedResponses() -> [RadiusResponseDrop: Int] {
        state.withLock { $0.dropped }
    }

    /// Valid answers so far, by server name.
    public func answers() -> [String: Int] {
        state.withLock { $0.answeredBy }
    }

    /// Whether server `index` is marked dead now.
    public func isMarkedDead(_ index: Int) -> Bool {
        state.withLock { state in
            guard let until = state.deadUntil[index] else { return false }
            return until > .now
        }
    }

    /// Sends an Access-Request with `attributes` (User-Password in clear: it is hidden
    /// per server) and returns the first verified answer. Throws `.timeout` when no
    /// server of the group answered validly.
    public func authenticate(_ attributes: [RadiusAttribute]) async throws(RadiusClientError) -> RadiusAccessResult {
        var request = attributes
        let hasNAS = attributes.contains {
            $0.vendor == 0 && ($0.type == RadiusAttributeType.nasIPAddress || $0.type == RadiusAttributeType.nasIdentifier || $0.type == 95)
        }
        if !hasNAS { request.append(.string(RadiusAttributeType.nasIdentifier, group.nasIdentifier)) }
        let prepared = request
        let outcome: Result<RadiusAccessResult, RadiusClientError> = await BlockingThread.run { [self] in
            exchange(prepared)
        }
        return try outcome.get()
    }

    // MARK: - Internals (on the request's own thread)

    private func exchange(_ attributes: [RadiusAttribute]) -> Result<RadiusAccessResult, RadiusClientError> {
        let now = ContinuousClock.now
        let order: [Int] = state.withLock { state in
            let alive = group.servers.indices.filter { state.deadUntil[$0].map { $0 <= now } ?? true }
            // All marked dead: try them all anyway rather than fail without asking.
            return alive.isEmpty ? Array(group.servers.indices) : alive
        }
        var failures: [String] = []
        for index in order {
            let server = group.servers[index]
            switch ask(server, attributes) {
            case .success(let result):
                state.withLock { state in
                    state.deadUntil[index] = nil
                    state.answeredBy[server.name, default: 0] += 1
                }
                return .success(result)
            case .failure(.invalidValue(let field, let reason)):
                return .failure(.invalidValue(field: field, reason: reason))
            case .failure(let error):
                failures.append("\(server): \(error)")
                if group.deadtime > .zero {
                    state.withLock { $0.deadUntil[index] = .now + group.deadtime }
                }
            }
        }
        return .failure(.noServerAnswered(group: group.name, tried: failures))
    }

    /// One server: send, wait `timeout`, resend `retransmit` times (same Identifier and
    /// authenticator: a retransmission, RFC 5080 §2.2.1).
    private func ask(_ server: RadiusAuthenticationServer, _ attributes: [RadiusAttribute]) -> Result<RadiusAccessResult, RadiusClientError> {
        let identifier = UInt8.random(in: 0...255)
        let authenticator = RadiusCrypto.randomAuthenticator()
        let encoded: [UInt8]
        do {
            encoded = try RadiusPacket.signedAccessRequest(identifier: identifier, authenticator: authenticator,
                                                           attributes: attributes, secret: server.endpoint.secret).bytes
        } catch {
            return .failure(.invalidValue(field: "Access-Request", reason: error.description))
        }
        guard let address = IPAddress(server.endpoint.host) else {
            return .failure(.invalidValue(field: "radius server \(server.name)", reason: "no address"))
        }
        let socket: UDPClientSocket
        do {
            socket = try UDPClientSocket(connectingTo: address, port: server.endpoint.authenticationPort)
        } catch {
            return .failure(error)
        }
        let timeoutMilliseconds = max(1, Int(server.timeout.components.seconds * 1000
            + server.timeout.components.attoseconds / 1_000_000_000_000_000))
        for _ in 0...max(0, server.retransmit) {
            guard socket.send(encoded) else { return .failure(.failed("send to \(server) failed (errno \(errno))")) }
            let deadline = ContinuousClock.now + .milliseconds(timeoutMilliseconds)
            while true {
                let remaining = deadline - ContinuousClock.now
                guard remaining > .zero else { break }
                let wait = Int(remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000) + 1
                switch socket.receive(timeoutMilliseconds: wait) {
                case .datagram(let bytes):
                    switch RadiusPacket.verifiedAccessResponse(bytes, requestIdentifier: identifier,
                                                               requestAuthenticator: authenticator, secret: server.endpoint.secret) {
                    case .success(let packet):
                        return .success(RadiusAccessResult(packet: packet, attributes: RadiusAttribute.decode(packet.attributes),
                                                           server: server.name, requestAuthenticator: authenticator,
                                                           secret: server.endpoint.secret))
                    case .failure(let drop):
                        droppedCounters[drop]?.increment()
                        state.withLock { $0.dropped[drop, default: 0] += 1 }
                    }
                case .timedOut:
                    break
                case .refused:
                    // ICMP port unreachable: nothing listens there; do not wait for it.
                    return .failure(.failed("\(server) refused (port unreachable)"))
                }
            }
        }
        return .failure(.timeout)
    }
}

/// A connected UDP socket, closed in `deinit`.
final class UDPClientSocket {
    enum Received {
        case datagram([UInt8])
        case timedOut
        case refused
    }

    private let descriptor: Int32

    init(connectingTo address: IPAddress, port: UInt16) throws(RadiusClientError) {
        let family: Int32
        switch address {
        case .v4: family = AF_INET
        case .v6: family = AF_INET6
        }
        descriptor = socket(family, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw .failed("socket() failed (errno \(errno))") }
        var result: Int32
        switch address {
        case .v4(let v4):
            var sin = sockaddr_in()
            sin.sin_family = sa_family_t(AF_INET)
            sin.sin_port = port.bigEndian
            sin.sin_addr.s_addr = v4.rawValue.bigEndian
            result = withUnsafePointer(to: &sin) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        case .v6(let v6):
            var sin6 = sockaddr_in6()
            sin6.sin6_family = sa_family_t(AF_INET6)
            sin6.sin6_port = port.bigEndian
            withUnsafeMutableBytes(of: &sin6.sin6_addr) { $0.copyBytes(from: v6.bytes) }
            result = withUnsafePointer(to: &sin6) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        }
        guard result == 0 else {
            let code = errno
            close(descriptor)
            throw .failed("connect() to \(address) port \(port) failed (errno \(code))")
        }
    }

    deinit { close(descriptor) }

    func send(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, 0) } == bytes.count
    }

    func receive(timeoutMilliseconds: Int) -> Received {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let ready = poll(&poller, 1, Int32(clamping: timeoutMilliseconds))
        guard ready > 0 else { return .timedOut }
        var buffer = [UInt8](repeating: 0, count: RadiusPacket.maximumLength)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        if count < 0 { return errno == ECONNREFUSED ? .refused : .timedOut }
        return .datagram(Array(buffer[0..<count]))
    }
}

/// Runs blocking work on a new thread and resumes the caller when it is done, so that a
/// RADIUS time-out never holds a thread of the cooperative pool.
enum BlockingThread {
    private final class Job: @unchecked Sendable {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { (continuation: CheckedContinuation<T, Never>) in
            let job = Job { continuation.resume(returning: body()) }
            var thread = pthread_t()
            let started = pthread_create(&thread, nil, { argument in
                let job = Unmanaged<Job>.fromOpaque(argument!).takeRetainedValue()
                job.body()
                return nil
            }, Unmanaged.passRetained(job).toOpaque())
            if started == 0 {
                pthread_detach(thread)
            } else {
                // No thread to be had: run it here rather than never.
                Unmanaged<Job>.passUnretained(job).release()
                job.body()
            }
        }
    }
}
