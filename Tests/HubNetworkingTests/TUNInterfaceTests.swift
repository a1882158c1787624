import Testing
import Foundation
import HubTestSupport
@testable import HubNetworking

/// A TUN interface moved into a namespace the test creates: a ping inside the namespace
/// reaches our descriptor, and the echo reply we write back reaches ping.
@Suite(.enabled(if: canManageNetworkNamespaces, "needs root, /dev/net/tun and iproute2"))
struct TUNInterfaceTests {
    @Test func testPingRoundTrip_throughTheDescriptor() throws {
        let namespace = try NetworkNamespace(prefix: "ikehub-tun")
        let tun = try TUNInterface(name: "ihtun\(UInt16.random(in: 0...9999))")
        try ip("link", "set", tun.name, "netns", namespace.name)
        try ip("-n", namespace.name, "addr", "add", "198.18.0.1/30", "dev", tun.name)
        try ip("-n", namespace.name, "link", "set", tun.name, "up")

        // A separate process, not a Task: this test blocks its thread reading the TUN, and the
        // cooperative pool may have no other thread free on a 2-core machine.
        let logDirectory = try makeTemporaryDirectory("ikehub-tun")
        defer { try? FileManager.default.removeItem(at: logDirectory) }
        let ping = try ChildProcess(executable: "/usr/sbin/ip",
                                    arguments: ["netns", "exec", namespace.name, "ping", "-c", "1", "-W", "3", "198.18.0.2"],
                                    logURL: logDirectory.appendingPathComponent("ping.log"))
        var buffer = [UInt8](repeating: 0, count: 2048)
        var answered = false
        let deadline = Date().addingTimeInterval(5)
        while !answered, Date() < deadline {
            guard let count = try tun.readPacket(into: &buffer, timeoutMilliseconds: 500) else { continue }
            let packet = Array(buffer[0..<count])
            // IPv4, ICMP echo request to 198.18.0.2 (the kernel also sends IPv6 solicitations).
            guard count >= 28, packet[0] >> 4 == 4, packet[9] == 1, packet[16..<20] == [198, 18, 0, 2],
                  packet[20] == 8 else { continue }
            let reply = Self.echoReply(to: packet)
            try reply.withUnsafeBytes { try tun.writePacket($0) }
            answered = true
        }
        #expect(answered)
        ping.process.waitUntilExit()
        #expect(ping.process.terminationStatus == 0, "ping output: \(ping.log())")
        #expect(ping.log().contains("1 received"))
    }

    @Test func testOverlongName_isRejected() {
        #expect(throws: SocketError.self) { _ = try TUNInterface(name: "a-name-longer-than-15") }
    }

    /// Swaps the addresses, turns the ICMP type into echo reply and fixes the checksums.
    static func echoReply(to request: [UInt8]) -> [UInt8] {
        var reply = request
        let headerLength = Int(request[0] & 0x0f) * 4
        reply.replaceSubrange(12..<16, with: request[16..<20])
        reply.replaceSubrange(16..<20, with: request[12..<16])
        reply[headerLength] = 0
        reply[headerLength + 2] = 0
        reply[headerLength + 3] = 0
        let icmpSum = internetChecksum(reply[headerLength...])
        reply[headerLength + 2] = UInt8(icmpSum >> 8)
        reply[headerLength + 3] = UInt8(icmpSum & 0xff)
        reply[10] = 0
        reply[11] = 0
        let ipSum = internetChecksum(reply[0..<headerLength])
        reply[10] = UInt8(ipSum >> 8)
        reply[11] = UInt8(ipSum & 0xff)
        return reply
    }

    static func internetChecksum(_ bytes: ArraySlice<UInt8>) -> UInt16 {
        var sum: UInt32 = 0
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let high = UInt32(bytes[index])
            let low = index + 1 < bytes.endIndex ? UInt32(bytes[index + 1]) : 0
            sum += high << 8 | low
            index += 2
        }
        while sum > 0xffff { sum = (sum & 0xffff) + (sum >> 16) }
        return ~UInt16(sum)
    }
}
