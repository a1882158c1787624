import ArgumentParser
import Foundation
import HubIPC
import HubVocabulary
import IKECrypto
import Logging
import ZeroMQ
internal import COpenSSL

/// `ikehub-bench auth`: EAP-MSCHAPv2 authentications per second through the auth broker
/// and 1, 2 and 4 auth workers to a private FreeRADIUS (real processes: `ikehub-authd`,
/// `ikehub-auth-worker --config`, `freeradius -f`), the EAP peer side here, driving the
/// `auth.eap` rounds as the IKE frontend does (Tests/AuthWorkerTests). Prints figures;
/// asserts nothing, except that every authentication ends in Access-Accept.
struct AuthBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "auth", abstract: "EAP-MSCHAPv2 authentications/s through FreeRADIUS with 1, 2 and 4 workers.")

    @Option(help: "Authentications per measurement.")
    var authentications: Int = 2000

    @Option(help: "Conversations kept in flight.")
    var window: Int = 32

    @Option(help: "Worker counts to measure.")
    var workers: [Int] = [1, 2, 4]

    @Flag(help: "A short run (200 authentications per worker count) that finishes in well under a minute.")
    var quick = false

    func run() async throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/freeradius") else {
            print("ikehub-bench auth: skipped, FreeRADIUS is not installed (/usr/sbin/freeradius)")
            return
        }
        let count = quick ? 200 : authentications
        let sandbox = "/tmp/ikehub-bench-auth-\(getpid())"
        try FileManager.default.createDirectory(atPath: sandbox, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: sandbox) }
        let radius = try BenchRADIUS(directory: sandbox + "/radius", users: 64)
        defer { radius.stop() }
        print("EAP-MSCHAPv2 through ikehub-authd → ikehub-auth-worker → FreeRADIUS (127.0.0.1:\(radius.port)),")
        print("\(count) authentications of 64 users, \(window) in flight, 3 auth.eap rounds each")
        print("workers   auth/s   rounds/s   p50 ms   p99 ms")
        for workerCount in workers {
            let result = try await AuthRun.measure(workers: workerCount, radius: radius, sandbox: sandbox + "/w\(workerCount)",
                                                   authentications: count, window: window)
            print([String(workerCount).padded(7), String(format: "%.0f", result.perSecond).padded(8),
                   String(format: "%.0f", result.perSecond * 3).padded(10),
                   String(format: "%.1f", result.p50Milliseconds).padded(8),
                   String(format: "%.1f", result.p99Milliseconds).padded(8)].joined(separator: " "))
        }
        print("")
        print("FreeRADIUS is one process (its thread pool); debug builds of IKEHub are several times slower than release.")
    }
}

extension String {
    fileprivate func padded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}

/// A private FreeRADIUS 3 on 127.0.0.1 with EAP-MSCHAPv2 (the stock configuration copied,
/// one virtual server, replies signed), users bench001… with password `password-NNN`.
final class BenchRADIUS {
    let port: Int
    let secret = "bench-radius-secret"
    private let process: Process

    init(directory: String, users: Int) throws {
        port = Int.random(in: 20_000...40_000) & ~1
        var authorize = ""
        for index in 1...users { authorize += "bench\(String(format: "%03d", index))\tCleartext-Password := \"password-\(index)\"\n" }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try authorize.write(toFile: directory + "/users", atomically: true, encoding: .utf8)
        let script = """
        set -e
        d="$1"; cp -a /etc/freeradius/3.0 "$d/raddb"
        sed -i -e "s|^raddbdir = .*|raddbdir = $d/raddb|" -e "s|^logdir = .*|logdir = $d|" -e "s|^run_dir = .*|run_dir = $d|" \
            -e 's|^\\(\\s*\\)user = freerad|\\1#user = freerad|' -e 's|^\\(\\s*\\)group = freerad|\\1#group = freerad|' "$d/raddb/radiusd.conf"
        cp "$d/users" "$d/raddb/mods-config/files/authorize"
        printf 'client bench {\\n\\tipaddr = 127.0.0.1\\n\\tsecret = \(secret)\\n}\\n' > "$d/raddb/clients.conf"
        rm -f "$d/raddb/sites-enabled/"* "$d/raddb/mods-enabled/eap"
        printf 'eap {\\n\\tdefault_eap_type = mschapv2\\n\\ttimer_expire = 60\\n\\tmax_sessions = 16384\\n\\tmschapv2 {\\n\\t}\\n}\\n' > "$d/raddb/mods-enabled/eap"
        cat > "$d/raddb/sites-enabled/bench" <<SITE
        server bench {
        \tlisten {
        \t\ttype = auth
        \t\tipaddr = 127.0.0.1
        \t\tport = \(port)
        \t}
        \tauthorize {
        \t\tpreprocess
        \t\teap {
        \t\t\tok = return
        \t\t}
        \t\tfiles
        \t}
        \tauthenticate {
        \t\tAuth-Type EAP {
        \t\t\teap
        \t\t}
        \t\tAuth-Type MS-CHAP {
        \t\t\tmschap
        \t\t}
        \t}
        \tpost-auth {
        \t\tupdate reply {
        \t\t\tMessage-Authenticator := 0x00
        \t\t}
        \t\tPost-Auth-Type REJECT {
        \t\t\tupdate reply {
        \t\t\t\tMessage-Authenticator := 0x00
        \t\t\t}
        \t\t}
        \t}
        }
        SITE
        """
        let prepare = Process()
        prepare.executableURL = URL(fileURLWithPath: "/bin/sh")
        prepare.arguments = ["-c", script, "sh", directory]
        try prepare.run()
        prepare.waitUntilExit()
        guard prepare.terminationStatus == 0 else { throw ValidationError("could not prepare FreeRADIUS in \(directory)") }
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/freeradius")
        // -f: foreground without -X's per-packet debug output (that would be the bottleneck).
        process.arguments = ["-f", "-d", directory + "/raddb", "-l", directory + "/radius.log"]
        try process.run()
        let end = ContinuousClock.now + .seconds(15)
        while ContinuousClock.now < end {
            if let log = try? String(contentsOfFile: directory + "/radius.log", encoding: .utf8), log.contains("Ready to process requests") { return }
            guard process.isRunning else { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        stop()
        throw ValidationError("FreeRADIUS did not start (see \(directory)/radius.log)")
    }

    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGTERM); process.waitUntilExit() }
    }
}

/// One measurement: a broker and N workers from a FlexVPN configuration with an EAP
/// profile whose method list is the FreeRADIUS above.
enum AuthRun {
    struct Result {
        var perSecond: Double
        var p50Milliseconds: Double
        var p99Milliseconds: Double
    }

    static func measure(workers: Int, radius: BenchRADIUS, sandbox: String, authentications: Int, window: Int) async throws -> Result {
        try FileManager.default.createDirectory(atPath: sandbox + "/run", withIntermediateDirectories: true)
        let config = """
        aaa new-model
        aaa group server radius bench-servers
         server name r1
        aaa authentication login eap-list group bench-servers
        radius server r1
         address ipv4 127.0.0.1 auth-port \(radius.port) acct-port \(radius.port + 1)
         key \(radius.secret)
         timeout 5
         retransmit 1
        crypto pki trustpoint hub-tp
         revocation-check none
        crypto ikev2 profile eap-profile
         match identity remote any
         authentication local rsa-sig
         pki trustpoint hub-tp
         authentication remote eap
         aaa authentication eap eap-list
        """
        try config.write(toFile: sandbox + "/hub.cfg", atomically: true, encoding: .utf8)
        let common = ["--runtime-dir", sandbox + "/run", "--state-dir", sandbox + "/state", "--log-level", "warning"]
        var processes = [try spawn("ikehub-authd", common)]
        defer { for process in processes { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() } }
        for index in 0..<workers {
            processes.append(try spawn("ikehub-auth-worker", common + ["--config", sandbox + "/hub.cfg", "--name", "bench-\(index)"]))
        }
        let context = try ZMQContext()
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let client = try IPCClient(connectingTo: "ipc://\(sandbox)/run/authd.sock", context: context, logger: logger)
        defer { client.close() }
        try await waitForWorkers(client, count: workers)
        _ = try await drive(client, count: min(authentications, 4 * window), window: window, sessionBase: 1)  // warm-up
        let start = ContinuousClock.now
        var latencies = try await drive(client, count: authentications, window: window, sessionBase: 1 << 32)
        let seconds = Double((ContinuousClock.now - start).components.attoseconds) / 1e18 + Double((ContinuousClock.now - start).components.seconds)
        latencies.sort()
        return Result(perSecond: Double(latencies.count) / seconds, p50Milliseconds: latencies[latencies.count / 2],
                      p99Milliseconds: latencies[min(latencies.count - 1, latencies.count * 99 / 100)])
    }

    /// `count` authentications, `window` at a time; the latency of each in ms.
    private static func drive(_ client: IPCClient, count: Int, window: Int, sessionBase: UInt64) async throws -> [Double] {
        try await withThrowingTaskGroup(of: Double.self) { group in
            var started = 0
            var latencies: [Double] = []
            func startNext() {
                let index = started
                started += 1
                group.addTask {
                    let begin = ContinuousClock.now
                    try await authenticate(client, user: index % 64 + 1, session: SessionID(high: 0xbe, low: sessionBase + UInt64(index)))
                    let elapsed = ContinuousClock.now - begin
                    return Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
                }
            }
            for _ in 0..<min(window, count) { startNext() }
            while let latency = try await group.next() {
                latencies.append(latency)
                if started < count { startNext() }
            }
            return latencies
        }
    }

    /// One EAP-MSCHAPv2 conversation: round 0 (the identity is the IKE ID) → Challenge,
    /// Response → Success request, Success acknowledgement → Access-Accept with an MSK.
    private static func authenticate(_ client: IPCClient, user: Int, session: SessionID) async throws {
        let name = "bench\(String(format: "%03d", user))"
        let password = "password-\(user)"
        let policy = RetryPolicy(deadline: .seconds(20), attemptTimeout: .seconds(20), maximumAttempts: 1)
        func round(_ number: UInt32, _ message: [UInt8]) async throws -> IPCv1AuthenticateReply {
            let body = IPCv1Envelope.OneOf_Body.authenticateRequest(.with {
                $0.profile = "eap-profile"
                $0.peerIdentity = .with { $0.idType = 11; $0.value = Data(name.utf8) }
                $0.peerAddress = .with { $0.octets = Data([192, 0, 2, 10]) }
                $0.prfTransformID = 5
                $0.eap = .with { $0.round = number; $0.eapMessage = Data(message) }
            })
            let reply = try await client.request(body, service: "auth.eap", session: session, idempotent: false, policy: policy)
            guard case .authenticateReply(let answer) = reply.body else { throw ValidationError("auth.eap answered \(reply.bodyName)") }
            return answer
        }
        let challenge = try await round(0, [])
        let request = [UInt8](challenge.eapMessage)
        guard challenge.verdict == .continue, request.count >= 26, request[4] == 26, request[5] == 1 else {
            throw ValidationError("\(name): expected an MSCHAPv2 Challenge, got verdict \(challenge.verdict) \(challenge.reason)")
        }
        let peerChallenge = (0..<16).map { _ in UInt8.random(in: 0...255) }
        let response = MSCHAPv2Peer.response(to: request, user: name, password: password, peerChallenge: peerChallenge)
        let success = try await round(1, response)
        guard success.verdict == .continue, success.eapMessage.count >= 6, success.eapMessage[success.eapMessage.startIndex + 5] == 3 else {
            throw ValidationError("\(name): expected an MSCHAPv2 Success request, got verdict \(success.verdict) \(success.reason)")
        }
        let acknowledgement = MSCHAPv2Peer.packet(identifier: success.eapMessage[success.eapMessage.startIndex + 1], data: [3])
        let done = try await round(2, acknowledgement)
        guard done.verdict == .accept else { throw ValidationError("\(name): not accepted: \(done.verdict) \(done.reason)") }
    }

    private static func waitForWorkers(_ client: IPCClient, count: Int) async throws {
        let end = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < end {
            if let reply = try? await client.request(.showRequest(.with { $0.topic = .authWorkers }), policy: .once(deadline: .seconds(1))),
               case .showReply(let table) = reply.body, table.rows.count == count {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ValidationError("\(count) workers did not register with the broker")
    }

    private static func spawn(_ executable: String, _ arguments: [String]) throws -> Process {
        let own = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let path = URL(fileURLWithPath: own).deletingLastPathComponent().appendingPathComponent(executable).path
        guard FileManager.default.isExecutableFile(atPath: path) else { throw ValidationError("\(path) not found: build the package first") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        try process.run()
        return process
    }
}

/// The EAP-MSCHAPv2 peer (draft-kamath-pppext-eap-mschapv2, RFC 2759 §8 arithmetic): only
/// what the benchmark's client needs.
enum MSCHAPv2Peer {
    static func packet(identifier: UInt8, data: [UInt8]) -> [UInt8] {
        let length = 5 + data.count
        return [2, identifier, UInt8(length >> 8), UInt8(length & 0xff), 26] + data
    }

    /// The Response (OpCode 2) to a Challenge request (OpCode 1).
    static func response(to request: [UInt8], user: String, password: String, peerChallenge: [UInt8]) -> [UInt8] {
        let authenticatorChallenge = Array(request[10..<26])
        let challenge = Array(try! MessageDigest.sha1.hash(peerChallenge, authenticatorChallenge, Array(user.utf8)).prefix(8))
        let hash = md4(password.utf16.flatMap { [UInt8($0 & 0xff), UInt8($0 >> 8)] }) + [UInt8](repeating: 0, count: 5)
        let nt = (0..<3).flatMap { des(key: Array(hash[($0 * 7)..<($0 * 7 + 7)]), block: challenge) }
        let value = peerChallenge + [UInt8](repeating: 0, count: 8) + nt + [0]
        let msLength = 4 + 1 + value.count + user.utf8.count
        return packet(identifier: request[1], data: [2, request[6], UInt8(msLength >> 8), UInt8(msLength & 0xff), UInt8(value.count)] + value + Array(user.utf8))
    }

    /// DES-ECB of one block with a 56-bit key (RFC 2759 §8.6), as 3DES-EDE with K1 = K2 = K3
    /// (OpenSSL 3's default provider has no single DES).
    static func des(key seven: [UInt8], block: [UInt8]) -> [UInt8] {
        var key = [UInt8](repeating: 0, count: 8)
        var bits = seven.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        for index in (0..<8).reversed() {
            key[index] = UInt8(truncatingIfNeeded: (bits & 0x7f) << 1)
            bits >>= 7
        }
        let triple = key + key + key
        var output = [UInt8](repeating: 0, count: 16)
        var written: Int32 = 0
        let context = EVP_CIPHER_CTX_new()!
        defer { EVP_CIPHER_CTX_free(context) }
        let cipher = EVP_CIPHER_fetch(nil, "DES-EDE3-ECB", nil)!
        defer { EVP_CIPHER_free(cipher) }
        precondition(EVP_EncryptInit_ex2(context, cipher, triple, nil, nil) == 1)
        EVP_CIPHER_CTX_set_padding(context, 0)
        precondition(EVP_EncryptUpdate(context, &output, &written, block, 8) == 1 && written == 8)
        return Array(output.prefix(8))
    }

    /// MD4 (RFC 1320) for the NT password hash (OpenSSL 3 keeps MD4 in its legacy provider).
    static func md4(_ message: [UInt8]) -> [UInt8] {
        var data = message + [0x80]
        while data.count % 64 != 56 { data.append(0) }
        let bitLength = UInt64(message.count) * 8
        for index in 0..<8 { data.append(UInt8(truncatingIfNeeded: bitLength >> (8 * index))) }
        var a: UInt32 = 0x67452301, b: UInt32 = 0xefcdab89, c: UInt32 = 0x98badcfe, d: UInt32 = 0x10325476
        func rotate(_ x: UInt32, _ n: UInt32) -> UInt32 { (x << n) | (x >> (32 - n)) }
        for chunk in stride(from: 0, to: data.count, by: 64) {
            let x = (0..<16).map { i in (0..<4).reduce(UInt32(0)) { $0 | UInt32(data[chunk + i * 4 + $1]) << (8 * UInt32($1)) } }
            let (aa, bb, cc, dd) = (a, b, c, d)
            for i in [0, 4, 8, 12] {
                a = rotate(a &+ ((b & c) | (~b & d)) &+ x[i], 3)
                d = rotate(d &+ ((a & b) | (~a & c)) &+ x[i + 1], 7)
                c = rotate(c &+ ((d & a) | (~d & b)) &+ x[i + 2], 11)
                b = rotate(b &+ ((c & d) | (~c & a)) &+ x[i + 3], 19)
            }
            for i in [0, 1, 2, 3] {
                a = rotate(a &+ ((b & c) | (b & d) | (c & d)) &+ x[i] &+ 0x5a827999, 3)
                d = rotate(d &+ ((a & b) | (a & c) | (b & c)) &+ x[i + 4] &+ 0x5a827999, 5)
                c = rotate(c &+ ((d & a) | (d & b) | (a & b)) &+ x[i + 8] &+ 0x5a827999, 9)
                b = rotate(b &+ ((c & d) | (c & a) | (d & a)) &+ x[i + 12] &+ 0x5a827999, 13)
            }
            for i in [0, 2, 1, 3] {
                a = rotate(a &+ (b ^ c ^ d) &+ x[i] &+ 0x6ed9eba1, 3)
                d = rotate(d &+ (a ^ b ^ c) &+ x[i + 8] &+ 0x6ed9eba1, 9)
                c = rotate(c &+ (d ^ a ^ b) &+ x[i + 4] &+ 0x6ed9eba1, 11)
                b = rotate(b &+ (c ^ d ^ a) &+ x[i + 12] &+ 0x6ed9eba1, 15)
            }
            a = a &+ aa; b = b &+ bb; c = c &+ cc; d = d &+ dd
        }
        return [a, b, c, d].flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> (8 * $0)) } }
    }
}
