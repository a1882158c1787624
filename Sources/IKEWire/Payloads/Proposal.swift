/// A Proposal substructure of an SA payload (RFC 7296 §3.3.1).
///
/// ```
///                      1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// | Last Substruc |   RESERVED    |         Proposal Length       |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// | Proposal Num  |  Protocol ID  |    SPI Size   |Num  Transforms|
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ~                        SPI (variable)                         ~
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ~                        <Transforms>                           ~
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
public struct Proposal: Hashable, Sendable {
    /// Last Substruc value of the last proposal.
    public static let lastMarker: UInt8 = 0
    /// Last Substruc value when more proposals follow.
    public static let moreMarker: UInt8 = 2
    /// Fixed part before the SPI.
    static let headerSize = 8

    public var number: UInt8
    public var protocolID: SecurityProtocolID
    /// The SPI (empty in IKE_SA_INIT, 8 octets for an IKE rekey, 4 for AH/ESP).
    public var spi: [UInt8]
    public var transforms: [Transform]
    /// RESERVED as received.
    public var reserved: UInt8

    public init(number: UInt8, protocolID: SecurityProtocolID, spi: [UInt8] = [], transforms: [Transform], reserved: UInt8 = 0) {
        self.number = number
        self.protocolID = protocolID
        self.spi = spi
        self.transforms = transforms
        self.reserved = reserved
    }

    /// The transforms of one type, in order.
    public func transforms(ofType type: TransformType) -> [Transform] {
        transforms.filter { $0.type == type }
    }

    /// Octets on the wire.
    public var encodedLength: Int {
        Self.headerSize + spi.count + transforms.reduce(0) { $0 + $1.encodedLength }
    }

    /// Parses one proposal; returns it and whether it was marked last.
    static func parse(from reader: inout ByteReader) throws(IKEParseError) -> (Proposal, isLast: Bool) {
        let start = reader.readerIndex
        let marker = try reader.readInteger(as: UInt8.self)
        let reserved = try reader.readInteger(as: UInt8.self)
        let length = Int(try reader.readInteger(as: UInt16.self))
        guard length >= headerSize, length - 4 <= reader.readableBytes else {
            throw .lengthMismatch(payload: reader.payload, offset: start + 2, declared: length, available: reader.readableBytes + 4)
        }
        guard marker == lastMarker || marker == moreMarker else {
            throw .invalidSyntax(payload: reader.payload, offset: start, reason: "proposal Last Substruc \(marker), need 0 or 2")
        }
        var body = try reader.readSlice(length: length - 4, payload: reader.payload)
        let number = try body.readInteger(as: UInt8.self)
        let protocolID = SecurityProtocolID(try body.readInteger(as: UInt8.self))
        let spiSize = Int(try body.readInteger(as: UInt8.self))
        let transformCountOffset = body.readerIndex
        let transformCount = Int(try body.readInteger(as: UInt8.self))
        let spi = try body.readBytes(count: spiSize)
        var transforms: [Transform] = []
        var sawLast = false
        while !body.isAtEnd {
            if sawLast {
                // The Proposal Length runs past the transform marked last.
                throw .lengthMismatch(payload: reader.payload, offset: start + 2, declared: length,
                                      available: body.readerIndex - start)
            }
            let (transform, isLast) = try Transform.parse(from: &body)
            transforms.append(transform)
            sawLast = isLast
        }
        guard transforms.isEmpty || sawLast else {
            throw .invalidSyntax(payload: reader.payload, offset: body.readerIndex, reason: "last transform is marked \"more\" (3)")
        }
        guard transforms.count == transformCount else {
            throw .invalidSyntax(payload: reader.payload, offset: transformCountOffset,
                                 reason: "Num Transforms is \(transformCount) but \(transforms.count) transforms follow")
        }
        let proposal = Proposal(number: number, protocolID: protocolID, spi: spi, transforms: transforms, reserved: reserved)
        return (proposal, marker == lastMarker)
    }

    func serialize(into writer: inout ByteWriter, isLast: Bool) {
        let start = writer.writerIndex
        writer.writeInteger(isLast ? Self.lastMarker : Self.moreMarker)
        writer.writeInteger(reserved)
        writer.writeInteger(UInt16(0))
        writer.writeInteger(number)
        writer.writeInteger(protocolID.rawValue)
        writer.writeCount8(spi.count, of: "proposal SPI size")
        writer.writeCount8(transforms.count, of: "Num Transforms")
        writer.writeBytes(spi)
        for (index, transform) in transforms.enumerated() {
            transform.serialize(into: &writer, isLast: index == transforms.count - 1)
        }
        writer.setUInt16(writer.writerIndex - start, at: start + 2)
    }

    /// Number non-zero, at least one transform, SPI size right for AH/ESP
    /// (RFC 7296 §3.3.1), transform attributes well-formed.
    func validate(offset: Int) throws(IKEParseError) {
        guard number != 0 else {
            throw .invalidSyntax(payload: .securityAssociation, offset: offset + 4, reason: "proposal number 0")
        }
        guard !transforms.isEmpty else {
            throw .invalidSyntax(payload: .securityAssociation, offset: offset, reason: "proposal \(number) without transforms")
        }
        if let required = protocolID.childSPISize, spi.count != required {
            throw .invalidSyntax(payload: .securityAssociation, offset: offset + 6,
                                 reason: "\(protocolID) proposal with a \(spi.count)-octet SPI, need \(required)")
        }
        if protocolID == .ike, !(spi.isEmpty || spi.count == 8) {
            throw .invalidSyntax(payload: .securityAssociation, offset: offset + 6,
                                 reason: "IKE proposal with a \(spi.count)-octet SPI, need 0 or 8")
        }
        var transformOffset = offset + Self.headerSize + spi.count
        for transform in transforms {
            try transform.validate(offset: transformOffset)
            transformOffset += transform.encodedLength
        }
    }
}
