import HubVocabulary

/// Traffic Selector payload, TSi / TSr (RFC 7296 §3.13).
///
/// ```
///                      1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// | Next Payload  |C|  RESERVED   |         Payload Length        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// | Number of TSs |                 RESERVED                      |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ~                       <Traffic Selectors>                     ~
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///
/// Traffic Selector (RFC 7296 §3.13.1):
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |   TS Type     |IP Protocol ID*|       Selector Length         |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |           Start Port*         |           End Port*           |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ~                         Starting Address*                     ~
/// ~                         Ending Address*                       ~
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
public struct TrafficSelectorPayload: Hashable, Sendable {
    /// TSi.
    public static let initiatorType = PayloadType.trafficSelectorInitiator
    /// TSr.
    public static let responderType = PayloadType.trafficSelectorResponder
    /// TS_IPV4_ADDR_RANGE.
    public static let ipv4RangeType: UInt8 = 7
    /// TS_IPV6_ADDR_RANGE.
    public static let ipv6RangeType: UInt8 = 8

    /// One selector: an address range, or another TS type kept raw.
    public enum Entry: Hashable, Sendable {
        /// TS_IPV4_ADDR_RANGE or TS_IPV6_ADDR_RANGE (selector length 16 / 40).
        case addressRange(TrafficSelector)
        /// Any other TS type (FC, security label, private): body after the 4-octet
        /// selector header, as received.
        case other(type: UInt8, ipProtocol: UInt8, body: [UInt8])
    }

    public var flags: GenericPayloadFlags
    public var selectors: [Entry]
    /// The 3 RESERVED octets (24-bit value).
    public var reserved: UInt32

    public init(selectors: [Entry], reserved: UInt32 = 0, flags: GenericPayloadFlags = .none) {
        self.selectors = selectors
        self.reserved = reserved & 0x00ff_ffff
        self.flags = flags
    }

    /// A payload of address-range selectors.
    public init(_ trafficSelectors: [TrafficSelector]) {
        self.init(selectors: trafficSelectors.map { .addressRange($0) })
    }

    /// The address-range selectors (others skipped).
    public var addressRanges: [TrafficSelector] {
        selectors.compactMap { if case .addressRange(let selector) = $0 { selector } else { nil } }
    }

    static func parse(from body: inout ByteReader, flags: GenericPayloadFlags) throws(IKEParseError) -> TrafficSelectorPayload {
        let countOffset = body.readerIndex
        let count = Int(try body.readInteger(as: UInt8.self))
        let reserved = try body.readBytes(count: 3).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        var selectors: [Entry] = []
        while !body.isAtEnd {
            let start = body.readerIndex
            let tsType = try body.readInteger(as: UInt8.self)
            let ipProtocol = try body.readInteger(as: UInt8.self)
            let length = Int(try body.readInteger(as: UInt16.self))
            guard length >= 4, length - 4 <= body.readableBytes else {
                throw .lengthMismatch(payload: body.payload, offset: start, declared: length, available: body.readableBytes + 4)
            }
            var selector = try body.readSlice(length: length - 4, payload: body.payload)
            switch tsType {
            case ipv4RangeType, ipv6RangeType:
                let addressSize = tsType == ipv4RangeType ? 4 : 16
                guard length == 8 + 2 * addressSize else {
                    throw .lengthMismatch(payload: body.payload, offset: start, declared: length, available: 8 + 2 * addressSize)
                }
                let startPort = try selector.readInteger(as: UInt16.self)
                let endPort = try selector.readInteger(as: UInt16.self)
                let startBytes = try selector.readBytes(count: addressSize)
                let endBytes = try selector.readBytes(count: addressSize)
                guard let startAddress = IPAddress(bytes: startBytes), let endAddress = IPAddress(bytes: endBytes) else {
                    throw .invalidSyntax(payload: body.payload, offset: start, reason: "address of unexpected size")
                }
                selectors.append(.addressRange(TrafficSelector(ipProtocol: ipProtocol, startPort: startPort, endPort: endPort,
                                                               startAddress: startAddress, endAddress: endAddress)))
            default:
                selectors.append(.other(type: tsType, ipProtocol: ipProtocol, body: selector.readRemainingBytes()))
            }
        }
        guard selectors.count == count else {
            throw .invalidSyntax(payload: body.payload, offset: countOffset,
                                 reason: "Number of TSs is \(count) but \(selectors.count) selectors follow")
        }
        return TrafficSelectorPayload(selectors: selectors, reserved: reserved, flags: flags)
    }

    func serializeBody(into writer: inout ByteWriter) {
        writer.writeCount8(selectors.count, of: "Number of TSs")
        writer.writeInteger(UInt8(truncatingIfNeeded: reserved >> 16))
        writer.writeInteger(UInt16(truncatingIfNeeded: reserved))
        for entry in selectors {
            switch entry {
            case .addressRange(let selector):
                let isIPv4 = selector.isIPv4
                writer.writeInteger(isIPv4 ? Self.ipv4RangeType : Self.ipv6RangeType)
                writer.writeInteger(selector.ipProtocol)
                writer.writeInteger(UInt16(isIPv4 ? 16 : 40))
                writer.writeInteger(selector.startPort)
                writer.writeInteger(selector.endPort)
                writer.writeBytes(selector.startAddress.bytes)
                writer.writeBytes(selector.endAddress.bytes)
            case .other(let type, let ipProtocol, let body):
                writer.writeInteger(type)
                writer.writeInteger(ipProtocol)
                writer.writeCount16(body.count + 4, of: "Selector Length")
                writer.writeBytes(body)
            }
        }
    }

    /// At least one selector (RFC 7296 §3.13), both ends of a range of one family.
    public func validate(bodyOffset: Int = 0, type: PayloadType = .trafficSelectorInitiator) throws(IKEParseError) {
        guard !selectors.isEmpty else {
            throw .invalidSyntax(payload: type, offset: bodyOffset, reason: "no traffic selectors")
        }
        for selector in addressRanges where selector.startAddress.bytes.count != selector.endAddress.bytes.count {
            throw .invalidSyntax(payload: type, offset: bodyOffset, reason: "range \(selector) mixes address families")
        }
    }
}
