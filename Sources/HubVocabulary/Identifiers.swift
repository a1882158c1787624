/// One IKE SA's 8-octet SPI as it appears on the wire (RFC 7296 §3.1).
public struct IKESPI: Hashable, Sendable, CustomStringConvertible {
    /// The SPI in network byte order interpreted as a big-endian integer.
    public let rawValue: UInt64
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }
    /// The all-zero SPI a responder finds in a first IKE_SA_INIT request.
    public static let zero = IKESPI(0)
    public var isZero: Bool { rawValue == 0 }
    /// The 8 octets, big-endian.
    public var bytes: [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: rawValue >> (56 - 8 * $0)) } }
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 8 else { return nil }
        self.rawValue = bytes.reduce(0) { $0 << 8 | UInt64($1) }
    }
    public var description: String { Hex.encode(bytes) }
}

/// The SPI pair that names an IKE SA (strongSwan's `ike_sa_id_t` without the role flag:
/// the role is carried by the state machine type).
public struct IKESAIdentifier: Hashable, Sendable, CustomStringConvertible {
    public var initiatorSPI: IKESPI
    public var responderSPI: IKESPI
    public init(initiatorSPI: IKESPI, responderSPI: IKESPI) {
        self.initiatorSPI = initiatorSPI
        self.responderSPI = responderSPI
    }
    public var description: String { "\(initiatorSPI)_i \(responderSPI)_r" }
}

/// An IKE Message ID (RFC 7296 §2.2): per direction, IKE_SA_INIT is 0.
public struct MessageID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: UInt32
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }
    public static let zero = MessageID(0)
    /// The next ID; `nil` at 2³²−1, where RFC 7296 §2.2 requires a new IKE SA instead.
    public var next: MessageID? { rawValue == .max ? nil : MessageID(rawValue + 1) }
    public static func < (lhs: MessageID, rhs: MessageID) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { String(rawValue) }
}

/// Security protocol of a CHILD_SA (RFC 7296 §3.3.1 Protocol ID).
public enum IPsecProtocol: UInt8, Hashable, Sendable {
    case ah = 2
    case esp = 3
}

/// Direction of one unidirectional IPsec SA, seen from this headend.
public enum SADirection: Hashable, Sendable {
    case inbound
    case outbound
}

/// One unidirectional CHILD_SA, named by its 4-octet SPI.
public struct ChildSAIdentifier: Hashable, Sendable, CustomStringConvertible {
    public let spi: UInt32
    public let `protocol`: IPsecProtocol
    public let direction: SADirection
    public init(spi: UInt32, protocol: IPsecProtocol, direction: SADirection) {
        self.spi = spi
        self.protocol = `protocol`
        self.direction = direction
    }
    public var description: String {
        let digits = Hex.encode((0..<4).map { UInt8(truncatingIfNeeded: spi >> (24 - 8 * $0)) })
        return "\(self.protocol == .esp ? "esp" : "ah") \(digits) \(direction == .inbound ? "in" : "out")"
    }
}

/// A session's 128-bit opaque identifier: logs (`session.id`), IPC and Acct-Session-Id.
public struct SessionID: Hashable, Sendable, CustomStringConvertible {
    public let high: UInt64
    public let low: UInt64
    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }
    /// The 16 octets, big-endian.
    public var bytes: [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: high >> (56 - 8 * $0)) }
            + (0..<8).map { UInt8(truncatingIfNeeded: low >> (56 - 8 * $0)) }
    }
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 16 else { return nil }
        let array = Array(bytes)
        high = array[0..<8].reduce(0) { $0 << 8 | UInt64($1) }
        low = array[8..<16].reduce(0) { $0 << 8 | UInt64($1) }
    }
    public init?(hex: String) {
        guard let bytes = Hex.decode(hex), let id = SessionID(bytes: bytes) else { return nil }
        self = id
    }
    public var description: String { Hex.encode(bytes) }
}

/// The per-session interface cloned from a virtual-template (IOS `Virtual-Access<n>`).
public struct VirtualAccessInterface: Hashable, Sendable, CustomStringConvertible {
    public let index: UInt32
    public init(index: UInt32) { self.index = index }
    public var description: String { "Virtual-Access\(index)" }
}

/// An address lease held by the address manager.
public struct LeaseID: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt64
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }
    public var description: String { "lease-\(rawValue)" }
}
