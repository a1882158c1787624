import HubVocabulary

/// An IP address and UDP port: where a datagram came from or goes to.
public struct Endpoint: Hashable, Sendable, CustomStringConvertible {
    public var address: IPAddress
    public var port: UInt16

    public init(address: IPAddress, port: UInt16) {
        self.address = address
        self.port = port
    }

    /// The UDP port NAT traversal floats to (RFC 7296 §2.23, RFC 3948).
    public static let natTraversalPort: UInt16 = 4500
    /// The IKE port.
    public static let ikePort: UInt16 = 500

    /// The port octets, big-endian, as hashed by NAT detection.
    var portBytes: [UInt8] { [UInt8(truncatingIfNeeded: port >> 8), UInt8(truncatingIfNeeded: port)] }

    public var description: String {
        if case .v6 = address { return "[\(address)]:\(port)" }
        return "\(address):\(port)"
    }
}

/// A reading of a monotonic clock in milliseconds. The engine never reads a clock: the
/// frontend passes the time in with every input, so tests can run hours in microseconds.
public struct MonotonicTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var milliseconds: Int64

    public init(milliseconds: Int64) { self.milliseconds = milliseconds }
    public init(seconds: Int64) { self.milliseconds = seconds * 1000 }

    public func adding(milliseconds delta: Int64) -> MonotonicTime {
        MonotonicTime(milliseconds: milliseconds.addingReportingOverflow(delta).partialValue)
    }

    public func adding(seconds delta: Int64) -> MonotonicTime { adding(milliseconds: delta * 1000) }

    /// Milliseconds from `earlier` to this time.
    public func milliseconds(since earlier: MonotonicTime) -> Int64 { milliseconds - earlier.milliseconds }

    public static func < (lhs: MonotonicTime, rhs: MonotonicTime) -> Bool { lhs.milliseconds < rhs.milliseconds }
    public var description: String { "\(milliseconds)ms" }
}

/// Which end of an IKE SA this headend is. The responder of IKE_SA_INIT is the original
/// responder, but the side that rekeys an IKE SA is the initiator of the new one
/// (RFC 7296 §2.18), so an SA born from our own rekey has us as original initiator.
public enum IKESARole: Hashable, Sendable {
    case originalInitiator
    case originalResponder
}
