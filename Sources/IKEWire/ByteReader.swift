/// A bounds-checked cursor over received octets (NIO `ByteBuffer` method names, no NIO).
///
/// Every read throws ``IKEParseError/truncated(payload:offset:needed:)`` when the bytes
/// run out: a UDP datagram cannot deliver more later, so short input is an error
/// (RFC 7296 §2 datagrams are complete). Offsets in errors are positions in the
/// outermost buffer (the datagram, or the decrypted SK plaintext), so a log line points
/// at the offending octet.
public struct ByteReader: Sendable {
    /// The whole buffer; the reader only looks at `readerIndex..<endIndex`.
    @usableFromInline let storage: [UInt8]
    /// Position of the next octet to read, as an index into the outermost buffer.
    public private(set) var readerIndex: Int
    /// One past the last readable octet.
    public let endIndex: Int
    /// The payload whose bytes this reader covers (`nil` for the IKE header or a whole
    /// datagram); named in every error.
    public let payload: PayloadType?

    /// A reader over all of `bytes`.
    public init(_ bytes: [UInt8], payload: PayloadType? = nil) {
        storage = bytes
        readerIndex = 0
        endIndex = bytes.count
        self.payload = payload
    }

    private init(storage: [UInt8], start: Int, end: Int, payload: PayloadType?) {
        self.storage = storage
        readerIndex = start
        endIndex = end
        self.payload = payload
    }

    /// Octets left to read.
    public var readableBytes: Int { endIndex - readerIndex }

    /// True when nothing is left.
    public var isAtEnd: Bool { readerIndex >= endIndex }

    private func truncated(_ needed: Int) -> IKEParseError {
        .truncated(payload: payload, offset: readerIndex, needed: needed)
    }

    /// Reads a big-endian unsigned integer of `T`'s width.
    public mutating func readInteger<T: FixedWidthInteger & UnsignedInteger>(as type: T.Type = T.self) throws(IKEParseError) -> T {
        let width = T.bitWidth / 8
        guard readableBytes >= width else { throw truncated(width) }
        var value: T = 0
        for index in readerIndex..<(readerIndex + width) {
            value = value << 8 | T(storage[index])
        }
        readerIndex += width
        return value
    }

    /// Reads `count` octets.
    public mutating func readBytes(count: Int) throws(IKEParseError) -> [UInt8] {
        guard count >= 0, readableBytes >= count else { throw truncated(count) }
        let bytes = Array(storage[readerIndex..<(readerIndex + count)])
        readerIndex += count
        return bytes
    }

    /// Reads everything that is left (possibly nothing).
    public mutating func readRemainingBytes() -> [UInt8] {
        let bytes = Array(storage[readerIndex..<endIndex])
        readerIndex = endIndex
        return bytes
    }

    /// Splits off the next `length` octets as their own reader (sharing storage, so
    /// offsets stay absolute) and advances past them.
    public mutating func readSlice(length: Int, payload: PayloadType?) throws(IKEParseError) -> ByteReader {
        guard length >= 0, readableBytes >= length else { throw truncated(length) }
        let slice = ByteReader(storage: storage, start: readerIndex, end: readerIndex + length, payload: payload)
        readerIndex += length
        return slice
    }

    /// The next octets without consuming them (at most `count`, fewer near the end).
    public func peekBytes(count: Int) -> ArraySlice<UInt8> {
        storage[readerIndex..<(readerIndex + Swift.max(0, Swift.min(count, readableBytes)))]
    }

    /// Throws ``IKEParseError/invalidSyntax(payload:offset:reason:)`` when octets remain
    /// after a structure that defines its own length.
    public func expectEnd(_ what: String) throws(IKEParseError) {
        guard isAtEnd else {
            throw .invalidSyntax(payload: payload, offset: readerIndex,
                                 reason: "\(readableBytes) octets after the end of \(what)")
        }
    }
}
