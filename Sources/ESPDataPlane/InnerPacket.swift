import HubVocabulary

/// The header fields of the IP packet inside a tunnel-mode ESP payload that the SA checks
/// (RFC 4301 §5.2 step 4: the decrypted packet must match the SA's traffic selectors).
/// Reads the caller's buffer in place; builds no arrays.
struct InnerPacket {
    let length: Int
    let source: IPAddress
    let destination: IPAddress
    let ipProtocol: UInt8
    /// Source and destination port for TCP, UDP and SCTP first fragments.
    let ports: (source: UInt16, destination: UInt16)?

    /// TCP, UDP and SCTP carry ports in their first four octets.
    private static func hasPorts(_ ipProtocol: UInt8) -> Bool { ipProtocol == 6 || ipProtocol == 17 || ipProtocol == 132 }

    /// Parses the packet of `available` octets at `base` announced by next header
    /// `nextHeader` (4 or 41); `nil` names the offending octet offset via `failureOffset`.
    static func parse(_ base: UnsafeRawPointer, available: Int, nextHeader: UInt8, failureOffset: inout Int) -> InnerPacket? {
        func byte(_ offset: Int) -> UInt8 { base.load(fromByteOffset: offset, as: UInt8.self) }
        func word(_ offset: Int) -> UInt16 { UInt16(byte(offset)) << 8 | UInt16(byte(offset + 1)) }
        func quad(_ offset: Int) -> UInt64 {
            var value: UInt64 = 0
            for index in 0..<8 { value = value << 8 | UInt64(byte(offset + index)) }
            return value
        }
        if nextHeader == 4 {
            guard available >= 20 else { failureOffset = available; return nil }
            guard byte(0) >> 4 == 4 else { failureOffset = 0; return nil }
            let headerLength = Int(byte(0) & 0x0f) * 4
            let total = Int(word(2))
            guard headerLength >= 20, total >= headerLength, total <= available else { failureOffset = 2; return nil }
            let proto = byte(9)
            let firstFragment = word(6) & 0x1fff == 0
            var ports: (UInt16, UInt16)?
            if firstFragment, hasPorts(proto), total >= headerLength + 4 {
                ports = (word(headerLength), word(headerLength + 2))
            }
            return InnerPacket(length: total,
                               source: .v4(IPv4Address(UInt32(word(12)) << 16 | UInt32(word(14)))),
                               destination: .v4(IPv4Address(UInt32(word(16)) << 16 | UInt32(word(18)))),
                               ipProtocol: proto, ports: ports)
        }
        guard available >= 40 else { failureOffset = available; return nil }
        guard byte(0) >> 4 == 6 else { failureOffset = 0; return nil }
        let total = 40 + Int(word(4))
        guard total <= available else { failureOffset = 4; return nil }
        let proto = byte(6)
        var ports: (UInt16, UInt16)?
        if hasPorts(proto), total >= 44 { ports = (word(40), word(42)) }
        return InnerPacket(length: total,
                           source: .v6(IPv6Address(high: quad(8), low: quad(16))),
                           destination: .v6(IPv6Address(high: quad(24), low: quad(32))),
                           ipProtocol: proto, ports: ports)
    }

    /// Whether `address` (and `port`, when the selector limits ports) falls in `selector`.
    private func matches(_ selector: TrafficSelector, address: IPAddress, port: UInt16?) -> Bool {
        switch (selector.startAddress, selector.endAddress, address) {
        case (.v4(let start), .v4(let end), .v4(let value)):
            guard start <= value, value <= end else { return false }
        case (.v6(let start), .v6(let end), .v6(let value)):
            guard start <= value, value <= end else { return false }
        default:
            return false
        }
        if selector.ipProtocol != 0, selector.ipProtocol != ipProtocol { return false }
        if selector.startPort == 0, selector.endPort == 65535 { return true }
        guard let port else { return false }
        return selector.startPort <= port && port <= selector.endPort
    }

    /// Source in one of `remote`, destination in one of `local`; an empty list allows all.
    func isAllowed(remote: [TrafficSelector], local: [TrafficSelector]) -> Bool {
        let sourceAllowed = remote.isEmpty || remote.contains { matches($0, address: source, port: ports?.source) }
        guard sourceAllowed else { return false }
        return local.isEmpty || local.contains { matches($0, address: destination, port: ports?.destination) }
    }
}
