/// Converts ECDSA signatures between the DER Ecdsa-Sig-Value OpenSSL produces and the
/// fixed-width r ‖ s of RFC 4754 (AUTH methods 9–11).
enum ECDSASignatureEncoding {
    /// r ‖ s, each left-padded to `coordinateLength`, from a strict DER
    /// SEQUENCE { INTEGER r, INTEGER s }.
    static func raw(fromDER der: [UInt8], coordinateLength: Int) throws(IKECryptoError) -> [UInt8] {
        var reader = DERReader(der)
        let sequence = try reader.read(tag: 0x30)
        guard reader.isAtEnd else { throw .malformedAuthenticationData("ECDSA signature: octets after the SEQUENCE") }
        var inner = DERReader(sequence)
        let r = try inner.readUnsignedInteger()
        let s = try inner.readUnsignedInteger()
        guard inner.isAtEnd else { throw .malformedAuthenticationData("ECDSA signature: extra SEQUENCE elements") }
        guard r.count <= coordinateLength, s.count <= coordinateLength else {
            throw .malformedAuthenticationData("ECDSA signature: integer longer than \(coordinateLength) octets")
        }
        return [UInt8](repeating: 0, count: coordinateLength - r.count) + r
            + [UInt8](repeating: 0, count: coordinateLength - s.count) + s
    }

    /// The DER SEQUENCE { INTEGER r, INTEGER s } for a raw r ‖ s of `2 × coordinateLength` octets.
    static func der(fromRaw raw: [UInt8], coordinateLength: Int) throws(IKECryptoError) -> [UInt8] {
        guard raw.count == 2 * coordinateLength else {
            throw .malformedAuthenticationData("ECDSA r ‖ s is \(raw.count) octets, need \(2 * coordinateLength)")
        }
        let body = integer(Array(raw[0..<coordinateLength])) + integer(Array(raw[coordinateLength...]))
        return [0x30] + length(body.count) + body
    }

    private static func integer(_ magnitude: [UInt8]) -> [UInt8] {
        var minimal = Array(magnitude.drop { $0 == 0 })
        if minimal.isEmpty { minimal = [0] }
        if let first = minimal.first, first & 0x80 != 0 { minimal.insert(0, at: 0) }
        return [0x02] + length(minimal.count) + minimal
    }

    private static func length(_ count: Int) -> [UInt8] {
        count < 0x80 ? [UInt8(count)] : [0x81, UInt8(count)]
    }
}

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
