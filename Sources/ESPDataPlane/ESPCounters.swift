/// Drops per reason, stored inline (no heap) so the packet path can count without allocating.
public struct ESPDropCounts: Equatable, Sendable {
    private var counts = InlineArray<16, UInt64>(repeating: 0)

    public init() {}

    /// Drops booked under `reason`.
    public subscript(reason: ESPDropReason) -> UInt64 {
        get { counts[reason.rawValue] }
        set { counts[reason.rawValue] = newValue }
    }

    /// All drops.
    public var total: UInt64 {
        var sum: UInt64 = 0
        for reason in ESPDropReason.allCases { sum &+= counts[reason.rawValue] }
        return sum
    }

    /// Counts one drop.
    public mutating func record(_ reason: ESPDropReason) { counts[reason.rawValue] &+= 1 }

    public static func == (lhs: ESPDropCounts, rhs: ESPDropCounts) -> Bool {
        ESPDropReason.allCases.allSatisfy { lhs[$0] == rhs[$0] }
    }
}

/// One SA's traffic: packets and octets that passed (inner IP packet octets, as XFRM counts
/// them) and drops by reason.
public struct ESPSACounters: Equatable, Sendable {
    public var packets: UInt64 = 0
    public var bytes: UInt64 = 0
    public var drops = ESPDropCounts()

    public init() {}
}
