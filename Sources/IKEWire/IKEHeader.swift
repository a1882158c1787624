import HubVocabulary

/// The fixed 28-octet IKE header (RFC 7296 §3.1).
///
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                       IKE SA Initiator's SPI                  |
/// |                                                               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                       IKE SA Responder's SPI                  |
/// |                                                               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |  Next Payload | MjVer | MnVer | Exchange Type |     Flags     |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                          Message ID                           |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                            Length                             |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
///
/// Flags are kept as the received octet, reserved bits included (RFC 7296 §3.1: "MUST be
/// ignored on receipt"), so a parsed header re-encodes identically.
public struct IKEHeader: Hashable, Sendable {
    /// Size of the header on the wire.
    public static let size = 28
    /// Offset of the Length field inside the header.
    public static let lengthFieldOffset = 24
    /// The only major version this implementation speaks (RFC 7296 §3.1).
    public static let supportedMajorVersion: UInt8 = 2

    /// The Flags octet: I (0x08), V (0x10), R (0x20); other bits are reserved.
    public struct Flags: OptionSet, Hashable, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        /// I: set by the original initiator of the IKE SA.
        public static let initiator = Flags(rawValue: 0x08)
        /// V: the sender can speak a higher major version.
        public static let version = Flags(rawValue: 0x10)
        /// R: this message is a response.
        public static let response = Flags(rawValue: 0x20)
    }

    public var initiatorSPI: IKESPI
    public var responderSPI: IKESPI
    /// Type of the first payload. ``IKEMessage/serialize()`` sets it from the payloads.
    public var nextPayload: PayloadType
    public var majorVersion: UInt8
    public var minorVersion: UInt8
    public var exchangeType: ExchangeType
    public var flags: Flags
    public var messageID: MessageID
    /// Total message length in octets. ``IKEMessage/serialize()`` sets it.
    public var length: UInt32

    public init(initiatorSPI: IKESPI, responderSPI: IKESPI, nextPayload: PayloadType = .none,
                majorVersion: UInt8 = 2, minorVersion: UInt8 = 0, exchangeType: ExchangeType,
                flags: Flags, messageID: MessageID, length: UInt32 = UInt32(IKEHeader.size)) {
        self.initiatorSPI = initiatorSPI
        self.responderSPI = responderSPI
        self.nextPayload = nextPayload
        self.majorVersion = majorVersion
        self.minorVersion = minorVersion
        self.exchangeType = exchangeType
        self.flags = flags
        self.messageID = messageID
        self.length = length
    }

    /// The SPI pair naming the IKE SA.
    public var saIdentifier: IKESAIdentifier {
        IKESAIdentifier(initiatorSPI: initiatorSPI, responderSPI: responderSPI)
    }

    /// True when the R flag is set.
    public var isResponse: Bool { flags.contains(.response) }
    /// True when the I flag is set (the sender is the original initiator).
    public var isFromOriginalInitiator: Bool { flags.contains(.initiator) }

    /// Reads the 28 header octets and checks the major version; the Length field is
    /// checked against the datagram by ``IKEMessage/parse(_:)``.
    public static func parse(from reader: inout ByteReader) throws(IKEParseError) -> IKEHeader {
        guard reader.readableBytes >= size else {
            throw .truncated(payload: nil, offset: reader.readerIndex, needed: size)
        }
        let initiatorSPI = IKESPI(try reader.readInteger(as: UInt64.self))
        let responderSPI = IKESPI(try reader.readInteger(as: UInt64.self))
        let nextPayload = PayloadType(try reader.readInteger(as: UInt8.self))
        let version = try reader.readInteger(as: UInt8.self)
        let exchangeType = ExchangeType(try reader.readInteger(as: UInt8.self))
        let flags = Flags(rawValue: try reader.readInteger(as: UInt8.self))
        let messageID = MessageID(try reader.readInteger(as: UInt32.self))
        let length = try reader.readInteger(as: UInt32.self)
        let major = version >> 4, minor = version & 0x0f
        // RFC 7296 §2.5: a higher major version is answered with INVALID_MAJOR_VERSION;
        // a lower one (IKEv1) is not IKEv2 either.
        guard major == supportedMajorVersion else { throw .invalidMajorVersion(major: major, minor: minor) }
        return IKEHeader(initiatorSPI: initiatorSPI, responderSPI: responderSPI, nextPayload: nextPayload,
                         majorVersion: major, minorVersion: minor, exchangeType: exchangeType,
                         flags: flags, messageID: messageID, length: length)
    }

    /// Writes the 28 octets as they stand (callers set `nextPayload` and `length`).
    public func serialize(into writer: inout ByteWriter) {
        writer.writeInteger(initiatorSPI.rawValue)
        writer.writeInteger(responderSPI.rawValue)
        writer.writeInteger(nextPayload.rawValue)
        writer.writeInteger(majorVersion << 4 | (minorVersion & 0x0f))
        writer.writeInteger(exchangeType.rawValue)
        writer.writeInteger(flags.rawValue)
        writer.writeInteger(messageID.rawValue)
        writer.writeInteger(length)
    }
}
