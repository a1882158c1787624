import HubVocabulary

/// A pool of addresses handed to clients: IOS `ip local pool NAME FIRST LAST [group G]`
/// (several lines with one name add ranges) or `ipv6 local pool NAME PREFIX/LEN ASSIGNED`.
///
/// The pool is a sequence of numbered slots; slot *n* is the n-th address of the ranges
/// in order (IPv4) or the n-th `/ASSIGNED` prefix inside the pool prefix (IPv6).
public struct AddressPool: Hashable, Sendable, CustomStringConvertible {
    /// One contiguous IPv4 range, both ends included.
    public struct IPv4Range: Hashable, Sendable {
        public let first: IPv4Address
        public let last: IPv4Address
        public init(first: IPv4Address, last: IPv4Address) throws(AddressPoolError) {
            guard first <= last else { throw .emptyRange(first: "\(first)", last: "\(last)") }
            self.first = first
            self.last = last
        }
        public var count: UInt64 { UInt64(last.rawValue - first.rawValue) + 1 }
    }

    /// What the slots are.
    public enum Kind: Hashable, Sendable {
        case ipv4([IPv4Range])
        /// Prefix, its length, and the length of each prefix handed out.
        case ipv6(prefix: IPv6Address, prefixLength: UInt8, assignedLength: UInt8)
    }

    public let name: String
    /// IOS pool group: addresses must be unique within a group (pools of different groups
    /// may overlap). `nil` is the global group.
    public let group: String?
    public let kind: Kind

    public init(name: String, group: String? = nil, ipv4Ranges: [IPv4Range]) throws(AddressPoolError) {
        guard !ipv4Ranges.isEmpty else { throw .noRanges(pool: name) }
        for (index, range) in ipv4Ranges.enumerated() {
            for other in ipv4Ranges[..<index] where range.first <= other.last && other.first <= range.last {
                throw .overlappingRanges(pool: name, first: "\(range.first)-\(range.last)", second: "\(other.first)-\(other.last)")
            }
        }
        self.name = name
        self.group = group
        self.kind = .ipv4(ipv4Ranges)
    }

    public init(name: String, ipv6Prefix: IPv6Address, prefixLength: UInt8, assignedLength: UInt8) throws(AddressPoolError) {
        guard prefixLength <= 128, assignedLength <= 128, prefixLength <= assignedLength,
              assignedLength - prefixLength <= 32 else {
            throw .invalidPrefix(pool: name, reason: "prefix /\(prefixLength) with assigned /\(assignedLength): need prefix ≤ assigned ≤ 128 and at most 2^32 prefixes")
        }
        self.name = name
        self.group = nil
        self.kind = .ipv6(prefix: ipv6Prefix.masked(to: prefixLength), prefixLength: prefixLength, assignedLength: assignedLength)
    }

    /// Number of slots.
    public var capacity: UInt64 {
        switch kind {
        case .ipv4(let ranges): ranges.reduce(0) { $0 + $1.count }
        case .ipv6(_, let prefixLength, let assignedLength): UInt64(1) << UInt64(assignedLength - prefixLength)
        }
    }

    /// Prefix length the client is given with its address (32 for IPv4 pools).
    public var assignedPrefixLength: UInt8 {
        switch kind {
        case .ipv4: 32
        case .ipv6(_, _, let assignedLength): assignedLength
        }
    }

    /// The address of slot `index` (`index < capacity`).
    public func address(ofSlot index: UInt64) -> IPAddress? {
        guard index < capacity else { return nil }
        switch kind {
        case .ipv4(let ranges):
            var remaining = index
            for range in ranges {
                if remaining < range.count { return .v4(IPv4Address(range.first.rawValue + UInt32(remaining))) }
                remaining -= range.count
            }
            return nil
        case .ipv6(let prefix, _, let assignedLength):
            return .v6(prefix.adding(index, shiftedLeftBy: 128 - Int(assignedLength)))
        }
    }

    /// The slot holding `address`, if the pool contains it.
    public func slot(of address: IPAddress) -> UInt64? {
        switch (kind, address) {
        case (.ipv4(let ranges), .v4(let v4)):
            var base: UInt64 = 0
            for range in ranges {
                if range.first <= v4, v4 <= range.last { return base + UInt64(v4.rawValue - range.first.rawValue) }
                base += range.count
            }
            return nil
        case (.ipv6(let prefix, let prefixLength, let assignedLength), .v6(let v6)):
            guard v6.masked(to: prefixLength) == prefix, v6.masked(to: assignedLength) == v6 else { return nil }
            return v6.bits(from: Int(prefixLength), to: Int(assignedLength))
        default:
            return nil
        }
    }

    public var description: String {
        switch kind {
        case .ipv4(let ranges):
            let text = ranges.map { "\($0.first) \($0.last)" }.joined(separator: ", ")
            return "ip local pool \(name) \(text)" + (group.map { " group \($0)" } ?? "")
        case .ipv6(let prefix, let prefixLength, let assignedLength):
            return "ipv6 local pool \(name) \(prefix)/\(prefixLength) \(assignedLength)"
        }
    }
}

/// A pool definition that cannot be used.
public enum AddressPoolError: Error, Equatable, Sendable, CustomStringConvertible {
    case emptyRange(first: String, last: String)
    case noRanges(pool: String)
    case overlappingRanges(pool: String, first: String, second: String)
    case invalidPrefix(pool: String, reason: String)

    public var description: String {
        switch self {
        case .emptyRange(let first, let last): "range \(first) \(last): the first address is after the last"
        case .noRanges(let pool): "pool \(pool) has no address range"
        case .overlappingRanges(let pool, let first, let second): "pool \(pool): range \(first) overlaps \(second)"
        case .invalidPrefix(let pool, let reason): "pool \(pool): \(reason)"
        }
    }
}

extension IPv6Address {
    /// The address with all bits after the first `length` cleared.
    func masked(to length: UInt8) -> IPv6Address {
        let length = Int(length)
        let highMask: UInt64 = length >= 64 ? .max : (length == 0 ? 0 : ~(UInt64.max >> UInt64(length)))
        let lowMask: UInt64 = length <= 64 ? 0 : (length >= 128 ? .max : ~(UInt64.max >> UInt64(length - 64)))
        return IPv6Address(high: high & highMask, low: low & lowMask)
    }

    /// `self + (value << shift)` in 128-bit arithmetic (the prefix bits are zero there).
    func adding(_ value: UInt64, shiftedLeftBy shift: Int) -> IPv6Address {
        var addHigh: UInt64 = 0
        var addLow: UInt64 = 0
        if shift >= 64 {
            addHigh = shift - 64 < 64 ? value << UInt64(shift - 64) : 0
        } else if shift == 0 {
            addLow = value
        } else {
            addLow = value << UInt64(shift)
            addHigh = value >> UInt64(64 - shift)
        }
        let (low, carry) = low.addingReportingOverflow(addLow)
        return IPv6Address(high: high &+ addHigh &+ (carry ? 1 : 0), low: low)
    }

    /// Bits `from..<to` (counted from the most significant) as an integer (≤ 64 bits).
    func bits(from start: Int, to end: Int) -> UInt64 {
        var result: UInt64 = 0
        for bit in start..<end {
            let word = bit < 64 ? high : low
            let position = 63 - (bit % 64)
            result = result << 1 | ((word >> UInt64(position)) & 1)
        }
        return result
    }
}
