/// Parsing and serialising a chain of payloads linked by Next Payload fields: the
/// payloads of a message after its header, or the inner payloads of a decrypted SK.
extension Payload {
    /// Parses payloads from `reader` until Next Payload is 0 or an SK/SKF payload ends
    /// the chain; the chain must use every octet of `reader`.
    public static func parseChain(from reader: inout ByteReader, firstPayload: PayloadType) throws(IKEParseError) -> [Payload] {
        var payloads: [Payload] = []
        var next = firstPayload
        var last: (type: PayloadType?, offset: Int, length: Int) = (nil, reader.readerIndex, 0)
        while next != .none {
            let type = next
            let start = reader.readerIndex
            guard reader.readableBytes >= genericPayloadHeaderSize else {
                throw .truncated(payload: type, offset: start, needed: genericPayloadHeaderSize)
            }
            var header = try reader.readSlice(length: genericPayloadHeaderSize, payload: type)
            next = PayloadType(try header.readInteger(as: UInt8.self))
            let flags = GenericPayloadFlags(rawValue: try header.readInteger(as: UInt8.self))
            let length = Int(try header.readInteger(as: UInt16.self))
            let available = reader.readableBytes + genericPayloadHeaderSize
            guard length >= genericPayloadHeaderSize, length <= available else {
                throw .lengthMismatch(payload: type, offset: start, declared: length, available: available)
            }
            var body = try reader.readSlice(length: length - genericPayloadHeaderSize, payload: type)
            let payload = try parseBody(type: type, flags: flags, nextPayload: next, headerOffset: start, body: &body)
            try body.expectEnd("payload \(type)")
            payloads.append(payload)
            last = (type, start, length)
            if payload.endsChain {
                // RFC 7296 §3.14 / RFC 7383 §2.5: SK and SKF are last and run to the end.
                guard reader.isAtEnd else {
                    throw .lengthMismatch(payload: type, offset: start, declared: length, available: available)
                }
                return payloads
            }
        }
        guard reader.isAtEnd else {
            throw .lengthMismatch(payload: last.type, offset: last.offset, declared: last.length,
                                  available: last.length + reader.readableBytes)
        }
        return payloads
    }

    /// Parses a chain held in its own buffer (offsets in errors are into `bytes`).
    public static func parseChain(_ bytes: [UInt8], firstPayload: PayloadType) throws(IKEParseError) -> [Payload] {
        var reader = ByteReader(bytes)
        return try parseChain(from: &reader, firstPayload: firstPayload)
    }

    /// Writes `payloads` with their generic headers, linking Next Payload fields.
    public static func serializeChain(_ payloads: [Payload], into writer: inout ByteWriter) {
        for (index, payload) in payloads.enumerated() {
            let next = index + 1 < payloads.count ? payloads[index + 1].type : payload.nextPayloadWhenLast
            let start = writer.writerIndex
            writer.writeInteger(next.rawValue)
            writer.writeInteger(payload.flags.rawValue)
            writer.writeInteger(UInt16(0))
            payload.serializeBody(into: &writer)
            writer.setUInt16(writer.writerIndex - start, at: start + 2)
        }
    }

    /// `payloads` as octets.
    public static func serializeChain(_ payloads: [Payload]) -> [UInt8] {
        var writer = ByteWriter()
        serializeChain(payloads, into: &writer)
        return writer.bytes
    }

    /// Runs ``validate(offset:)`` on each payload of a chain that starts at `offset`.
    public static func validateChain(_ payloads: [Payload], startingAt offset: Int = 0) throws(IKEParseError) {
        var position = offset
        for payload in payloads {
            try payload.validate(offset: position)
            position += genericPayloadHeaderSize + payload.bodyBytes.count
        }
    }
}
