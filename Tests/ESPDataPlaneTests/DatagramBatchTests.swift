import Testing
import HubNetworking
import HubVocabulary

/// `recvmmsg`/`sendmmsg` through `DatagramBatch` on loopback sockets.
struct DatagramBatchTests {
    @Test(arguments: ["127.0.0.1", "::1"])
    func testBatchSendThenBatchReceive_keepsEveryDatagramItsLengthAndSource(_ loopback: String) throws {
        let address = IPAddress(loopback)!
        let receiver = try UDPSocket(binding: SocketAddress(address: address, port: 0))
        let sender = try UDPSocket(binding: SocketAddress(address: address, port: 0))
        let outgoing = DatagramBatch(capacity: 16, slotSize: 256)
        for index in 0..<10 {
            let slot = outgoing.slot(index)
            for offset in 0..<(index * 20 + 1) { slot[offset] = UInt8(truncatingIfNeeded: index &+ offset) }
            outgoing.setLength(index * 20 + 1, at: index)
            outgoing.setAddress(receiver.localAddress, at: index)
        }
        outgoing.count = 10
        let outcome = sender.send(outgoing)
        #expect(outcome.sent == 10)
        #expect(outcome.failed == 0)

        let incoming = DatagramBatch(capacity: 16, slotSize: 256)
        var received: [[UInt8]] = []
        while received.count < 10 {
            let count = try receiver.receive(into: incoming, timeoutMilliseconds: 2000)
            #expect(count > 0)
            guard count > 0 else { break }
            for index in 0..<count {
                received.append(Array(incoming.datagram(index)))
                #expect(incoming.address(at: index) == sender.localAddress)
                #expect(incoming.address(at: index, equals: sender.localAddress))
                #expect(!incoming.address(at: index, equals: receiver.localAddress))
                #expect(!incoming.wasTruncated(at: index))
            }
        }
        #expect(received == (0..<10).map { index in (0..<(index * 20 + 1)).map { UInt8(truncatingIfNeeded: index &+ $0) } })
    }

    @Test func testDatagramLongerThanASlot_isFlaggedTruncated() throws {
        let receiver = try UDPSocket(binding: SocketAddress(address: IPAddress("127.0.0.1")!, port: 0))
        let sender = try UDPSocket(binding: SocketAddress(address: IPAddress("127.0.0.1")!, port: 0))
        try sender.send([UInt8](repeating: 7, count: 300), to: receiver.localAddress)
        let incoming = DatagramBatch(capacity: 4, slotSize: 100)
        #expect(try receiver.receive(into: incoming, timeoutMilliseconds: 2000) == 1)
        #expect(incoming.wasTruncated(at: 0))
        #expect(incoming.length(at: 0) == 100)
    }

    @Test func testReceive_timesOutWithNothingQueued() throws {
        let receiver = try UDPSocket(binding: SocketAddress(address: IPAddress("127.0.0.1")!, port: 0))
        let incoming = DatagramBatch(capacity: 4, slotSize: 100)
        #expect(try receiver.receive(into: incoming, timeoutMilliseconds: 10) == 0)
        #expect(incoming.count == 0)
    }

    @Test func testUnreachableDestination_isSkippedAndTheRestAreSent() throws {
        let receiver = try UDPSocket(binding: SocketAddress(address: IPAddress("127.0.0.1")!, port: 0))
        let sender = try UDPSocket(binding: SocketAddress(address: IPAddress("127.0.0.1")!, port: 0))
        let outgoing = DatagramBatch(capacity: 3, slotSize: 64)
        // An IPv6 destination on an IPv4 socket is refused by the kernel (EAFNOSUPPORT/EINVAL).
        let destinations = [receiver.localAddress, SocketAddress(address: IPAddress("::1")!, port: 9), receiver.localAddress]
        for (index, destination) in destinations.enumerated() {
            outgoing.slot(index)[0] = UInt8(index)
            outgoing.setLength(1, at: index)
            outgoing.setAddress(destination, at: index)
        }
        outgoing.count = 3
        let outcome = sender.send(outgoing)
        #expect(outcome.sent == 2)
        #expect(outcome.failed == 1)
        #expect(outcome.lastErrorNumber != 0)
        let incoming = DatagramBatch(capacity: 4, slotSize: 64)
        var bytes: [UInt8] = []
        while bytes.count < 2, try receiver.receive(into: incoming, timeoutMilliseconds: 2000) > 0 {
            for index in 0..<incoming.count { bytes.append(incoming.datagram(index)[0]) }
        }
        #expect(bytes == [0, 2])
    }
}
