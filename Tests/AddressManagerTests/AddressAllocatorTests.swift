import Testing
import Foundation
import HubTestSupport
import HubVocabulary
@testable import AddressManager

@Suite struct AddressAllocatorTests {
    static let clock = FixedWallClock(WallTime(secondsSinceEpoch: 1_800_000_000))

    /// A lease database in a fresh directory, removed when the test ends.
    final class Fixture {
        let directory: URL
        var path: String { directory.appendingPathComponent("leases.db").path }
        init() throws { directory = try makeTemporaryDirectory("ikehub-leases") }
        deinit { try? FileManager.default.removeItem(at: directory) }
        func allocator(_ pools: [AddressPool]) throws -> AddressAllocator {
            try AddressAllocator(pools: pools, store: LeaseStore(path: path), clock: AddressAllocatorTests.clock)
        }
    }

    static func v4Pool(_ name: String, _ ranges: [(String, String)]) throws -> AddressPool {
        try AddressPool(name: name, ipv4Ranges: ranges.map { try .init(first: IPv4Address($0.0)!, last: IPv4Address($0.1)!) })
    }

    static func session(_ n: UInt64) -> SessionID { SessionID(high: 0xabc, low: n) }

    @Test func testSessionsGetDistinctAddresses_inRangeOrder() throws {
        let fixture = try Fixture()
        let allocator = try fixture.allocator([Self.v4Pool("clients", [("10.10.0.1", "10.10.0.2"), ("10.20.0.5", "10.20.0.6")])])
        let addresses = try (1...4).map { try allocator.allocate(pool: "clients", identity: "user\($0)", session: Self.session($0)).address }
        #expect(addresses.map(\.description) == ["10.10.0.1", "10.10.0.2", "10.20.0.5", "10.20.0.6"])
        #expect(allocator.activeCount(pool: "clients") == 4)
    }

    @Test func testSameSessionAskingAgain_getsTheSameLease() throws {
        let fixture = try Fixture()
        let allocator = try fixture.allocator([Self.v4Pool("clients", [("10.10.0.1", "10.10.0.9")])])
        let first = try allocator.allocate(pool: "clients", identity: "alice", session: Self.session(1))
        let again = try allocator.allocate(pool: "clients", identity: "alice", session: Self.session(1))
        #expect(first == again)
        #expect(allocator.activeCount(pool: "clients") == 1)
    }

    @Test func testReturningIdentity_getsItsPreviousAddress() throws {
        let fixture = try Fixture()
        let allocator = try fixture.allocator([Self.v4Pool("clients", [("10.10.0.1", "10.10.0.9")])])
        let alice = try allocator.allocate(pool: "clients", identity: "alice", session: Self.session(1))
        _ = try allocator.allocate(pool: "clients", identity: "bob", session: Self.session(2))
        try allocator.release(session: Self.session(1))
        _ = try allocator.allocate(pool: "clients", identity: "carol", session: Self.session(3))
        let aliceAgain = try allocator.allocate(pool: "clients", identity: "alice", session: Self.session(4))
        #expect(aliceAgain.address == alice.address)
        #expect(aliceAgain.session == Self.session(4))
    }

    @Test func testExhaustion_isAnError_untilAnAddressIsReleased() throws {
        let fixture = try Fixture()
        let allocator = try fixture.allocator([Self.v4Pool("tiny", [("192.0.2.10", "192.0.2.11")])])
        _ = try allocator.allocate(pool: "tiny", identity: "a", session: Self.session(1))
        _ = try allocator.allocate(pool: "tiny", identity: "b", session: Self.session(2))
        #expect(throws: AllocationError.poolExhausted(pool: "tiny", capacity: 2)) {
            try allocator.allocate(pool: "tiny", identity: "c", session: Self.session(3))
        }
        let freed = try allocator.release(session: Self.session(1))
        #expect(freed.map(\.address.description) == ["192.0.2.10"])
        let c = try allocator.allocate(pool: "tiny", identity: "c", session: Self.session(3))
        #expect(c.address.description == "192.0.2.10")
    }

    @Test func testLeasesSurviveRestart_andActiveOnesAreNotReissued() throws {
        let fixture = try Fixture()
        let pool = try Self.v4Pool("clients", [("10.10.0.1", "10.10.0.9")])
        do {
            let allocator = try fixture.allocator([pool])
            _ = try allocator.allocate(pool: "clients", identity: "alice", session: Self.session(1))
            _ = try allocator.allocate(pool: "clients", identity: "bob", session: Self.session(2))
            try allocator.release(session: Self.session(2))
        }
        let restarted = try fixture.allocator([pool])
        #expect(restarted.leases(of: Self.session(1)).map(\.address.description) == ["10.10.0.1"])
        let carol = try restarted.allocate(pool: "clients", identity: "carol", session: Self.session(3))
        #expect(carol.address.description == "10.10.0.3")
        let bob = try restarted.allocate(pool: "clients", identity: "bob", session: Self.session(4))
        #expect(bob.address.description == "10.10.0.2")
        #expect(restarted.undecodableLeaseCount == 0)
    }

    @Test func testReconcile_releasesSessionsTheFrontendNoLongerHas() throws {
        let fixture = try Fixture()
        let allocator = try fixture.allocator([Self.v4Pool("clients", [("10.10.0.1", "10.10.0.9")])])
        for n in 1...3 { _ = try allocator.allocate(pool: "clients", identity: "u\(n)", session: Self.session(UInt64(n))) }
        let released = try allocator.reconcile(liveSessions: [Self.session(2)])
        #expect(Set(released.map(\.session)) == [Self.session(1), Self.session(3)])
        #expect(allocator.activeCount(pool: "clients") == 1)
    }

    @Test func testIPv6PrefixPool_handsOutConsecutivePrefixes() throws {
        let fixture = try Fixture()
        let pool = try AddressPool(name: "v6", ipv6Prefix: IPv6Address("2001:db8:100::")!, prefixLength: 48, assignedLength: 64)
        #expect(pool.capacity == 65536)
        let allocator = try fixture.allocator([pool])
        let first = try allocator.allocate(pool: "v6", identity: "a", session: Self.session(1))
        let second = try allocator.allocate(pool: "v6", identity: "b", session: Self.session(2))
        #expect(first.address.description == "2001:db8:100::")
        #expect(second.address.description == "2001:db8:100:1::")
        #expect(second.prefixLength == 64)
        #expect(pool.slot(of: second.address) == 1)
        #expect(pool.slot(of: IPAddress("2001:db8:100:1::1")!) == nil)
    }

    @Test func testFramedAddress_conflictsWithAnotherSession() throws {
        let fixture = try Fixture()
        let allocator = try fixture.allocator([Self.v4Pool("clients", [("10.10.0.1", "10.10.0.9")])])
        let pooled = try allocator.allocate(pool: "clients", identity: "alice", session: Self.session(1))
        #expect(throws: AllocationError.addressInUse(address: "10.10.0.1", heldBy: Self.session(1))) {
            try allocator.recordFramed(address: pooled.address, identity: "carol", session: Self.session(2))
        }
        let framed = try allocator.recordFramed(address: IPAddress("10.99.102.7")!, identity: "carol", session: Self.session(2))
        #expect(framed.pool == framedAddressPoolName)
        #expect(allocator.leases(of: Self.session(2)) == [framed])
    }

    @Test func testUnknownPool_isNamed() throws {
        let fixture = try Fixture()
        let allocator = try fixture.allocator([])
        #expect(throws: AllocationError.unknownPool("nope")) { try allocator.allocate(pool: "nope", identity: "a", session: Self.session(1)) }
    }

    @Test func testPoolDefinitionErrors() throws {
        #expect(throws: AddressPoolError.emptyRange(first: "10.0.0.9", last: "10.0.0.1")) {
            _ = try AddressPool.IPv4Range(first: IPv4Address("10.0.0.9")!, last: IPv4Address("10.0.0.1")!)
        }
        #expect(throws: AddressPoolError.overlappingRanges(pool: "p", first: "10.0.0.5-10.0.0.20", second: "10.0.0.1-10.0.0.9")) {
            _ = try Self.v4Pool("p", [("10.0.0.1", "10.0.0.9"), ("10.0.0.5", "10.0.0.20")])
        }
        #expect(throws: AddressPoolError.self) {
            _ = try AddressPool(name: "v6", ipv6Prefix: IPv6Address("2001:db8::")!, prefixLength: 64, assignedLength: 48)
        }
    }
}
