/// Octet 2 of the generic payload header (RFC 7296 §3.2): the critical bit and seven
/// reserved bits, kept exactly as received so parsed payloads re-encode identically.
///
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// | Next Payload  |C|  RESERVED   |         Payload Length        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
public struct GenericPayloadFlags: Hashable, Sendable {
    /// The whole octet.
    public var rawValue: UInt8
    public init(rawValue: UInt8 = 0) { self.rawValue = rawValue }

    /// No critical bit, reserved bits zero: what this implementation sends.
    public static let none = GenericPayloadFlags()
    /// Only the critical bit set.
    public static let critical = GenericPayloadFlags(rawValue: 0x80)

    /// C: reject the message if the payload type is not understood (RFC 7296 §2.5).
    public var isCritical: Bool {
        get { rawValue & 0x80 != 0 }
        set { rawValue = newValue ? rawValue | 0x80 : rawValue & 0x7f }
    }
}

/// Size of the generic payload header.
let genericPayloadHeaderSize = 4
