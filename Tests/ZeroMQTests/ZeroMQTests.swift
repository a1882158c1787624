import Foundation
import Testing
import ZeroMQ

@Suite struct ZeroMQTests {
    /// ZeroMQ RFC 32 §"Test case": 86 4F D2 6F B5 59 F7 5B encodes as "HelloWorld".
    @Test func testZ85MatchesRFC32Vector_whenEncodingAndDecoding() {
        let octets: [UInt8] = [0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B]
        #expect(Z85.encode(octets) == "HelloWorld")
        #expect(Z85.decode("HelloWorld") == octets)
        #expect(Z85.encode([1, 2, 3]) == nil)
        #expect(Z85.decode("Hello") != nil && Z85.decode("Hell") == nil)
    }

    @Test func testCurveKeyPairIsConsistent_whenGenerated() throws {
        #expect(ZMQContext.hasCurve, "libzmq here has no CURVE")
        let pair = try CurveKeyPair.generate()
        #expect(pair.publicKey.utf8.count == 40 && pair.secretKey.utf8.count == 40)
        #expect(try CurveKeyPair.publicKey(forSecretKey: pair.secretKey) == pair.publicKey)
        #expect(!pair.description.contains(pair.secretKey), "description leaks the secret key")
        #expect(throws: ZMQError.self) { try CurveKeyPair(publicKey: "short", secretKey: pair.secretKey) }
    }

    @Test(arguments: ["inproc://zmqtest-multipart", "ipc:///tmp/ikehub-zmqtest-\(getpid()).sock", "tcp://127.0.0.1:*"])
    func testMultipartMessageRoundTrips_whenDealerTalksToRouter(endpoint: String) throws {
        let context = try ZMQContext()
        let router = try ZMQSocket(context: context, type: .router)
        let bound = try router.bind(endpoint)
        let dealer = try ZMQSocket(context: context, type: .dealer)
        try dealer.setRoutingID(Array("dealer-1".utf8))
        try dealer.connect(bound)
        try dealer.send([[1, 2, 3], [], Array(repeating: 0xAB, count: 5000)], dontWait: false)
        var poller = ZMQPoller([.socket(router)])
        #expect(try poller.wait(timeoutMilliseconds: 5000) == [0])
        let frames = try #require(try router.receive())
        #expect(frames.count == 4)
        #expect(frames[0] == Array("dealer-1".utf8))
        #expect(frames[1] == [1, 2, 3] && frames[2].isEmpty && frames[3].count == 5000)
        try router.send([frames[0], [9]], dontWait: false)
        var dealerPoller = ZMQPoller([.socket(dealer)])
        #expect(try dealerPoller.wait(timeoutMilliseconds: 5000) == [0])
        #expect(try dealer.receive() == [[9]])
        #expect(try dealer.receive() == nil, "a second receive with nothing waiting must not block")
    }

    @Test func testRouterMandatoryReportsUnreachable_whenPeerIsUnknown() throws {
        let context = try ZMQContext()
        let router = try ZMQSocket(context: context, type: .router)
        try router.setRouterMandatory(true)
        try router.bind("inproc://zmqtest-mandatory")
        do {
            try router.send([Array("nobody".utf8), [1]])
            Issue.record("send to an unknown peer succeeded")
        } catch {
            #expect(error.peerUnreachable, "\(error)")
        }
    }

    @Test func testBindFailsWithNamedEndpoint_whenEndpointIsInvalid() throws {
        let context = try ZMQContext()
        let socket = try ZMQSocket(context: context, type: .router)
        do {
            try socket.bind("nonsense://x")
            Issue.record("bind to an invalid endpoint succeeded")
        } catch {
            #expect(error.operation == "zmq_bind" && error.subject == "nonsense://x")
            #expect(error.description.contains("nonsense://x"))
        }
    }

    @Test func testPollerWakesOnFileDescriptor_whenPipeBecomesReadable() throws {
        var ends: [Int32] = [-1, -1]
        #expect(pipe(&ends) == 0)
        defer { close(ends[0]); close(ends[1]) }
        var poller = ZMQPoller([.fileDescriptor(ends[0])])
        #expect(try poller.wait(timeoutMilliseconds: 10).isEmpty)
        var byte: UInt8 = 1
        #expect(write(ends[1], &byte, 1) == 1)
        #expect(try poller.wait(timeoutMilliseconds: 1000) == [0])
    }
}
