import Testing
import Foundation
import HubTestSupport
import HubVocabulary
@testable import HubNetworking

@Suite struct IKEHandoffSocketTests {
    @Test(arguments: [("198.51.100.7", "10.99.0.1"), ("2001:db8::7", "2001:db8::1")])
    func testMessageCrossesBothWays_withItsEndpoints(remote: String, local: String) throws {
        let directory = try makeTemporaryDirectory("ikehub-handoff")
        defer { try? FileManager.default.removeItem(at: directory) }
        let frontendPath = directory.appendingPathComponent(IKEHandoffSocket.frontendSocketName).path
        let tunneldPath = directory.appendingPathComponent(IKEHandoffSocket.tunnelManagerSocketName).path
        let frontend = try IKEHandoffSocket(bindingPath: frontendPath, peerPath: tunneldPath)
        let tunneld = try IKEHandoffSocket(bindingPath: tunneldPath, peerPath: frontendPath)
        let message = IKEHandoffSocket.Message(remote: SocketAddress(address: IPAddress(remote)!, port: 4500),
                                               local: SocketAddress(address: IPAddress(local)!, port: 4500),
                                               ikeMessage: Array(0..<200).map { UInt8($0) })
        try tunneld.send(message)
        #expect(try frontend.receive(timeoutMilliseconds: 1000) == message)
        try frontend.send(message)
        #expect(try tunneld.receive(timeoutMilliseconds: 1000) == message)
        #expect(try frontend.receive(timeoutMilliseconds: 10) == nil)
    }

    @Test func testMalformedHandoffDatagrams_areRejected() {
        #expect(IKEHandoffSocket.Message(decoding: [1, 4]) == nil)
        #expect(IKEHandoffSocket.Message(decoding: [2] + [UInt8](repeating: 0, count: 39)) == nil)
        #expect(IKEHandoffSocket.Message(decoding: [1, 5] + [UInt8](repeating: 0, count: 38)) == nil)
        let mixed = IKEHandoffSocket.Message(remote: SocketAddress(address: IPAddress("192.0.2.1")!, port: 1),
                                             local: SocketAddress(address: IPAddress("::1")!, port: 1), ikeMessage: [])
        #expect(mixed.encoded() == nil)
    }

    @Test func testSendFails_whilePeerIsDown() throws {
        let directory = try makeTemporaryDirectory("ikehub-handoff")
        defer { try? FileManager.default.removeItem(at: directory) }
        let socket = try IKEHandoffSocket(bindingPath: directory.appendingPathComponent("a.sock").path,
                                          peerPath: directory.appendingPathComponent("missing.sock").path)
        let message = IKEHandoffSocket.Message(remote: SocketAddress(address: IPAddress("192.0.2.1")!, port: 4500),
                                               local: SocketAddress(address: IPAddress("192.0.2.2")!, port: 4500), ikeMessage: [1])
        #expect(throws: SocketError.self) { try socket.send(message) }
    }
}
