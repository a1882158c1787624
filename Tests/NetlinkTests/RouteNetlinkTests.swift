import Testing
import Foundation
import HubNetworking
import HubTestSupport
import HubVocabulary
@testable import Netlink

@Suite struct NetlinkEncodingTests {
    @Test func testRouteMessage_layoutOfRtmsgAndAttributes() {
        let bytes = RouteNetlink.routeMessage(IPAddress("10.99.100.7")!, prefixLength: 32, index: 5, source: nil, table: 254)
        // struct rtmsg: family AF_INET, dst_len 32, src_len, tos, table 254, protocol
        // RTPROT_STATIC (4), scope RT_SCOPE_LINK (253), type RTN_UNICAST (1), flags 0.
        let rtmsg: [UInt8] = [2, 32, 0, 0, 254, 4, 253, 1, 0, 0, 0, 0]
        // RTA_DST (1) = 10.99.100.7, RTA_OIF (4) = 5, RTA_TABLE (15) = 254 (little-endian host).
        let attributes: [UInt8] = [8, 0, 1, 0, 10, 99, 100, 7,
                                   8, 0, 4, 0, 5, 0, 0, 0,
                                   8, 0, 15, 0, 254, 0, 0, 0]
        #expect(bytes == rtmsg + attributes)
    }

    @Test func testMessageRoundTrip_andPadding() throws {
        let message = NetlinkMessage(type: 24, flags: 5, sequence: 7, portID: 0, payload: [1, 2, 3])
        let bytes = message.serialize()
        #expect(bytes.count == 20)  // 16 + 3, padded to 4
        #expect(Array(bytes[0..<4]) == [19, 0, 0, 0])
        let parsed = try NetlinkMessage.parseAll(bytes)
        #expect(parsed == [message])
    }

    @Test func testLyingLengths_areErrors() {
        #expect(throws: NetlinkError.self) { try NetlinkMessage.parseAll([200, 0, 0, 0] + [UInt8](repeating: 0, count: 12)) }
        #expect(throws: NetlinkError.self) { try NetlinkAttribute.parseAll([2, 0, 1, 0]) }
    }

    @Test func testAttributeRoundTrip() throws {
        let parsed = try NetlinkAttribute.parseAll(NetlinkAttribute.serialize([.string(3, "va1"), .uint32(4, 1400)]))
        #expect(parsed == [.string(3, "va1"), .uint32(4, 1400)])
        #expect(parsed.last?.uint32 == 1400)
        #expect(parsed.first?.string == "va1")
    }
}

/// Real rtnetlink in a namespace the test creates: a TUN interface made inside it, brought
/// up with an MTU, given an address and a route, all checked with iproute2.
@Suite(.serialized, .enabled(if: canManageNetworkNamespaces, "needs root, /dev/net/tun and iproute2"))
struct RouteNetlinkNamespaceTests {
    @Test func testVirtualAccessSetup_isVisibleToIproute2() throws {
        let namespace = try HubTestSupport.NetworkNamespace(prefix: "ikehub-nl")
        let tun = try Netlink.NetworkNamespace.run(inNamespaceAt: Netlink.NetworkNamespace.path(named: namespace.name)) { () throws(NetlinkError) in
            do { return try TUNInterface(name: "va7") } catch let error as SocketError {
                throw .system(call: "TUN va7", errorNumber: error.errorNumber)
            } catch { throw .system(call: "TUN va7", errorNumber: -1) }
        }
        let route = RouteNetlink(socket: try NetlinkSocket(family: .route, networkNamespace: namespace.name))
        let index = try route.interfaceIndex(named: tun.name)
        try route.setLink(index: index, up: true, mtu: 1400)
        try route.addAddress(IPAddress("10.99.200.1")!, prefixLength: 32, interfaceIndex: index)
        try route.addRoute(to: IPAddress("10.99.100.7")!, prefixLength: 32, interfaceIndex: index)

        let link = try namespace.run(["ip", "link", "show", "va7"]).output
        #expect(link.contains("mtu 1400"))
        #expect(link.contains("UP"))
        #expect(try namespace.run(["ip", "-4", "addr", "show", "va7"]).output.contains("inet 10.99.200.1/32"))
        #expect(try namespace.run(["ip", "route"]).output.contains("10.99.100.7 dev va7"))
        // Nothing leaked into the test process's own namespace.
        #expect(try runCommand("/usr/sbin/ip", ["link", "show", "va7"]).status != 0)

        try route.deleteRoute(to: IPAddress("10.99.100.7")!, prefixLength: 32, interfaceIndex: index)
        #expect(!(try namespace.run(["ip", "route"]).output.contains("10.99.100.7")))
    }

    @Test func testKernelErrors_nameTheOperation() throws {
        let namespace = try HubTestSupport.NetworkNamespace(prefix: "ikehub-nl")
        let route = RouteNetlink(socket: try NetlinkSocket(family: .route, networkNamespace: namespace.name))
        #expect(throws: NetlinkError.noSuchInterface("va-missing")) { try route.interfaceIndex(named: "va-missing") }
        do {
            try route.addRoute(to: IPAddress("10.99.100.7")!, prefixLength: 32, interfaceIndex: 9999)
            Issue.record("a route on a missing interface was accepted")
        } catch {
            #expect(error.description.hasPrefix("RTM_NEWROUTE 10.99.100.7/32: kernel says"))
        }
    }
}
