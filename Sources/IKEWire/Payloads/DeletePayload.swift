/// Delete payload, D (RFC 7296 §3.11).
///
/// ```
///                      1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// | Next Payload  |C|  RESERVED   |         Payload Length        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// | Protocol ID   |   SPI Size    |          Num of SPIs          |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                                                               |
/// ~               Security Parameter Index(es) (SPI)              ~
/// |                                                               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
public struct DeletePayload: Hashable, Sendable {
    public static let type = PayloadType.delete

    public var flags: GenericPayloadFlags
    public var protocolID: SecurityProtocolID
    /// SPI Size as received (0 for IKE, 4 for AH/ESP).
    public var spiSize: UInt8
    /// The SPIs, each `spiSize` octets.
    public var spis: [[UInt8]]

    public init(protocolID: SecurityProtocolID, spiSize: UInt8, spis: [[UInt8]], flags: GenericPayloadFlags = .none) {
        self.protocolID = protocolID
        self.spiSize = spiSize
        self.spis = spis
        self.flags = flags
    }

    /// D for the IKE SA itself (no SPIs, RFC 7296 §3.11).
    public static let ikeSA = DeletePayload(protocolID: .ike, spiSize: 0, spis: [])

    /// D for CHILD_SAs of `protocolID` by their 4-octet inbound SPIs.
    public static func childSAs(protocolID: SecurityProtocolID, spis: [UInt32]) -> DeletePayload {
        DeletePayload(protocolID: protocolID, spiSize: 4, spis: spis.map { spi in
            (0..<4).map { UInt8(truncatingIfNeeded: spi >> (24 - 8 * $0)) }
        })
    }

    /// The SPIs as 32-bit values when they are 4 octets (AH/ESP).
    public var childSPIs: [UInt32] {
        spis.filter { $0.count == 4 }.map { $0.reduce(UInt32(0)) { $0 << 8 | UInt32($1) } }
    }

    static func parse(from body: inout ByteReader, flags: GenericPayloadFlags) throws(IKEParseError) -> DeletePayload {
        let protocolID = SecurityProtocolID(try body.readInteger(as: UInt8.self))
        let spiSize = try body.readInteger(as: UInt8.self)
        let countOffset = body.readerIndex
        let count = Int(try body.readInteger(as: UInt16.self))
        let needed = count * Int(spiSize)   // at most 65535 × 255: no overflow in Int
        guard needed == body.readableBytes else {
            throw .lengthMismatch(payload: Self.type, offset: countOffset, declared: needed, available: body.readableBytes)
        }
        var spis: [[UInt8]] = []
        spis.reserveCapacity(spiSize == 0 ? 0 : count)
        if spiSize > 0 {
            for _ in 0..<count { spis.append(try body.readBytes(count: Int(spiSize))) }
        } else if count > 0 {
            throw .invalidSyntax(payload: Self.type, offset: countOffset, reason: "\(count) SPIs of size 0")
        }
        return DeletePayload(protocolID: protocolID, spiSize: spiSize, spis: spis, flags: flags)
    }

    func serializeBody(into writer: inout ByteWriter) {
        writer.writeInteger(protocolID.rawValue)
        writer.writeInteger(spiSize)
        writer.writeCount16(spis.count, of: "Num of SPIs")
        for spi in spis { writer.writeBytes(spi) }
    }

    /// RFC 7296 §3.11: IKE → SPI size 0 and no SPIs; AH/ESP → SPI size 4.
    public func validate(bodyOffset: Int = 0) throws(IKEParseError) {
        switch protocolID {
        case .ike:
            guard spiSize == 0, spis.isEmpty else {
                throw .invalidSyntax(payload: Self.type, offset: bodyOffset + 1, reason: "IKE SA delete with SPI size \(spiSize)")
            }
        case .ah, .esp:
            guard spiSize == 4, !spis.isEmpty else {
                throw .invalidSyntax(payload: Self.type, offset: bodyOffset + 1,
                                     reason: "\(protocolID) delete needs 4-octet SPIs, got size \(spiSize) × \(spis.count)")
            }
        default:
            throw .invalidSyntax(payload: Self.type, offset: bodyOffset, reason: "delete for unknown protocol \(protocolID.rawValue)")
        }
    }
}
