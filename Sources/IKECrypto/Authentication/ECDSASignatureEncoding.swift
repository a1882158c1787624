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
