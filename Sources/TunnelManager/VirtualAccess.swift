import Foundation
public import ESPDataPlane
public import HubNetworking
public import HubVocabulary

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

    /// `va<n>`: short enough for IFNAMSIZ for any 32-bit n.
    static func interfaceName(_ number: UInt32) -> String { "va\(number)" }
}

/// The live virtual-access interfaces by number and by session.
struct VirtualAccessTable {
    private(set) var byNumber: [UInt32: VirtualAccess] = [:]
    private var bySession: [Data: UInt32] = [:]

    /// The lowest number ≥ 1 not in use (IOS numbers Virtual-Access interfaces the same way).
    func lowestFreeNumber() -> UInt32? {
        var candidate: UInt32 = 1
        while byNumber[candidate] != nil {
            guard candidate < UInt32.max else { return nil }
            candidate += 1
        }
        return candidate
    }

    func number(forSession key: Data) -> UInt32? { key.isEmpty ? nil : bySession[key] }

    subscript(number: UInt32) -> VirtualAccess? {
        get { byNumber[number] }
        set {
            if let old = byNumber[number], !old.sessionKey.isEmpty { bySession[old.sessionKey] = nil }
            byNumber[number] = newValue
            if let newValue, !newValue.sessionKey.isEmpty { bySession[newValue.sessionKey] = number }
        }
    }

    var numbers: [UInt32] { byNumber.keys.sorted() }
}
