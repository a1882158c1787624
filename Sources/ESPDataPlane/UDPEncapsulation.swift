/// What a datagram on UDP port 4500 carries (RFC 3948 §2): ESP, IKE behind the non-ESP
/// marker, or a NAT keepalive.
public enum UDPEncapsulatedDatagram: Hashable, Sendable {
    /// An ESP packet: a non-zero SPI first (RFC 3948 §2.1), at least SPI + sequence number.
    case esp(spi: UInt32)
    /// An IKE message after the 4-octet all-zero non-ESP marker (RFC 3948 §2.2); the IKE
    /// message starts at octet `UDPEncapsulation.nonESPMarkerLength`.
    case ike
    /// The one-octet 0xFF NAT keepalive (RFC 3948 §2.3): only refreshes NAT state.
    case natKeepalive
    /// Anything else (fewer than 8 octets of ESP, a bare marker, an empty datagram).
    case malformed
}

/// UDP encapsulation of ESP for NAT traversal (RFC 3948).
public enum UDPEncapsulation {
    /// The IKE NAT-T port that also carries ESP (RFC 3948 §2, RFC 7296 §2.23).
    public static let port: UInt16 = 4500
    /// Octets of the non-ESP marker in front of IKE messages on port 4500.
    public static let nonESPMarkerLength = 4
    /// The NAT keepalive octet.
    public static let keepaliveOctet: UInt8 = 0xff

    /// Classifies one received datagram by its first octets.
    public static func classify(_ datagram: UnsafeRawBufferPointer) -> UDPEncapsulatedDatagram {
        if datagram.count == 1 { return datagram[0] == keepaliveOctet ? .natKeepalive : .malformed }
        guard datagram.count >= nonESPMarkerLength, let base = datagram.baseAddress else { return .malformed }
        let first = base.loadBigEndianUInt32(at: 0)
        if first == 0 { return datagram.count > nonESPMarkerLength ? .ike : .malformed }
        return datagram.count >= 8 ? .esp(spi: first) : .malformed
    }

    /// `classify` for an array (tests, the IKE side).
    public static func classify(_ datagram: [UInt8]) -> UDPEncapsulatedDatagram {
        datagram.withUnsafeBytes { classify($0) }
    }

    /// `message` behind the non-ESP marker, ready to send on port 4500.
    public static func prependingNonESPMarker(to message: [UInt8]) -> [UInt8] {
        [UInt8](repeating: 0, count: nonESPMarkerLength) + message
    }
}
