import ArgumentParser
import Foundation
import HubIPC
import HubTestSupport
import HubVocabulary
import IKECrypto
import Logging
import ZeroMQ

/// `ikehub-bench auth`: EAP-MSCHAPv2 authentications per second through the auth broker
/// and 1, 2 and 4 auth workers to FreeRADIUS — real processes (`ikehub-authd`,
/// `ikehub-auth-worker --config`, `freeradius -f` with its thread pool). This program is
/// the IKE frontend's side: for each authentication it drives the `auth.eap` rounds the
/// frontend sends (identity, MSCHAPv2 Response, Success acknowledgement) and then the
/// final AUTH round that the broker answers with the MSK it kept, checking the broker's
/// AUTH with the MSK it derives itself (RFC 3079). Prints figures; fails only if an
/// authentication does not succeed.
struct AuthBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "auth", abstract: "EAP-MSCHAPv2 authentications/s through the broker, workers and FreeRADIUS.")

    @Option(help: "Authentications per measurement.")
    var authentications: Int = 3000

    @Option(help: "Authentications kept in flight (IKE SAs in EAP at once).")
    var window: Int = 64

    @Option(help: "Worker counts to measure.")
    var workers: [Int] = [1, 2, 4]

    @Flag(help: "A short smoke run (150 authentications, 1 and 2 workers) that only proves the benchmark still works.")
    var quick = false

    static let users = 100

    func run() async throws {
        guard FreeRADIUSServer.isInstalled else {
            print("ikehub-bench auth: skipped, FreeRADIUS is not installed (apt-get install freeradius)")
            return
        }
        let count = quick ? 150 : authentications
        let workerCounts = quick ? [1, 2] : workers
        let usersFile = (1...Self.users).map { "\(Self.user($0))\tCleartext-Password := \"\(Self.password($0))\"" }
            .joined(separator: "\n") + "\n"
        let radius = try FreeRADIUSServer(users: usersFile, signReplies: true, eap: true, defaultEAPType: "mschapv2",
                                          debug: false)
        defer { radius.stop() }
        print("EAP-MSCHAPv2: this program (as ikehub-ike) → ikehub-authd → ikehub-auth-worker → FreeRADIUS 127.0.0.1:\(radius.authenticationPort)")
        print("\(count) authentications of \(Self.users) users, \(window) in flight; each = 3 EAP rounds through RADIUS + the final AUTH round")
        print("workers    auth/s   p50 ms   p99 ms   CPU ms/auth: IKEHub  FreeRADIUS")
        for workerCount in workerCounts {
            let result = try await AuthRun.measure(workers: workerCount, radius: radius, authentications: count, window: window)
            print([String(workerCount).leftPadded(7),
                   String(format: "%.0f", result.perSecond).leftPadded(9),
                   String(format: "%.1f", result.p50Milliseconds).leftPadded(8),
                   String(format: "%.1f", result.p99Milliseconds).leftPadded(8),
                   String(format: "%.2f", result.hubCPUPerAuthentication).leftPadded(20),
                   String(format: "%.2f", result.radiusCPUPerAuthentication).leftPadded(11)].joined(separator: " "))
        }
        print("")
        print("IKEHub CPU = utime+stime of ikehub-authd and the workers over the measurement (10 ms ticks); the machine's cores are shared by")
        print("this program, the IKEHub processes and FreeRADIUS, so on 2 cores more workers cannot add much once FreeRADIUS is busy.")
    }

    static func user(_ index: Int) -> String { "bench\(String(format: "%03d", index))" }
    static func password(_ index: Int) -> String { "password-\(index)" }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}

/// One measurement: a broker and N workers configured with an EAP profile whose method
/// list is the FreeRADIUS server.
enum AuthRun {
    struct Result {
        var perSecond: Double
        var p50Milliseconds: Double
        var p99Milliseconds: Double
        var hubCPUPerAuthentication: Double
        var radiusCPUPerAuthentication: Double
    }

    /// An authentication that did not succeed: the benchmark's figures would be meaningless.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func configuration(radius: FreeRADIUSServer) -> String {
        """
        aaa new-model
        aaa group server radius bench-servers
         server name r1
        aaa authentication login bench-eap group bench-servers
        radius server r1
         address ipv4 127.0.0.1 auth-port \(radius.authenticationPort) acct-port \(radius.accountingPort)
         key \(radius.secret)
         timeout 5
         retransmit 1
        crypto pki trustpoint hub-tp
         revocation-check none
        crypto ikev2 profile bench-eap
         match identity remote any
         authentication local rsa-sig
         pki trustpoint hub-tp
         authentication remote eap
         aaa authentication eap bench-eap
        """
    }

    static func measure(workers: Int, radius: FreeRADIUSServer, authentications: Int, window: Int) async throws -> Result {
        let sandbox = try makeTemporaryDirectory("ikehub-bench-auth")
        defer { try? FileManager.default.removeItem(at: sandbox) }
        let config = sandbox.appendingPathComponent("hub.cfg")
        try configuration(radius: radius).write(to: config, atomically: true, encoding: .utf8)
        let run = sandbox.appendingPathComponent("run").path
        let common = ["--runtime-dir", run, "--state-dir", sandbox.appendingPathComponent("state").path, "--log-level", "warning"]
        var processes = [try BrokerRun.spawn("ikehub-authd", common)]
        defer { for process in processes { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() } }
        for index in 0..<workers {
            processes.append(try BrokerRun.spawn("ikehub-auth-worker", common + ["--config", config.path, "--name", "bench-\(index)"]))
        }
        let context = try ZMQContext()
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let client = try IPCClient(connectingTo: "ipc://\(run)/authd.sock", context: context, logger: logger)
        defer { client.close() }
        try await BrokerRun.waitForWorkers(client, count: workers)
        _ = try await drive(client, count: min(authentications, 2 * window), window: window, sessionBase: 1)  // warm-up
        let pids = processes.map(\.processIdentifier)
        let hubCPU = ProcessSampler.cpuMilliseconds(pids), radiusCPU = ProcessSampler.cpuMilliseconds(radius.pid)
        let started = ContinuousClock.now
        var latencies = try await drive(client, count: authentications, window: window, sessionBase: 1 << 32)
        let elapsed = ContinuousClock.now - started
        let hubSpent = ProcessSampler.cpuMilliseconds(pids) - hubCPU
        let radiusSpent = ProcessSampler.cpuMilliseconds(radius.pid) - radiusCPU
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        latencies.sort()
        return Result(perSecond: Double(latencies.count) / seconds, p50Milliseconds: latencies[latencies.count / 2],
                      p99Milliseconds: latencies[min(latencies.count - 1, latencies.count * 99 / 100)],
                      hubCPUPerAuthentication: hubSpent / Double(latencies.count),
                      radiusCPUPerAuthentication: radiusSpent / Double(latencies.count))
    }

    /// `count` authentications, `window` at a time; each one's latency in ms.
    private static func drive(_ client: IPCClient, count: Int, window: Int, sessionBase: UInt64) async throws -> [Double] {
        try await withThrowingTaskGroup(of: Double.self) { group in
            var started = 0
            var latencies: [Double] = []
            latencies.reserveCapacity(count)
            func startNext() {
                let index = started
                started += 1
                group.addTask {
                    let begin = ContinuousClock.now
                    try await authenticate(client, user: index % AuthBenchmark.users + 1,
                                           session: SessionID(high: 0xbe, low: sessionBase + UInt64(index)))
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

    /// One conversation as ikehub-ike runs it: round 0 (the IKE identity stands for
    /// EAP-Identity) → MSCHAPv2 Challenge; the Response → Success request; the Success
    /// acknowledgement → Access-Accept, the MSK kept by the broker; then the final round
    /// with the peer's AUTH, answered by the broker with ours (RFC 7296 §2.16).
    private static func authenticate(_ client: IPCClient, user index: Int, session: SessionID) async throws {
        let name = AuthBenchmark.user(index), password = AuthBenchmark.password(index)
        let policy = RetryPolicy(deadline: .seconds(30), attemptTimeout: .milliseconds(1500), maximumAttempts: 20)
        func round(_ number: UInt32, _ fill: (inout IPCv1EAPRound) -> Void) async throws -> IPCv1AuthenticateReply {
            let body = IPCv1Envelope.OneOf_Body.authenticateRequest(.with {
                $0.profile = "bench-eap"
                $0.peerIdentity = .with { $0.idType = 11; $0.value = Data(name.utf8) }   // ID_KEY_ID: the user name
                $0.peerAddress = .with { $0.octets = Data([192, 0, 2, UInt8(truncatingIfNeeded: index)]) }
                $0.prfTransformID = UInt32(PseudorandomFunction.hmacSHA256.transformID)
                $0.eap = .with { $0.round = number; fill(&$0) }
            })
            let reply = try await client.request(body, service: "auth.eap", session: session, idempotent: false, policy: policy)
            guard case .authenticateReply(let answer) = reply.body else { throw Failure(description: "auth.eap answered \(reply.bodyName)") }
            return answer
        }
        let challenge = try await round(0) { _ in }
        let request = [UInt8](challenge.eapMessage)
        guard challenge.verdict == .continue, request.count >= 26, request[4] == 26, request[5] == 1, request[9] == 16 else {
            throw Failure(description: "\(name): expected an MSCHAPv2 Challenge, got \(challenge.verdict) \(challenge.reason) \(request.map { String(format: "%02x", $0) }.joined())")
        }
        var generator = SystemRandomNumberGenerator()
        let peerChallenge = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let (response, ntResponse) = EAPPeer.mschapv2Response(to: request, user: name, password: password, peerChallenge: peerChallenge)
        let success = try await round(1) { $0.eapMessage = Data(response) }
        let successRequest = [UInt8](success.eapMessage)
        guard success.verdict == .continue, successRequest.count >= 6, successRequest[4] == 26, successRequest[5] == 3 else {
            throw Failure(description: "\(name): expected an MSCHAPv2 Success request, got \(success.verdict) \(success.reason)")
        }
        let accepted = try await round(2) { $0.eapMessage = Data(EAPPeer.mschapv2SuccessAck(to: successRequest)) }
        guard accepted.verdict == .accept, accepted.mskAvailable else {
            throw Failure(description: "\(name): not accepted (\(accepted.verdict), MSK \(accepted.mskAvailable)): \(accepted.reason)")
        }
        // AUTH = prf(prf(MSK, "Key Pad for IKEv2"), signed octets) (RFC 7296 §2.15-2.16);
        // the octets stand in for RealMessage1 | Nr | prf(SK_pi, IDi').
        let msk = SecretBytes(EAPPeer.msk(password: password, ntResponse: ntResponse))
        let initiatorOctets = AuthenticationOctets(bytes: (0..<96).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let responderOctets = AuthenticationOctets(bytes: (0..<96).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let ours = try SharedKeyAuthentication.authenticationData(secret: msk, octets: initiatorOctets, prf: .hmacSHA256)
        let final = try await round(3) {
            $0.initiatorSignedOctets = Data(initiatorOctets.bytes)
            $0.initiatorAuth = Data(ours)
            $0.responderSignedOctets = Data(responderOctets.bytes)
        }
        let expected = try SharedKeyAuthentication.authenticationData(secret: msk, octets: responderOctets, prf: .hmacSHA256)
        guard final.verdict == .accept, [UInt8](final.responderAuth) == expected else {
            throw Failure(description: "\(name): final AUTH round: \(final.verdict) \(final.reason)")
        }
    }
}
