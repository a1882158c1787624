import Foundation
import HubIPC
import HubTestSupport
import HubVocabulary
import Testing

/// `ikehub-acctd` as a real process against a real FreeRADIUS: what the frontend spools
/// reaches the server's accounting detail file exactly once.
@Suite(.serialized, .enabled(if: FreeRADIUSServer.isInstalled, "FreeRADIUS is not installed"))
struct AccountingDaemonTests {
    static let session = SessionID(high: 0x0123_4567_89ab_cdef, low: 0x0fed_cba9_8765_4321)

    static var accountingSession: IPCv1AccountingSession {
        .with {
            $0.accountingSessionID = "\(session)"
            $0.userName = "alice@example.com"
            $0.framedAddress = .with { $0.octets = Data([10, 10, 0, 5]) }
            $0.peerAddress = .with { $0.octets = Data([198, 51, 100, 20]) }
            $0.methodList = "ACCT-LIST"
            $0.attributes = [.with { $0.name = "class"; $0.value = "434c4153532d41" }]  // "CLASS-A"
        }
    }

    static let start: IPCv1Envelope.OneOf_Body = .accountingStartRequest(.with { $0.session = accountingSession })
    static let stop: IPCv1Envelope.OneOf_Body = .accountingStopRequest(.with {
        $0.session = accountingSession
        $0.inputOctets = 5_000_000_000  // above 2^32: Acct-Input-Gigawords = 1
        $0.outputOctets = 2048
        $0.inputPackets = 10
        $0.outputPackets = 20
        $0.sessionSeconds = 61
        $0.terminateCause = 1  // User-Request
    })

    static func occurrences(_ needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    @Test func testStartAndStopReachTheServerOnce_whenStopIsRetried() async throws {
        let radius = try FreeRADIUSServer(users: "")
        let daemon = try AccountingDaemon(configuration: AccountingDaemon.configuration(
            accountingPort: radius.accountingPort, secret: radius.secret))
        #expect(try await daemon.request(Self.start) == .accountingReply(.with { $0.spooled = true }))
        let interim: IPCv1Envelope.OneOf_Body = .accountingInterimRequest(.with {
            $0.session = Self.accountingSession
            $0.inputOctets = 1000
            $0.sessionSeconds = 30
        })
        #expect(try await daemon.request(interim) == .accountingReply(.with { $0.spooled = true }))
        #expect(try await daemon.request(Self.stop) == .accountingReply(.with { $0.spooled = true }))
        // The frontend retries the Stop (new idempotency key): spooled, but not again.
        #expect(try await daemon.request(Self.stop) == .accountingReply(.with { $0.spooled = true; $0.reason = "duplicate" }))
        #expect(try await daemon.request(Self.start) == .accountingReply(.with { $0.spooled = true; $0.reason = "duplicate" }))

        #expect(await eventually { radius.accountingDetail().contains("Acct-Status-Type = Stop") }, "\(radius.log().suffix(3000))")
        try await Task.sleep(for: .seconds(1))
        let detail = radius.accountingDetail()
        #expect(Self.occurrences("Acct-Status-Type = Accounting-On", in: detail) == 1)
        #expect(Self.occurrences("Acct-Status-Type = Start", in: detail) == 1)
        #expect(Self.occurrences("Acct-Status-Type = Stop", in: detail) == 1)
        #expect(Self.occurrences("Acct-Status-Type = Interim-Update", in: detail) == 1)
        #expect(detail.contains("Acct-Session-Time = 30"))
        #expect(detail.contains("Acct-Session-Id = \"\(Self.session)\""))
        #expect(detail.contains("User-Name = \"alice@example.com\""))
        #expect(detail.contains("Framed-IP-Address = 10.10.0.5"))
        #expect(detail.contains("Calling-Station-Id = \"198.51.100.20\""))
        #expect(detail.contains("Class = 0x434c4153532d41"))
        #expect(detail.contains("Acct-Input-Gigawords = 1"))
        #expect(detail.contains("Acct-Input-Octets = 705032704"))  // 5e9 - 2^32
        #expect(detail.contains("Acct-Session-Time = 61"))
        #expect(detail.contains("Acct-Terminate-Cause = User-Request"))
        #expect(detail.contains("NAS-Identifier = \"hub1\"") || detail.contains("NAS-Identifier = \"ikehub\""))

        // Graceful stop sends Accounting-Off; the user name never reaches the log.
        if let child = daemon.child { kill(child.pid, SIGTERM) }
        #expect(await eventually { Self.occurrences("Accounting-Off", in: radius.accountingDetail()) == 1 })
        #expect(await eventually(timeout: .seconds(15)) { !(daemon.child?.isRunning ?? false) })
        #expect(!(daemon.child?.log().contains("alice") ?? true))
    }

    @Test func testSpooledRecordsAreDeliveredOnce_whenServerWasDownAndAcctdWasKilled() async throws {
        // Nothing listens on this port yet: the records must stay in the spool.
        let deadPort = freeUDPPortPair() + 1
        let daemon = try AccountingDaemon(configuration: AccountingDaemon.configuration(
            accountingPort: deadPort, secret: "ikehub-test-secret"))
        #expect(try await daemon.request(Self.start) == .accountingReply(.with { $0.spooled = true }))
        #expect(try await daemon.request(Self.stop) == .accountingReply(.with { $0.spooled = true }))
        #expect(await eventually(timeout: .seconds(15)) { daemon.child?.log().contains("records stay spooled") ?? false })
        daemon.killHard()

        // The server comes up elsewhere; acctd restarts with it from the same spool.
        let radius = try FreeRADIUSServer(users: "")
        try daemon.start(configuration: AccountingDaemon.configuration(accountingPort: radius.accountingPort, secret: radius.secret))
        #expect(try await daemon.request(Self.stop) == .accountingReply(.with { $0.spooled = true; $0.reason = "duplicate" }))
        #expect(await eventually { radius.accountingDetail().contains("Acct-Status-Type = Stop") }, "\(radius.log().suffix(3000))")
        try await Task.sleep(for: .seconds(1))
        let detail = radius.accountingDetail()
        #expect(Self.occurrences("Acct-Status-Type = Start", in: detail) == 1)
        #expect(Self.occurrences("Acct-Status-Type = Stop", in: detail) == 1)
        // One Accounting-On per start of acctd, both delivered, and the Start before the Stop.
        #expect(Self.occurrences("Acct-Status-Type = Accounting-On", in: detail) == 2)
        if let start = detail.range(of: "Acct-Status-Type = Start"), let stop = detail.range(of: "Acct-Status-Type = Stop") {
            #expect(start.lowerBound < stop.lowerBound)
        }
        // Late delivery says how late (RFC 2866 §5.2).
        #expect(detail.contains("Acct-Delay-Time = "))
    }

    @Test func testSpooledRecordsAreDelivered_whenReloadPointsToALiveServer() async throws {
        let deadPort = freeUDPPortPair() + 1
        let daemon = try AccountingDaemon(configuration: AccountingDaemon.configuration(
            accountingPort: deadPort, secret: "ikehub-test-secret"))
        #expect(try await daemon.request(Self.start) == .accountingReply(.with { $0.spooled = true }))
        #expect(await eventually(timeout: .seconds(15)) { daemon.child?.log().contains("records stay spooled") ?? false })

        let radius = try FreeRADIUSServer(users: "")
        try AccountingDaemon.configuration(accountingPort: radius.accountingPort, secret: radius.secret)
            .write(to: daemon.sandbox.appendingPathComponent("ikehub.cfg"), atomically: true, encoding: .utf8)
        if let child = daemon.child { kill(child.pid, SIGHUP) }
        #expect(await eventually { radius.accountingDetail().contains("Acct-Status-Type = Start") }, "\(radius.log().suffix(3000))")
        #expect(Self.occurrences("Acct-Status-Type = Start", in: radius.accountingDetail()) == 1)
        #expect(daemon.child?.isRunning == true)
    }
}
