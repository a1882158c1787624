/// One netlink message as bytes: `nlmsghdr`, a fixed family header, then attributes
/// (`rtattr`/`nlattr`, 4-octet aligned). Netlink uses the host's byte order; every
/// integer here is written and read in native order.
public struct NetlinkMessage: Hashable, Sendable {
    public static let headerSize = 16
    public static let alignment = 4

    public var type: UInt16
    public var flags: UInt16
    public var sequence: UInt32
    public var portID: UInt32
    /// Everything after the 16-octet header: the family header and the attributes.
    public var payload: [UInt8]

    public init(type: UInt16, flags: UInt16, sequence: UInt32 = 0, portID: UInt32 = 0, payload: [UInt8] = []) {
        self.type = type
        self.flags = flags
        self.sequence = sequence
        self.portID = portID
        self.payload = payload
    }

    /// The message on the wire, padded to the 4-octet alignment.
    public func serialize() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Self.headerSize + payload.count + 3)
        bytes.appendNative(UInt32(Self.headerSize + payload.count))
        bytes.appendNative(type)
        bytes.appendNative(flags)
        bytes.appendNative(sequence)
        bytes.appendNative(portID)
        bytes += payload
        bytes.padToNetlinkAlignment()
        return bytes
    }

    /// Splits a datagram received from a netlink socket into its messages.
    public static func parseAll(_ bytes: [UInt8]) throws(NetlinkError) -> [NetlinkMessage] {
        var messages: [NetlinkMessage] = []
        var offset = 0
        while offset + headerSize <= bytes.count {
            let length = Int(bytes.readNative(UInt32.self, at: offset))
            guard length >= headerSize, offset + length <= bytes.count else {
                throw .malformed(reason: "message length \(length) at offset \(offset) of a \(bytes.count)-octet datagram")
            }
            messages.append(NetlinkMessage(
                type: bytes.readNative(UInt16.self, at: offset + 4), flags: bytes.readNative(UInt16.self, at: offset + 6),
                sequence: bytes.readNative(UInt32.self, at: offset + 8), portID: bytes.readNative(UInt32.self, at: offset + 12),
                payload: Array(bytes[(offset + headerSize)..<(offset + length)])))
            offset += (length + alignment - 1) & ~(alignment - 1)
        }
        return messages
    }
}

/// One attribute (`struct rtattr` / `struct nlattr`): type, value.
public struct NetlinkAttribute: Hashable, Sendable {
    public static let headerSize = 4
    public var type: UInt16
    public var value: [UInt8]

    public init(type: UInt16, value: [UInt8]) {
        self.type = type
        self.value = value
    }

    public static func uint32(_ type: UInt16, _ value: UInt32) -> NetlinkAttribute {
        var bytes: [UInt8] = []
        bytes.appendNative(value)
        return NetlinkAttribute(type: type, value: bytes)
    }

    public static func string(_ type: UInt16, _ text: String) -> NetlinkAttribute {
        NetlinkAttribute(type: type, value: Array(text.utf8) + [0])
    }

    /// The value as a native-order 32-bit integer, when it is one.
    public var uint32: UInt32? { value.count == 4 ? value.readNative(UInt32.self, at: 0) : nil }

    /// The value as a NUL-terminated string.
    public var string: String? { String(decoding: value.prefix { $0 != 0 }, as: UTF8.self) }

    /// Attributes encoded back to back, each padded.
    public static func serialize(_ attributes: [NetlinkAttribute]) -> [UInt8] {
        var bytes: [UInt8] = []
        for attribute in attributes {
            bytes.appendNative(UInt16(headerSize + attribute.value.count))
            bytes.appendNative(attribute.type)
            bytes += attribute.value
            bytes.padToNetlinkAlignment()
        }
        return bytes
    }

    /// Parses attributes from `bytes[offset...]`; the type has its nested/byte-order flag
    /// bits cleared.
    public static func parseAll(_ bytes: [UInt8], from offset: Int = 0) throws(NetlinkError) -> [NetlinkAttribute] {
        var attributes: [NetlinkAttribute] = []
        var index = offset
        while index + headerSize <= bytes.count {
            let length = Int(bytes.readNative(UInt16.self, at: index))
            guard length >= headerSize, index + length <= bytes.count else {
                throw .malformed(reason: "attribute length \(length) at offset \(index) of \(bytes.count) octets")
            }
            let type = bytes.readNative(UInt16.self, at: index + 2) & 0x3fff
            attributes.append(NetlinkAttribute(type: type, value: Array(bytes[(index + headerSize)..<(index + length)])))
            index += (length + NetlinkMessage.alignment - 1) & ~(NetlinkMessage.alignment - 1)
        }
        return attributes
    }
}

extension Array where Element == UInt8 {
    mutating func appendNative<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value) { append(contentsOf: $0) }
    }

    mutating func padToNetlinkAlignment() {
        while count % NetlinkMessage.alignment != 0 { append(0) }
    }

    /// A native-order integer at `offset` (the caller checked the bounds).
    func readNative<T: FixedWidthInteger>(_: T.Type, at offset: Int) -> T {
        var value: T = 0
        Swift.withUnsafeMutableBytes(of: &value) { destination in
            for index in 0..<MemoryLayout<T>.size { destination[index] = self[offset + index] }
        }
        return value
    }
}
