/// Sorts a UDP datagram by what it carries (RFC 3948 §2, RFC 7296 §2.23): on port 4500
/// an IKE message follows a 4-octet zero non-ESP marker, ESP starts with its non-zero
/// SPI, and a single 0xFF octet is a NAT keepalive. On port 500 every datagram is IKE.
public enum UDPDatagramClassifier {
    /// The non-ESP marker: four zero octets where ESP would have its SPI.
    public static let nonESPMarker: [UInt8] = [0, 0, 0, 0]
    /// The NAT-keepalive payload (RFC 3948 §2.3).
    public static let natKeepalive: UInt8 = 0xff

    /// What a datagram holds.
    public enum Kind: Hashable, Sendable {
        /// An IKE message starting at `ikeOffset` (0 on port 500, 4 after the marker).
        case ike(ikeOffset: Int)
        /// An ESP packet (SPI ≠ 0) for the data plane.
        case esp(spi: UInt32)
        /// A NAT keepalive, to be ignored.
        case natKeepalive
        /// Anything else (too short for any of the above): drop.
        case invalid
    }

    /// Classifies a datagram received on a NAT-T port (4500 or a floated port).
    public static func classify(natTraversalDatagram datagram: some Collection<UInt8>) -> Kind {
        let bytes = Array(datagram.prefix(IKEHeader.size + 4))
        if bytes.count == 1, bytes[0] == natKeepalive { return .natKeepalive }
        guard bytes.count >= 4 else { return .invalid }
        let spi = bytes[0..<4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        if spi != 0 {
            // RFC 3948 §2.2: ESP header (8) plus at least some payload.
            return datagram.count >= 8 ? .esp(spi: spi) : .invalid
        }
        return datagram.count >= 4 + IKEHeader.size ? .ike(ikeOffset: 4) : .invalid
    }

    /// Classifies a datagram received on port 500, where no marker is used.
    public static func classify(ikePortDatagram datagram: some Collection<UInt8>) -> Kind {
        datagram.count >= IKEHeader.size ? .ike(ikeOffset: 0) : .invalid
    }

    /// The IKE message octets of a NAT-T datagram, or `nil` when it is not IKE.
    public static func ikeMessage(inNATTraversalDatagram datagram: [UInt8]) -> ArraySlice<UInt8>? {
        guard case .ike(let offset) = classify(natTraversalDatagram: datagram) else { return nil }
        return datagram[offset...]
    }

    /// `message` prefixed with the non-ESP marker, for sending on port 4500.
    public static func natTraversalDatagram(forIKEMessage message: [UInt8]) -> [UInt8] {
        nonESPMarker + message
    }
}
