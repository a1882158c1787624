/// One length or count field found in encoded IKEv2 octets.
struct LengthField: CustomStringConvertible, Sendable {
    /// Which field: "SA proposal length", "TSi Number of TSs", … (for failure messages).
    let name: String
    /// Offset of the field's first octet in the buffer that was walked.
    let offset: Int
    /// 1 or 2 octets, big-endian.
    let width: Int
    /// The value as encoded.
    let value: Int

    var description: String { "\(name) at offset \(offset) (value \(value))" }

    /// The lies to tell: one more, one less (wrapping below zero to the largest value) and
    /// the largest value the field can hold, without the true value and without repeats.
    var lies: [Int] {
        let maximum = width == 1 ? 0xff : 0xffff
        var result: [Int] = []
        for candidate in [value + 1, value == 0 ? maximum : value - 1, maximum]
        where candidate <= maximum && candidate != value && !result.contains(candidate) {
            result.append(candidate)
        }
        return result
    }

    /// `bytes` with this field set to `lie`.
    func writing(_ lie: Int, into bytes: [UInt8]) -> [UInt8] {
        var mutated = bytes
        if width == 1 {
            mutated[offset] = UInt8(truncatingIfNeeded: lie)
        } else {
            mutated[offset] = UInt8(truncatingIfNeeded: lie >> 8)
            mutated[offset + 1] = UInt8(truncatingIfNeeded: lie)
        }
        return mutated
    }
}

/// Finds every length and count field of a payload chain from the RFC 7296 §3 byte
/// layouts alone (offsets written out here, nothing taken from IKEWire), so a test that
/// lies in those fields does not trust the parser it tests. Walking stops quietly at
/// anything that does not fit: the walker only ever sees well-formed captures.
struct LengthFieldWalker {
    let bytes: [UInt8]
    private(set) var fields: [LengthField] = []

    private func u8(_ offset: Int) -> Int { Int(bytes[offset]) }
    private func u16(_ offset: Int) -> Int { Int(bytes[offset]) << 8 | Int(bytes[offset + 1]) }

    private mutating func record(_ name: String, at offset: Int, width: Int) {
        guard offset + width <= bytes.count else { return }
        fields.append(LengthField(name: name, offset: offset, width: width, value: width == 1 ? u8(offset) : u16(offset)))
    }

    /// The fields of a whole IKE message (header Length is covered elsewhere): its outer
    /// chain from octet 28, first payload type in octet 16 (RFC 7296 §3.1).
    static func fields(ofMessage message: [UInt8]) -> [LengthField] {
        guard message.count >= 28 else { return [] }
        var walker = LengthFieldWalker(bytes: message)
        walker.walkChain(from: 28, to: message.count, firstPayload: message[16])
        return walker.fields
    }

    /// The fields of an inner chain (decrypted SK content without padding).
    static func fields(ofChain chain: [UInt8], firstPayload: UInt8) -> [LengthField] {
        var walker = LengthFieldWalker(bytes: chain)
        walker.walkChain(from: 0, to: chain.count, firstPayload: firstPayload)
        return walker.fields
    }

    /// RFC 7296 §3.2: Next Payload (1), C|RESERVED (1), Payload Length (2), body.
    private mutating func walkChain(from start: Int, to end: Int, firstPayload: UInt8) {
        var offset = start
        var type = firstPayload
        while type != 0, offset + 4 <= end {
            let length = u16(offset + 2)
            guard length >= 4, offset + length <= end else { return }
            let name = Self.abbreviation(type)
            record("\(name) payload length", at: offset + 2, width: 2)
            walkBody(type: type, name: name, from: offset + 4, to: offset + length)
            // SK (46) and SKF (53) end the outer chain (RFC 7296 §3.14, RFC 7383 §2.5).
            if type == 46 || type == 53 { return }
            type = bytes[offset]
            offset += length
        }
    }

    private mutating func walkBody(type: UInt8, name: String, from body: Int, to end: Int) {
        switch type {
        case 33: walkSecurityAssociation(from: body, to: end)
        case 39:
            // RFC 7427 §3: AUTH method 14 data starts with a 1-octet ASN.1 length.
            if body + 4 < end, bytes[body] == 14 { record("AUTH RFC 7427 AlgorithmIdentifier length", at: body + 4, width: 1) }
        case 41: walkNotify(from: body, to: end)
        case 42:
            // RFC 7296 §3.11: Protocol ID, SPI Size, Num of SPIs (2).
            record("D SPI size", at: body + 1, width: 1)
            record("D Num of SPIs", at: body + 2, width: 2)
        case 44, 45: walkTrafficSelectors(name: name, from: body, to: end)
        case 47:
            // RFC 7296 §3.15: CFG Type, 3 RESERVED, then attributes R|Type (2), Length (2).
            var attribute = body + 4
            while attribute + 4 <= end {
                record("CP attribute length", at: attribute + 2, width: 2)
                attribute += 4 + u16(attribute + 2)
            }
        case 48:
            // RFC 3748 §4: Code, Identifier, Length (2).
            record("EAP length", at: body + 2, width: 2)
        case 53:
            // RFC 7383 §2.5: Fragment Number (2), Total Fragments (2).
            record("SKF Fragment Number", at: body, width: 2)
            record("SKF Total Fragments", at: body + 2, width: 2)
        default:
            // KE, IDi/IDr, CERT, CERTREQ, Nonce, V, SK: their extent is the generic length.
            break
        }
    }

    /// RFC 7296 §3.3.1–§3.3.5: proposals (Last, RESERVED, Length (2), Num, Protocol, SPI
    /// Size, Num Transforms, SPI), transforms (Last, RESERVED, Length (2), Type, RESERVED,
    /// ID (2), attributes), attributes (AF|Type (2), Length (2) or TV Value (2)).
    private mutating func walkSecurityAssociation(from body: Int, to end: Int) {
        var proposal = body
        while proposal + 8 <= end {
            let proposalLength = u16(proposal + 2)
            guard proposalLength >= 8, proposal + proposalLength <= end else { return }
            record("SA proposal length", at: proposal + 2, width: 2)
            record("SA proposal SPI size", at: proposal + 6, width: 1)
            record("SA proposal Num Transforms", at: proposal + 7, width: 1)
            let proposalEnd = proposal + proposalLength
            var transform = proposal + 8 + u8(proposal + 6)
            while transform + 8 <= proposalEnd {
                let transformLength = u16(transform + 2)
                guard transformLength >= 8, transform + transformLength <= proposalEnd else { break }
                record("SA transform length", at: transform + 2, width: 2)
                var attribute = transform + 8
                while attribute + 4 <= transform + transformLength {
                    if bytes[attribute] & 0x80 == 0 {
                        record("SA transform attribute length (TLV)", at: attribute + 2, width: 2)
                        attribute += 4 + u16(attribute + 2)
                    } else {
                        attribute += 4   // TV: the 2 octets after the type are the value, not a length.
                    }
                }
                transform += transformLength
            }
            proposal = proposalEnd
        }
    }

    /// RFC 7296 §3.10: Protocol ID, SPI Size, Notify Message Type (2), SPI, data; the
    /// REDIRECT data (RFC 5685 §8.2) has its own 1-octet GW Ident Len.
    private mutating func walkNotify(from body: Int, to end: Int) {
        guard body + 4 <= end else { return }
        record("N SPI size", at: body + 1, width: 1)
        let data = body + 4 + u8(body + 1)
        if u16(body + 2) == 16407, data + 2 <= end {
            record("N(REDIRECT) GW Ident Len", at: data + 1, width: 1)
        }
    }

    /// RFC 7296 §3.13: Number of TSs, 3 RESERVED, selectors (TS Type, IP Protocol ID,
    /// Selector Length (2), …).
    private mutating func walkTrafficSelectors(name: String, from body: Int, to end: Int) {
        record("\(name) Number of TSs", at: body, width: 1)
        var selector = body + 4
        while selector + 4 <= end {
            let length = u16(selector + 2)
            guard length >= 4 else { return }
            record("\(name) Selector Length", at: selector + 2, width: 2)
            selector += length
        }
    }

    private static func abbreviation(_ type: UInt8) -> String {
        switch type {
        case 33: "SA"
        case 34: "KE"
        case 35: "IDi"
        case 36: "IDr"
        case 37: "CERT"
        case 38: "CERTREQ"
        case 39: "AUTH"
        case 40: "Nonce"
        case 41: "N"
        case 42: "D"
        case 43: "V"
        case 44: "TSi"
        case 45: "TSr"
        case 46: "SK"
        case 47: "CP"
        case 48: "EAP"
        case 53: "SKF"
        default: "payload-\(type)"
        }
    }
}
