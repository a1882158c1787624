/// Reads DER TLVs with definite lengths of at most two length octets, rejecting
/// non-minimal encodings.
struct DERReader {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    var isAtEnd: Bool { offset == bytes.count }

    /// The contents of the next TLV, which must have tag `tag`.
    mutating func read(tag: UInt8) throws(IKECryptoError) -> [UInt8] {
        guard offset + 2 <= bytes.count, bytes[offset] == tag else {
            throw .malformedAuthenticationData("DER: expected tag \(tag) at offset \(offset)")
        }
        var length = Int(bytes[offset + 1])
        var cursor = offset + 2
        if length & 0x80 != 0 {
            let lengthOctets = length & 0x7f
            guard lengthOctets >= 1, lengthOctets <= 2, cursor + lengthOctets <= bytes.count else {
                throw .malformedAuthenticationData("DER: bad length at offset \(offset + 1)")
            }
            length = bytes[cursor..<(cursor + lengthOctets)].reduce(0) { $0 << 8 | Int($1) }
            guard length >= 0x80, lengthOctets == 1 || length > 0xff else {
                throw .malformedAuthenticationData("DER: non-minimal length at offset \(offset + 1)")
            }
            cursor += lengthOctets
        }
        guard length <= bytes.count - cursor else {
            throw .malformedAuthenticationData("DER: length \(length) at offset \(offset + 1) runs past the end")
        }
        offset = cursor + length
        return Array(bytes[cursor..<(cursor + length)])
    }

    /// A non-negative INTEGER's magnitude without leading zeros.
    mutating func readUnsignedInteger() throws(IKECryptoError) -> [UInt8] {
        let contents = try read(tag: 0x02)
        guard let first = contents.first else { throw .malformedAuthenticationData("DER: empty INTEGER") }
        guard first & 0x80 == 0 else { throw .malformedAuthenticationData("DER: negative INTEGER") }
        if contents.count > 1, first == 0, contents[1] & 0x80 == 0 {
            throw .malformedAuthenticationData("DER: non-minimal INTEGER")
        }
        return Array(contents.drop { $0 == 0 })
    }
}
