import HubNetworking
import HubVocabulary
#if canImport(Glibc)
import Glibc
#endif

/// An IKE message that arrived on the data plane's port-4500 socket, marker stripped, for the
/// IKE frontend.
public struct NonESPDatagram: Sendable, Equatable {
    /// The IKE message (starting with the IKE header).
    public let message: [UInt8]
    /// Where it came from (the peer's current NAT mapping).
    public let source: SocketAddress
}

/// Something the tunnel manager must act on, reported from a data-plane thread.
public enum ESPDataPlaneEvent: Sendable, Hashable, CustomStringConvertible {
    /// An SA of `session` reached a soft (rekey) or hard (expired) lifetime.
    case lifetime(SessionID, SALifetimeEvent)
    /// Authenticated ESP of `session` came from `observed`, not the peer address in use:
    /// the NAT mapping may have changed (the XFRM_MSG_MAPPING analogue). The data plane
    /// keeps sending to the old address until `updatePeer(of:to:)`; reported once per
    /// new address.
    case peerAddressChanged(SessionID, current: SocketAddress, observed: SocketAddress)

    public var description: String {
        switch self {
        case .lifetime(let session, let event): "session \(session): \(event)"
        case .peerAddressChanged(let session, let current, let observed): "session \(session): ESP from \(observed), peer is \(current)"
        }
    }
}

/// Why a control call on the data plane failed.
public enum ESPDataPlaneError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No session with this identifier.
    case unknownSession(SessionID)
    /// The session already exists.
    case duplicateSession(SessionID)
    /// Another inbound SA already has this SPI (SPIs are unique per headend, RFC 4301 §4.1).
    case duplicateInboundSPI(UInt32)
    /// The interface or socket could not be set up.
    case socket(SocketError)
    /// A system call failed (thread or pipe creation).
    case system(operation: String, errorNumber: Int32)
    /// A peer without UDP encapsulation (port 0) on a plane that has no raw ESP socket.
    case rawESPUnavailable(SocketAddress)

    public var description: String {
        switch self {
        case .unknownSession(let id): "no data-plane session \(id)"
        case .duplicateSession(let id): "data-plane session \(id) exists already"
        case .duplicateInboundSPI(let spi): "inbound SPI \(String(spi, radix: 16)) is in use"
        case .socket(let error): error.description
        case .system(let operation, let errorNumber): "\(operation): \(String(cString: strerror(errorNumber)))"
        case .rawESPUnavailable(let peer): "peer \(peer.address) uses plain ESP, but this data plane has no raw ESP socket (needs CAP_NET_RAW)"
        }
    }
}

/// Data-plane-wide counters (per-SA traffic and drops live on the SAs).
public struct ESPDataPlaneCounters: Equatable, Sendable {
    /// Datagrams taken from the UDP socket.
    public var datagramsReceived: UInt64 = 0
    /// ESP packets opened and written to a TUN interface.
    public var packetsDecapsulated: UInt64 = 0
    /// IKE messages handed to the non-ESP handler.
    public var ikeMessages: UInt64 = 0
    /// NAT keepalives received.
    public var natKeepalives: UInt64 = 0
    /// Datagrams that were neither ESP, IKE nor keepalive, or longer than a batch slot.
    public var malformedDatagrams: UInt64 = 0
    /// ESP packets for an SPI with no inbound SA.
    public var unknownSPI: UInt64 = 0
    /// ESP packets an inbound SA refused (the reason is on the SA's counters).
    public var inboundDrops: UInt64 = 0
    /// Writes to a TUN interface that failed.
    public var tunWriteErrors: UInt64 = 0
    /// Packets read from TUN interfaces.
    public var packetsRead: UInt64 = 0
    /// ESP packets handed to the kernel.
    public var packetsEncapsulated: UInt64 = 0
    /// Packets an outbound SA refused (the reason is on the SA's counters).
    public var outboundDrops: UInt64 = 0
    /// Packets from a TUN whose session has no outbound SA.
    public var noOutboundSA: UInt64 = 0
    /// Packets from a TUN that were neither IPv4 nor IPv6.
    public var unsupportedTUNPackets: UInt64 = 0
    /// Packets from a TUN too long for a batch slot once ESP is added (lower the TUN MTU or
    /// raise `slotSize`).
    public var oversizedTUNPackets: UInt64 = 0
    /// ESP datagrams the kernel refused to send.
    public var sendErrors: UInt64 = 0
    /// Plain ESP packets (IP protocol 50, no UDP) taken from the raw socket.
    public var rawESPReceived: UInt64 = 0
    /// Plain ESP packets sent on the raw socket.
    public var rawESPSent: UInt64 = 0

    public init() {}

    mutating func add(_ other: ESPDataPlaneCounters) {
        datagramsReceived &+= other.datagramsReceived
        packetsDecapsulated &+= other.packetsDecapsulated
        ikeMessages &+= other.ikeMessages
        natKeepalives &+= other.natKeepalives
        malformedDatagrams &+= other.malformedDatagrams
        unknownSPI &+= other.unknownSPI
        inboundDrops &+= other.inboundDrops
        tunWriteErrors &+= other.tunWriteErrors
        packetsRead &+= other.packetsRead
        packetsEncapsulated &+= other.packetsEncapsulated
        outboundDrops &+= other.outboundDrops
        noOutboundSA &+= other.noOutboundSA
        unsupportedTUNPackets &+= other.unsupportedTUNPackets
        oversizedTUNPackets &+= other.oversizedTUNPackets
        sendErrors &+= other.sendErrors
        rawESPReceived &+= other.rawESPReceived
        rawESPSent &+= other.rawESPSent
    }
}

/// One session's view for `show crypto session`: peer and each SA's counters.
public struct ESPSessionStatistics: Sendable {
    public let session: SessionID
    public let interfaceName: String
    public let peer: SocketAddress
    public let outbound: (identifier: ChildSAIdentifier, counters: ESPSACounters, phase: SALifetimePhase)?
    public let inbound: [(identifier: ChildSAIdentifier, counters: ESPSACounters, phase: SALifetimePhase)]
}

/// The key of one SA's sequence position in `ESPDataPlane.sequencePositions(into:)`: SPI and
/// direction in one integer (an outbound and an inbound SA may share an SPI value).
public enum SequencePosition {
    public static func key(spi: UInt32, inbound: Bool) -> UInt64 { UInt64(spi) << 1 | (inbound ? 1 : 0) }
    public static func spi(of key: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: key >> 1) }
    public static func isInbound(_ key: UInt64) -> Bool { key & 1 == 1 }
}
