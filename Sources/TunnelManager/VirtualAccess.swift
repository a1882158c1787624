import Foundation
import ESPDataPlane
import HubNetworking
import HubVocabulary

/// Traffic of SAs that are gone (rekeyed or deleted), kept so a session's counters only grow
/// (RADIUS Acct-Input/Output-Octets are session totals).
struct RetiredCounters: Equatable, Sendable {
    var inputOctets: UInt64 = 0
    var inputPackets: UInt64 = 0
    var outputOctets: UInt64 = 0
    var outputPackets: UInt64 = 0
    var replayDrops: UInt64 = 0
    var integrityFailures: UInt64 = 0

    mutating func retire(inbound counters: ESPSACounters) {
        inputOctets &+= counters.bytes
        inputPackets &+= counters.packets
        replayDrops &+= counters.drops[.replayed] &+ counters.drops[.outsideReplayWindow]
        integrityFailures &+= counters.drops[.authenticationFailed]
    }

    mutating func retire(outbound counters: ESPSACounters) {
        outputOctets &+= counters.bytes
        outputPackets &+= counters.packets
    }
}

/// A route this daemon added for a virtual-access, removed with it.
struct InstalledRoute: Hashable, Sendable {
    let destination: IPAddress
    let prefixLength: UInt8
}

/// One `Virtual-Access<n>`: its TUN interface (alive as long as this holds it), what was
/// configured on it, and its SAs on the data plane.
struct VirtualAccess {
    let number: UInt32
    let interface: TUNInterface
    let interfaceIndex: Int32
    /// The envelope's session_id that created it (empty if the frontend sent none).
    let sessionKey: Data
    /// The data plane's name for the session.
    let dataPlaneSession: SessionID
    var routes: [InstalledRoute] = []
    /// Set at the first ChildSA install (which names the peer and the local NAT-T port).
    var plane: ESPDataPlane?
    var inboundSPIs: Set<UInt32> = []
    var outboundSPI: UInt32?
    var retired = RetiredCounters()

    /// The interface group of every virtual-access (`ip link show group 4500`), so the
    /// shutdown deletes them all in one request.
    static let interfaceGroup: UInt32 = 4500

    /// `va<n>`: short enough for IFNAMSIZ for any 32-bit n.
    static func interfaceName(_ number: UInt32) -> String { "va\(number)" }
}

/// The live virtual-access interfaces by number and by session.
struct VirtualAccessTable {
    private(set) var byNumber: [UInt32: VirtualAccess] = [:]
    private var bySession: [Data: UInt32] = [:]
    private var free = VirtualAccessNumbering()

    /// The lowest number ≥ 1 not in use (IOS numbers Virtual-Access interfaces the same way).
    func lowestFreeNumber() -> UInt32? { free.lowest }

    func number(forSession key: Data) -> UInt32? { key.isEmpty ? nil : bySession[key] }

    subscript(number: UInt32) -> VirtualAccess? {
        get { byNumber[number] }
        set {
            let old = byNumber[number]
            if let old, !old.sessionKey.isEmpty { bySession[old.sessionKey] = nil }
            byNumber[number] = newValue
            if let newValue, !newValue.sessionKey.isEmpty { bySession[newValue.sessionKey] = number }
            switch (old == nil, newValue == nil) {
            case (true, false): free.use(number)
            case (false, true): free.release(number)
            default: break
            }
        }
    }
}

/// Which virtual-access numbers are free, so the next one (the lowest) costs O(1) instead of
/// a scan from 1, which is O(sessions) per session (at 100,000 sessions, 5·10⁹ lookups).
struct VirtualAccessNumbering: Equatable {
    /// Every number from here up is free (one above the highest in use or used; starts at 1).
    private var firstFresh: UInt64 = 1
    /// The free numbers below `firstFresh`, highest first, so the lowest is `last`.
    private var freedDescending: [UInt32] = []

    /// The lowest free number ≥ 1; nil when all 2³²−1 are taken.
    var lowest: UInt32? {
        if let lowest = freedDescending.last { return lowest }
        return firstFresh <= UInt64(UInt32.max) ? UInt32(firstFresh) : nil
    }

    mutating func use(_ number: UInt32) {
        guard number != 0 else { return }
        if UInt64(number) >= firstFresh {
            // A restore may bring back a number above the others: the ones skipped stay free.
            let skipped = (UInt32(firstFresh)..<number).reversed()
            freedDescending.insert(contentsOf: skipped, at: 0)
            firstFresh = UInt64(number) + 1
        } else if let index = position(of: number), freedDescending[index] == number {
            freedDescending.remove(at: index)
        }
    }

    mutating func release(_ number: UInt32) {
        guard number != 0, UInt64(number) < firstFresh else { return }
        let index = position(of: number) ?? freedDescending.count
        if index < freedDescending.count, freedDescending[index] == number { return }
        freedDescending.insert(number, at: index)
    }

    /// Where `number` is or would go in `freedDescending` (binary search); nil past the end.
    private func position(of number: UInt32) -> Int? {
        var low = 0, high = freedDescending.count
        while low < high {
            let middle = (low + high) / 2
            if freedDescending[middle] > number { low = middle + 1 } else { high = middle }
        }
        return low < freedDescending.count ? low : nil
    }
}
