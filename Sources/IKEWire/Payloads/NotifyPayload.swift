/// Notify payload, N (RFC 7296 §3.10).
///
/// ```
///                      1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// | Next Payload  |C|  RESERVED   |         Payload Length        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |  Protocol ID  |   SPI Size    |      Notify Message Type      |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                                                               |
/// ~                Security Parameter Index (SPI)                 ~
/// |                                                               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                                                               |
/// ~                       Notification Data                       ~
/// |                                                               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
///
/// Typed readers and builders for the data of the notifies a responder handles are in
/// `NotifyPayload+Data.swift`.
public struct NotifyPayload: Hashable, Sendable {
    public static let type = PayloadType.notify
    /// RFC 7296 §2.6: the COOKIE data is 1 to 64 octets.
    public static let cookieLengthRange = 1...64

    public var flags: GenericPayloadFlags
    /// Protocol ID: "If the SPI field is empty, this field MUST be sent as zero and MUST
    /// be ignored on receipt" (RFC 7296 §3.10); kept as received.
    public var protocolID: SecurityProtocolID
    public var notifyType: NotifyType
    /// The SPI (its length is the SPI Size field).
    public var spi: [UInt8]
    public var data: [UInt8]

    public init(type notifyType: NotifyType, protocolID: SecurityProtocolID = .none, spi: [UInt8] = [],
                data: [UInt8] = [], flags: GenericPayloadFlags = .none) {
        self.notifyType = notifyType
        self.protocolID = protocolID
        self.spi = spi
        self.data = data
        self.flags = flags
    }

    static func parse(from body: inout ByteReader, flags: GenericPayloadFlags) throws(IKEParseError) -> NotifyPayload {
        let protocolID = SecurityProtocolID(try body.readInteger(as: UInt8.self))
        let spiSize = Int(try body.readInteger(as: UInt8.self))
        let notifyType = NotifyType(try body.readInteger(as: UInt16.self))
        let spi = try body.readBytes(count: spiSize)
        return NotifyPayload(type: notifyType, protocolID: protocolID, spi: spi, data: body.readRemainingBytes(), flags: flags)
    }

    func serializeBody(into writer: inout ByteWriter) {
        writer.writeInteger(protocolID.rawValue)
        writer.writeCount8(spi.count, of: "notify SPI size")
        writer.writeInteger(notifyType.rawValue)
        writer.writeBytes(spi)
        writer.writeBytes(data)
    }

    /// Checks the SPI size for AH/ESP and the data of the typed notifies (so that the
    /// exchange layer can call the typed readers without a second error path).
    public func validate(bodyOffset: Int = 0) throws(IKEParseError) {
        if !spi.isEmpty, let required = protocolID.childSPISize, spi.count != required {
            throw .invalidSyntax(payload: Self.type, offset: bodyOffset + 1,
                                 reason: "\(notifyType) for \(protocolID) with a \(spi.count)-octet SPI, need \(required)")
        }
        // RFC 7296 §3.10: no SPI applies to Protocol ID 0, and "for a notification
        // concerning the IKE SA, the SPI Size MUST be zero". Without this an SPI Size
        // that lies by one silently moves a data octet into the SPI.
        if !spi.isEmpty, protocolID == .none || protocolID == .ike {
            throw .invalidSyntax(payload: Self.type, offset: bodyOffset + 1,
                                 reason: "\(notifyType) for \(protocolID) with a \(spi.count)-octet SPI, need none")
        }
        try validateData(bodyOffset: bodyOffset)
    }
}
