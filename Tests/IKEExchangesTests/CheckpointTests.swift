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
}
