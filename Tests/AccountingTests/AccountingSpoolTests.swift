import Testing
import Foundation
import HubTestSupport
import HubVocabulary
import RADIUS
@testable import Accounting

@Suite struct AccountingSpoolTests {
    static let start = WallTime(secondsSinceEpoch: 1_800_000_000)
    static let session = SessionID(high: 0x1122334455667788, low: 0x99aabbccddeeff00)

    static func startRecord(at time: WallTime = start) -> AccountingRecord {
        AccountingRecord(kind: .start, session: session, userName: "alice", peerAddress: IPAddress("198.51.100.7"),
                         framedAddresses: [IPAddress("10.10.0.5")!], classes: [Array("class-alice".utf8)], eventTime: time)
    }

    static func stopRecord() -> AccountingRecord {
        AccountingRecord(kind: .stop, session: session, userName: "alice", peerAddress: IPAddress("198.51.100.7"),
                         framedAddresses: [IPAddress("10.10.0.5")!], classes: [Array("class-alice".utf8)],
                         counters: .init(inputOctets: 5_000_000_000, outputOctets: 1234, inputPackets: 10, outputPackets: 3),
                         sessionTime: 61, terminateCause: .userRequest, eventTime: start.adding(seconds: 61))
    }

    @Test func testRecordsSurviveReopening_andKeepTheirFields() throws {
        let directory = try makeTemporaryDirectory("ikehub-acct")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("spool.db").path
        do {
            let spool = try AccountingSpool(path: path)
            #expect(try spool.append(Self.startRecord()) == .appended(id: 1))
            #expect(try spool.append(Self.stopRecord()) == .appended(id: 2))
        }
        let reopened = try AccountingSpool(path: path)
        let pending = try reopened.pending()
        #expect(pending.map(\.record) == [Self.startRecord(), Self.stopRecord()])
    }

    @Test func testSecondStopOfASession_isADuplicate() throws {
        let directory = try makeTemporaryDirectory("ikehub-acct")
        defer { try? FileManager.default.removeItem(at: directory) }
        let spool = try AccountingSpool(path: directory.appendingPathComponent("spool.db").path)
        _ = try spool.append(Self.startRecord())
        #expect(try spool.append(Self.startRecord()) == .duplicate)
        _ = try spool.append(Self.stopRecord())
        #expect(try spool.append(Self.stopRecord()) == .duplicate)
        var interim = Self.startRecord()
        interim.kind = .interimUpdate
        #expect(try spool.append(interim) != .duplicate)
        #expect(try spool.append(interim) != .duplicate)
        #expect(try spool.pendingCount() == 4)
    }

    @Test func testGigawordsSplit_andDelayTime_inAttributes() {
        let attributes = Self.stopRecord().radiusAttributes(sentAt: Self.start.adding(seconds: 100), nasIdentifier: "hub")
        func value(_ type: UInt32) -> RadiusAttribute.Value? { attributes.first { $0.type == type && $0.vendor == 0 }?.value }
        #expect(value(42) == .integer(UInt32(5_000_000_000 & 0xffff_ffff)))
        #expect(value(52) == .integer(1))
        #expect(value(49) == .integer(1))
        #expect(value(46) == .integer(61))
        #expect(value(41) == .integer(39))  // sent 39 s after the Stop happened
        #expect(value(RadiusAttributeType.acctSessionID) == .bytes(Array(Self.session.description.utf8)))
    }

    @Test func testPackUnpack_rejectsTruncation() {
        let packed = AccountingSpool.pack([[1, 2, 3], [], [9]])
        #expect(AccountingSpool.unpack(packed) == [[1, 2, 3], [], [9]])
        #expect(AccountingSpool.unpack(Array(packed.dropLast())) == nil)
    }
}

/// Spool → sender → a real FreeRADIUS, including a server that is down at first.
@Suite(.serialized, .enabled(if: FreeRADIUSServer.isInstalled, "FreeRADIUS is not installed (apt-get install freeradius)"))
struct AccountingSenderTests {
    @Test func testStartAndStop_reachTheServerOnce_inOrder() throws {
        let server = try FreeRADIUSServer(users: "")
        let directory = try makeTemporaryDirectory("ikehub-acct")
        defer { try? FileManager.default.removeItem(at: directory) }
        let spool = try AccountingSpool(path: directory.appendingPathComponent("spool.db").path)
        _ = try spool.append(AccountingSpoolTests.startRecord())
        _ = try spool.append(AccountingSpoolTests.stopRecord())
        let client = try RadcliClient(configuration: RadiusClientConfiguration(
            servers: [RadiusServerEndpoint(host: "127.0.0.1", authenticationPort: server.authenticationPort,
                                           accountingPort: server.accountingPort, secret: SecretBytes(Array(server.secret.utf8)))],
            timeoutSeconds: 2, retries: 1))
        let sender = AccountingSender(spool: spool, clock: SystemWallClock(), nasIdentifier: "ikehub-test")
        #expect(try sender.drain(to: client) == .init(sent: 2, stalled: false))
        #expect(try spool.pendingCount() == 0)
        #expect(try sender.drain(to: client) == .init(sent: 0, stalled: false))

        let detail = server.accountingDetail()
        let startRange = try #require(detail.range(of: "Acct-Status-Type = Start"))
        let stopRange = try #require(detail.range(of: "Acct-Status-Type = Stop"))
        #expect(startRange.lowerBound < stopRange.lowerBound)
        #expect(detail.components(separatedBy: "Acct-Status-Type = Stop").count == 2)
        #expect(detail.contains("Acct-Session-Id = \"\(AccountingSpoolTests.session)\""))
        #expect(detail.contains("Acct-Input-Gigawords = 1"))
        #expect(detail.contains("Acct-Terminate-Cause = User-Request"))
        #expect(detail.contains("Framed-IP-Address = 10.10.0.5"))
        #expect(detail.contains("Class = 0x636c6173732d616c696365"))
        #expect(detail.contains("audit-session-id=\(AccountingSpoolTests.session)"))
    }

    @Test func testRecordsStaySpooled_whileTheServerIsDown() throws {
        let directory = try makeTemporaryDirectory("ikehub-acct")
        defer { try? FileManager.default.removeItem(at: directory) }
        let spool = try AccountingSpool(path: directory.appendingPathComponent("spool.db").path)
        _ = try spool.append(AccountingSpoolTests.startRecord())
        let port = freeUDPPortPair()
        let unreachable = try RadcliClient(configuration: RadiusClientConfiguration(
            servers: [RadiusServerEndpoint(host: "127.0.0.1", authenticationPort: port, accountingPort: port + 1,
                                           secret: SecretBytes(Array("ikehub-test-secret".utf8)))],
            timeoutSeconds: 1, retries: 0))
        let sender = AccountingSender(spool: spool, clock: SystemWallClock(), nasIdentifier: "ikehub-test")
        #expect(try sender.drain(to: unreachable) == .init(sent: 0, stalled: true, failure: .timeout))
        #expect(try spool.pending().map(\.attempts) == [1])
    }
}
