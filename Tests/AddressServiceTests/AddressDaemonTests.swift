import Foundation
import HubIPC
import HubVocabulary
import Testing

/// `ikehub-addrd` as a real process, driven over IPC the way the IKE frontend drives it.
@Suite(.serialized) struct AddressDaemonTests {
    /// Two pools: A holds 3 addresses, B holds 1.
    static let configuration = """
        hostname hub1
        ip local pool POOL-A 10.10.0.1 10.10.0.3
        ip local pool POOL-B 10.20.0.1 10.20.0.1

        """

    static func session(_ n: UInt64) -> SessionID { SessionID(high: 0x1b2c_3d4e_0000_0000, low: n) }

    static func identity(_ name: String) -> IPCv1PeerIdentity {
        .with { $0.idType = 3; $0.value = Data("\(name)@example.com".utf8) }  // RFC822_ADDR
    }

    static func allocate(_ daemon: AddressDaemon, _ name: String, session: UInt64,
                         pools: [String] = ["POOL-A", "POOL-B"]) async throws -> IPCv1AllocateAddressReply {
        let body = try await daemon.request(.allocateAddressRequest(.with {
            $0.family = .ipv4
            $0.pools = pools
            $0.peerIdentity = identity(name)
        }), session: Self.session(session))
        guard case .allocateAddressReply(let reply) = body else { throw DaemonTestError("no allocate reply: \(String(describing: body))") }
        return reply
    }

    static func text(_ address: IPCv1IPAddress) -> String {
        IPAddress(bytes: address.octets).map { "\($0)" } ?? "-"
    }

    @Test func testPoolsFillInOrderThenExhaust_whenManySessionsAllocate() async throws {
        let daemon = try AddressDaemon(configuration: Self.configuration)
        var addresses: [String] = []
        for n in 1...4 {
            let reply = try await Self.allocate(daemon, "user\(n)", session: UInt64(n))
            #expect(reply.result == .allocated)
            #expect(reply.lease.leaseID != 0 && reply.lease.prefixLength == 32)
            #expect(reply.lease.sessionID == Data(Self.session(UInt64(n)).bytes))
            addresses.append("\(reply.lease.pool) \(Self.text(reply.lease.address))")
        }
        #expect(addresses == ["POOL-A 10.10.0.1", "POOL-A 10.10.0.2", "POOL-A 10.10.0.3", "POOL-B 10.20.0.1"])
        #expect(try await Self.allocate(daemon, "user5", session: 5).result == .exhausted)
        #expect(try await Self.allocate(daemon, "user6", session: 6, pools: ["NO-SUCH"]).result == .noSuchPool)

        // Framed-IP-Address from AAA wins over the pools.
        let framed = try await daemon.request(.allocateAddressRequest(.with {
            $0.requestedAddress = .with { $0.octets = Data([192, 0, 2, 7]) }
            $0.pools = ["POOL-A"]
            $0.peerIdentity = Self.identity("framed")
        }), session: Self.session(7))
        guard case .allocateAddressReply(let framedReply) = framed else { throw DaemonTestError("no framed reply") }
        #expect(framedReply.result == .allocated && Self.text(framedReply.lease.address) == "192.0.2.7")
        let taken = try await daemon.request(.allocateAddressRequest(.with {
            $0.requestedAddress = .with { $0.octets = Data([192, 0, 2, 7]) }
            $0.peerIdentity = Self.identity("other")
        }), session: Self.session(8))
        #expect(taken == .allocateAddressReply(.with { $0.result = .requestedAddressInUse }))

        let show = try await daemon.request(.showRequest(.with { $0.topic = .localPool }))
        guard case .showReply(let table) = show else { throw DaemonTestError("no show reply") }
        #expect(table.columns == ["Pool", "Begin", "End", "Free", "In use"])
        #expect(table.rows.map(\.cells) == [["POOL-A", "10.10.0.1", "10.10.0.3", "0", "3"],
                                            ["POOL-B", "10.20.0.1", "10.20.0.1", "0", "1"]])
    }

    @Test func testSameIdentityGetsItsAddressBack_afterRelease() async throws {
        let daemon = try AddressDaemon(configuration: Self.configuration)
        let first = try await Self.allocate(daemon, "alice", session: 1)
        // Renew returns the same lease while the session lives.
        let renew = try await daemon.request(.renewAddressRequest(.with { $0.leaseID = first.lease.leaseID }), session: Self.session(1))
        guard case .renewAddressReply(let renewed) = renew else { throw DaemonTestError("no renew reply") }
        #expect(renewed.renewed && renewed.lease == first.lease)

        // A release from another session frees nothing.
        let foreign = try await daemon.request(.releaseAddressRequest(.with { $0.leaseID = first.lease.leaseID }), session: Self.session(99))
        #expect(foreign == .releaseAddressReply(.with { $0.wasHeld = false }))
        let release = try await daemon.request(.releaseAddressRequest(.with {
            $0.leaseID = first.lease.leaseID
            $0.reason = "session down"
        }), session: Self.session(1))
        #expect(release == .releaseAddressReply(.with { $0.wasHeld = true }))
        let again = try await daemon.request(.releaseAddressRequest(.with { $0.leaseID = first.lease.leaseID }), session: Self.session(1))
        #expect(again == .releaseAddressReply(.with { $0.wasHeld = false }))

        let other = try await Self.allocate(daemon, "bob", session: 2)
        #expect(Self.text(other.lease.address) != Self.text(first.lease.address))
        let back = try await Self.allocate(daemon, "alice", session: 3)
        #expect(Self.text(back.lease.address) == Self.text(first.lease.address))
        #expect(back.lease.leaseID != first.lease.leaseID)
    }

    @Test func testActiveLeasesSurviveKill9_andReconcileFreesTheDeadOnes() async throws {
        let daemon = try AddressDaemon(configuration: Self.configuration)
        let alice = try await Self.allocate(daemon, "alice", session: 1, pools: ["POOL-A"])
        let bob = try await Self.allocate(daemon, "bob", session: 2, pools: ["POOL-A"])
        daemon.killHard()
        try daemon.start()

        // Both leases are still held: a third identity gets the third address, then nothing.
        let carol = try await Self.allocate(daemon, "carol", session: 3, pools: ["POOL-A"])
        #expect(Self.text(carol.lease.address) == "10.10.0.3")
        #expect(try await Self.allocate(daemon, "dave", session: 4, pools: ["POOL-A"]).result == .exhausted)

        // The frontend comes back with alice and carol only; bob's lease is freed. It also
        // claims a lease addrd never wrote (POOL-B's address), which is re-created.
        var lost = IPCv1Lease()
        lost.leaseID = 9000
        lost.sessionID = Data(Self.session(8).bytes)
        lost.address = .with { $0.octets = Data([10, 20, 0, 1]) }
        lost.pool = "POOL-B"
        let reconcile = try await daemon.request(.reconcileLeasesRequest(.with {
            $0.live = [alice.lease, carol.lease, lost]
            $0.frontendEpoch = 0x5eed
        }))
        guard case .reconcileLeasesReply(let reconciled) = reconcile else { throw DaemonTestError("no reconcile reply") }
        #expect(reconciled.freed.map(\.leaseID) == [bob.lease.leaseID])
        #expect(reconciled.restored.map(\.leaseID) == [9000])
        #expect(reconciled.restored.map { Self.text($0.address) } == ["10.20.0.1"])

        let dave = try await Self.allocate(daemon, "dave", session: 4, pools: ["POOL-A", "POOL-B"])
        #expect(Self.text(dave.lease.address) == Self.text(bob.lease.address))
        #expect(try await Self.allocate(daemon, "erin", session: 5).result == .exhausted)
    }

    @Test func testNewPoolIsServedAndLeasesStayHeld_whenConfigurationIsReloaded() async throws {
        let daemon = try AddressDaemon(configuration: Self.configuration)
        let alice = try await Self.allocate(daemon, "alice", session: 1, pools: ["POOL-B"])
        #expect(try await Self.allocate(daemon, "bob", session: 2, pools: ["POOL-C"]).result == .noSuchPool)

        try (Self.configuration + "ip local pool POOL-C 10.30.0.1 10.30.0.2\n")
            .write(to: daemon.sandbox.appendingPathComponent("ikehub.cfg"), atomically: true, encoding: .utf8)
        if let child = daemon.child { kill(child.pid, SIGHUP) }
        #expect(await Self.eventually { daemon.child?.log().contains("address pools reloaded") ?? false })

        let bob = try await Self.allocate(daemon, "bob", session: 2, pools: ["POOL-C"])
        #expect(bob.result == .allocated && Self.text(bob.lease.address) == "10.30.0.1")
        // alice's lease from before the reload is still held.
        #expect(try await Self.allocate(daemon, "carol", session: 3, pools: ["POOL-B"]).result == .exhausted)
        let renew = try await daemon.request(.renewAddressRequest(.with { $0.leaseID = alice.lease.leaseID }), session: Self.session(1))
        #expect(renew == .renewAddressReply(.with { $0.renewed = true; $0.lease = alice.lease }))
    }

    @Test func testIPv6PrefixFromTheV6Pool_whenTheFamilyIsIPv6() async throws {
        let daemon = try AddressDaemon(configuration: Self.configuration + "ipv6 local pool V6 2001:db8:100::/48 64\n")
        let body = try await daemon.request(.allocateAddressRequest(.with {
            $0.family = .ipv6
            $0.pools = ["POOL-A", "V6"]
            $0.peerIdentity = Self.identity("alice")
        }), session: Self.session(1))
        guard case .allocateAddressReply(let reply) = body else { throw DaemonTestError("no allocate reply") }
        #expect(reply.result == .allocated && reply.lease.pool == "V6" && reply.lease.prefixLength == 64)
        #expect(Self.text(reply.lease.address) == "2001:db8:100::")
        let v4 = try await Self.allocate(daemon, "alice", session: 1, pools: ["V6", "POOL-A"])
        #expect(v4.lease.pool == "POOL-A" && Self.text(v4.lease.address) == "10.10.0.1")
    }

    @Test func testOneRowPerRange_whenAPoolHasSeveralRanges() async throws {
        let daemon = try AddressDaemon(configuration: """
            ip local pool WIDE 10.40.0.1 10.40.0.2
            ip local pool WIDE 10.41.0.1 10.41.0.4

            """)
        for n in 1...3 { #expect(try await Self.allocate(daemon, "user\(n)", session: UInt64(n), pools: ["WIDE"]).result == .allocated) }
        let show = try await daemon.request(.showRequest(.with { $0.topic = .localPool; $0.filter = "WIDE" }))
        guard case .showReply(let table) = show else { throw DaemonTestError("no show reply") }
        #expect(table.rows.map(\.cells) == [["WIDE", "10.40.0.1", "10.40.0.2", "0", "2"],
                                            ["", "10.41.0.1", "10.41.0.4", "3", "1"]])
    }

    static func eventually(timeout: Duration = .seconds(10), _ condition: () -> Bool) async -> Bool {
        let end = ContinuousClock.now + timeout
        while ContinuousClock.now < end {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return condition()
    }
}
