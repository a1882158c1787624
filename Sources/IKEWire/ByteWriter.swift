/// Appends big-endian fields to a growing octet array (NIO `ByteBuffer` method names).
public struct ByteWriter: Sendable {
    /// Everything written so far.
    public private(set) var bytes: [UInt8]

    /// An empty writer with room for `capacity` octets.
    public init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Number of octets written.
    public var writerIndex: Int { bytes.count }

    /// Writes `value` big-endian in its own width.
    public mutating func writeInteger<T: FixedWidthInteger>(_ value: T) {
        let width = T.bitWidth / 8
        for shift in stride(from: (width - 1) * 8, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: value >> shift))
        }
    }

    /// Appends `octets` unchanged.
    public mutating func writeBytes(_ octets: some Sequence<UInt8>) {
        bytes.append(contentsOf: octets)
    }

    /// Writes a 1-octet count or size field.
    ///
    /// - Precondition: `value` fits 8 bits. Parsed values always do; a larger one is a
    ///   builder bug (e.g. 256 traffic selectors), reported instead of silently truncated.
    public mutating func writeCount8(_ value: Int, of field: StaticString) {
        precondition(value >= 0 && value <= Int(UInt8.max), "\(field) of \(value) does not fit its 1-octet field")
        writeInteger(UInt8(truncatingIfNeeded: value))
    }

    /// Writes a 2-octet count or length field (same precondition as ``writeCount8(_:of:)``).
    public mutating func writeCount16(_ value: Int, of field: StaticString) {
        precondition(value >= 0 && value <= Int(UInt16.max), "\(field) of \(value) does not fit its 2-octet field")
        writeInteger(UInt16(truncatingIfNeeded: value))
    }

    /// Overwrites a 2-octet big-endian field written earlier at `index` (length fields
    /// are only known once the body is written).
    ///
    /// - Precondition: `value` fits 16 bits. The writer only serialises values this
    ///   process built or parsed, and a parsed value always fits, so an overflow is a
    ///   programming error (a payload over 65 535 octets), never peer input.
    public mutating func setUInt16(_ value: Int, at index: Int) {
        precondition(value >= 0 && value <= Int(UInt16.max), "IKE length field overflow: \(value) octets (RFC 7296 §3.2 allows 16 bits)")
        bytes[index] = UInt8(truncatingIfNeeded: value >> 8)
        bytes[index + 1] = UInt8(truncatingIfNeeded: value)
    }

    /// Overwrites a 4-octet big-endian field written earlier at `index`.
    public mutating func setUInt32(_ value: Int, at index: Int) {
        precondition(value >= 0 && UInt64(value) <= UInt64(UInt32.max), "IKE message length overflow: \(value) octets")
        for offset in 0..<4 {
            bytes[index + offset] = UInt8(truncatingIfNeeded: value >> (24 - 8 * offset))
        }
    }

    /// Writes a 2-octet length placeholder, runs `body`, then sets the placeholder to
    /// the number of octets from index `start` (default: the field itself) to the end.
    public mutating func writeLengthPrefixed(countingFrom start: Int? = nil, _ body: (inout ByteWriter) -> Void) {
        let fieldIndex = writerIndex
        writeInteger(UInt16(0))
        body(&self)
        setUInt16(writerIndex - (start ?? fieldIndex), at: fieldIndex)
    }
}
