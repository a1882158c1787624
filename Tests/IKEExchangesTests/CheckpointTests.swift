import HubVocabulary
import IKECrypto
import IKEExchanges
import IKEWire
import Testing

/// DESIGN §4: a restarted frontend resumes established IKE SAs from checkpoints.
@Suite struct CheckpointTests {
    @Test func testRestoredTableContinuesTheSession_afterRestart() throws {
        var harness = Harness()
        var client = try TestInitiator(suite: try Harness.suites()[2], endpoint: Harness.client, gateway: Harness.gateway)
        let setup = try harness.establish(&client)
        let checkpoints = harness.table.checkpoints()
        try #require(checkpoints.count == 1)
        #expect(checkpoints[0].session == setup.session)
        #expect(checkpoints[0].nextInboundMessageID == MessageID(2))
        #expect(checkpoints[0].address?.lease == LeaseID(7))

        // The frontend restarts: a new table from the checkpoint alone.
        var restarted = Harness()
        restarted.now = harness.now.adding(seconds: 5)
        let timers = try restarted.table.restore(from: checkpoints[0], at: restarted.now)
        #expect(!Harness.timers(timers).isEmpty)
        // A retransmitted IKE_AUTH still gets the same octets; a new request gets answered.
        let retransmitted = try client.seal(.ikeAuth, messageID: 1, isResponse: false, payloads: Harness.ikeAuthPayloads(client))
        #expect(Harness.sent(restarted.deliver(retransmitted)) == setup.responseDatagrams)
        let live = restarted.deliver(try client.request(.informational, []))
        #expect(try client.open(Harness.sent(live)).payloads.isEmpty)
        // Deleting the session releases what the checkpoint recorded.
        let end = restarted.deliver(try client.request(.informational, [.delete(.ikeSA)]))
        #expect(Harness.steps(end) == InformationalExchangeTests.teardown)
    }

    @Test func testCheckpointEffectFollowsEveryChange_andKeepsMessageIDsExact() throws {
        let dpd = ResponderConfiguration.DeadPeerDetection(intervalSeconds: 10, retryIntervalSeconds: 2, retries: 3)
        var harness = Harness(configuration: Harness.configuration(dpd: dpd))
        var client = try TestInitiator(suite: try Harness.suites()[0], endpoint: Harness.client, gateway: Harness.gateway)
        let setup = try harness.establish(&client)
        #expect(Harness.checkpoints(setup.effects).count == 1)
        // INFORMATIONAL {} --> a new checkpoint (the peer's Message ID moved on).
        let live = harness.deliver(try client.request(.informational, []))
        #expect(Harness.checkpoints(live).last?.nextInboundMessageID == MessageID(3))
        // Our DPD probe (Message ID 0) and its answer --> our next Message ID is 1.
        harness.advance(seconds: 11)
        let probe = try client.open(Harness.sent(harness.fireDueTimers(from: harness.log)))
        let answered = harness.deliver(try client.seal(.informational, messageID: probe.header.messageID.rawValue, isResponse: true,
                                                       payloads: []))
        let latest = try #require(Harness.checkpoints(answered).last)
        #expect(latest.nextOutboundMessageID == MessageID(1))
        // Restart from the latest checkpoint: the peer's next request and our next probe both fit.
        var restarted = Harness(configuration: Harness.configuration(dpd: dpd))
        restarted.now = harness.now
        _ = restarted.record(try restarted.table.restore(from: latest, at: restarted.now))
        let resumed = restarted.deliver(try client.request(.informational, []))
        #expect(try client.open(Harness.sent(resumed)).header.messageID == MessageID(3), "\(resumed)")
        restarted.advance(seconds: 11)
        let nextProbe = try client.open(Harness.sent(restarted.fireDueTimers(from: restarted.log)))
        #expect(nextProbe.header.messageID == MessageID(1))
        #expect(setup.session == latest.session)
    }

    @Test func testPeerActivityPostponesDPD() throws {
        let dpd = ResponderConfiguration.DeadPeerDetection(intervalSeconds: 10, retryIntervalSeconds: 2, retries: 3)
        var harness = Harness(configuration: Harness.configuration(dpd: dpd))
        var client = try TestInitiator(suite: try Harness.suites()[0], endpoint: Harness.client, gateway: Harness.gateway)
        let setup = try harness.establish(&client)
        harness.advance(seconds: 8)
        harness.table.notePeerActivity(session: setup.session, at: harness.now)   // ESP seen by tunneld
        harness.advance(seconds: 3)
        #expect(Harness.sent(harness.fireDueTimers(from: harness.log)).isEmpty)
        harness.advance(seconds: 8)
        #expect(Harness.sent(harness.fireDueTimers(from: harness.log)).count == 1)
    }
}
