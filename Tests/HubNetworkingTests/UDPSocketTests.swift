import Testing
import Glibc
import HubVocabulary
@testable import HubNetworking

@Suite struct UDPSocketTests {
    @Test(arguments: ["127.0.0.1", "::1"])
    func testDatagramArrives_withSourceAddress(loopback: String) throws {
        let any = SocketAddress(address: try #require(IPAddress(loopback)), port: 0)
        let receiver = try UDPSocket(binding: any)
        let sender = try UDPSocket(binding: any)
        #expect(receiver.localAddress.port != 0)
        try sender.send([0, 0, 0, 0, 0x2a], to: receiver.localAddress)
        let datagram = try #require(try receiver.receive(timeoutMilliseconds: 2000))
        #expect(datagram.bytes == [0, 0, 0, 0, 0x2a])
        #expect(datagram.from == sender.localAddress)
    }

    @Test func testReceiveTimesOut_whenNothingArrives() throws {
        let socket = try UDPSocket(binding: SocketAddress(address: IPAddress("127.0.0.1")!, port: 0))
        #expect(try socket.receive(timeoutMilliseconds: 10) == nil)
    }

    @Test func testBindFails_namingTheAddress_whenPortIsTaken() throws {
        let first = try UDPSocket(binding: SocketAddress(address: IPAddress("127.0.0.1")!, port: 0), reuseAddress: false)
        #expect(throws: SocketError(operation: "bind", address: first.localAddress, errorNumber: EADDRINUSE)) {
            _ = try UDPSocket(binding: first.localAddress, reuseAddress: false)
        }
        let error = SocketError(operation: "bind", address: first.localAddress, errorNumber: EADDRINUSE)
        #expect(error.description == "bind \(first.localAddress): Address already in use")
    }

    @Test func testSocketAddressDescription_bracketsIPv6() {
        #expect(SocketAddress(address: IPAddress("2001:db8::1")!, port: 500).description == "[2001:db8::1]:500")
        #expect(SocketAddress(address: IPAddress("192.0.2.1")!, port: 4500).description == "192.0.2.1:4500")
    }
}
