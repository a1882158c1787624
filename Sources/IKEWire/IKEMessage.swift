/// An IKEv2 message: the header and its payloads in order (RFC 7296 §3).
///
/// `parse` keeps everything that was received (reserved bits, unknown payloads,
/// attribute order), so `serialize()` of a parsed message returns the same octets.
/// Parsing is structural; call ``validate()`` for the semantic bounds, and
/// ``MessageRules/verify(_:innerPayloads:against:)`` for the payload counts.
///
/// Keep the received datagram for the AUTH signed octets (RFC 7296 §2.15,
/// `RealMessage1/2`); the round trip makes re-serialising safe, but the octets that
/// were received are the ones that count.
public struct IKEMessage: Hashable, Sendable {
    /// Largest message accepted: what a UDP datagram or an RFC 8229 2-octet TCP length
    /// can carry (RFC 7296 §2 asks for at least 1280 octets and "SHOULD" 3000).
    public static let maximumMessageSize = 65_535

    public var header: IKEHeader
    public var payloads: [Payload]

    public init(header: IKEHeader, payloads: [Payload]) {
        self.header = header
        self.payloads = payloads
    }

    /// Parses a datagram's IKE message (without the 4-octet non-ESP marker; see
    /// ``UDPDatagramClassifier``). A datagram shorter than its Length field throws
    /// ``IKEParseError/truncated(payload:offset:needed:)``.
    public static func parse(_ bytes: [UInt8]) throws(IKEParseError) -> IKEMessage {
        var reader = ByteReader(bytes)
        let header = try IKEHeader.parse(from: &reader)
        let declared = Int(header.length)
        guard declared >= IKEHeader.size, declared <= maximumMessageSize else {
            throw .lengthMismatch(payload: nil, offset: IKEHeader.lengthFieldOffset, declared: declared, available: bytes.count)
        }
        guard declared <= bytes.count else {
            throw .truncated(payload: nil, offset: bytes.count, needed: declared - bytes.count)
        }
        guard declared == bytes.count else {
            throw .lengthMismatch(payload: nil, offset: IKEHeader.lengthFieldOffset, declared: declared, available: bytes.count)
        }
        let payloads = try Payload.parseChain(from: &reader, firstPayload: header.nextPayload)
        return IKEMessage(header: header, payloads: payloads)
    }

    /// The message octets, with the header's Next Payload and Length set from the payloads.
    public func serialize() -> [UInt8] {
        var writer = ByteWriter(capacity: 512)
        var header = self.header
        header.nextPayload = payloads.first?.type ?? .none
        header.serialize(into: &writer)
        Payload.serializeChain(payloads, into: &writer)
        writer.setUInt32(writer.writerIndex, at: IKEHeader.lengthFieldOffset)
        return writer.bytes
    }

    /// Second parse step: the semantic checks of every payload (offsets as on the wire).
    public func validate() throws(IKEParseError) {
        try Payload.validateChain(payloads, startingAt: IKEHeader.size)
    }

    /// The SK payload, when it is the last payload.
    public var encryptedPayload: EncryptedPayload? {
        if case .encrypted(let sk)? = payloads.last { sk } else { nil }
    }

    /// The SKF payload, when it is the last payload.
    public var encryptedFragment: EncryptedFragmentPayload? {
        if case .encryptedFragment(let skf)? = payloads.last { skf } else { nil }
    }

    // MARK: - SK associated data

    /// The octets an SK/SKF payload authenticates besides its ciphertext, taken from a
    /// serialised or received message: from the first octet of the IKE header to the
    /// end of the SK generic header (RFC 5282 §5.1, AEAD) or, for SKF, to the end of
    /// Total Fragments (RFC 7383 §3.1). For CBC/CTR with an INTEG transform the ICV
    /// covers `bytes[0 ..< count - icvLength]` instead (RFC 7296 §3.14).
    ///
    /// Walks the generic headers only, so it works on the octets being built for
    /// sending as well as on a datagram that was received.
    public static func associatedData(ofSerialized bytes: [UInt8]) throws(IKEParseError) -> ArraySlice<UInt8> {
        var reader = ByteReader(bytes)
        let header = try IKEHeader.parse(from: &reader)
        var next = header.nextPayload
        while next != .none {
            let start = reader.readerIndex
            let type = next
            next = PayloadType(try reader.readInteger(as: UInt8.self))
            _ = try reader.readInteger(as: UInt8.self)
            let length = Int(try reader.readInteger(as: UInt16.self))
            if type == .encrypted {
                return bytes[0..<(start + genericPayloadHeaderSize)]
            }
            if type == .encryptedFragment {
                let end = start + genericPayloadHeaderSize + EncryptedFragmentPayload.fragmentHeaderSize
                guard end <= bytes.count else { throw .truncated(payload: type, offset: start, needed: end - start) }
                return bytes[0..<end]
            }
            guard length >= genericPayloadHeaderSize else {
                throw .lengthMismatch(payload: type, offset: start, declared: length, available: reader.readableBytes + 4)
            }
            _ = try reader.readSlice(length: length - genericPayloadHeaderSize, payload: type)
        }
        throw .invalidSyntax(payload: nil, offset: 0, reason: "message has no SK or SKF payload")
    }

    /// ``associatedData(ofSerialized:)`` of this message as it serialises.
    public func associatedData() throws(IKEParseError) -> [UInt8] {
        Array(try Self.associatedData(ofSerialized: serialize()))
    }
}
