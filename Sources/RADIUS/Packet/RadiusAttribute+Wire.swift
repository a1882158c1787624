import HubVocabulary

extension RadiusAttribute {
    /// The wire attributes for this one: a Vendor-Specific (26) wrapper for a vendor
    /// attribute (RFC 2865 §5.26, one vendor TLV), and an EAP-Message longer than 253
    /// octets split over consecutive attributes (RFC 3579 §3.1).
    public func rawAttributes() throws(RadiusPacketError) -> [RadiusPacket.RawAttribute] {
        let value: [UInt8]
        switch self.value {
        case .bytes(let bytes): value = bytes
        case .integer(let number): value = [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: number >> $0) }
        case .ipv4(let address): value = address.bytes
        case .ipv6(let address): value = address.bytes
        }
        guard type <= 255 else { throw .invalid(field: "attribute \(type)", reason: "type above 255") }
        if vendor == 0 {
            if type == RadiusAttributeType.eapMessage, value.count > RadiusPacket.maximumAttributeValue {
                return stride(from: 0, to: value.count, by: RadiusPacket.maximumAttributeValue).map {
                    RadiusPacket.RawAttribute(type: UInt8(type),
                                              value: Array(value[$0..<min(value.count, $0 + RadiusPacket.maximumAttributeValue)]))
                }
            }
            return [RadiusPacket.RawAttribute(type: UInt8(type), value: value)]
        }
        guard value.count <= RadiusPacket.maximumAttributeValue - 6 else {
            throw .invalid(field: "vendor \(vendor) attribute \(type)", reason: "\(value.count) octets, at most 247")
        }
        let header: [UInt8] = [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: vendor >> $0) } + [UInt8(type), UInt8(value.count + 2)]
        return [RadiusPacket.RawAttribute(type: UInt8(RadiusAttributeType.vendorSpecific), value: header + value)]
    }

    /// The typed attributes of a packet: Vendor-Specific attributes unpacked into their
    /// vendor TLVs (several TLVs in one VSA are all kept), values typed by the small
    /// dictionary IKEHub reads (addresses and integers; everything else stays octets).
    public static func decode(_ attributes: [RadiusPacket.RawAttribute]) -> [RadiusAttribute] {
        var decoded: [RadiusAttribute] = []
        for attribute in attributes {
            if attribute.type == UInt8(RadiusAttributeType.vendorSpecific), attribute.value.count >= 6 {
                let bytes = attribute.value
                let vendor = bytes[0..<4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
                var offset = 4
                var tlvs: [RadiusAttribute] = []
                while offset + 2 <= bytes.count {
                    let length = Int(bytes[offset + 1])
                    guard length >= 2, offset + length <= bytes.count else { tlvs = []; break }
                    let type = UInt32(bytes[offset])
                    tlvs.append(RadiusAttribute(type: type, vendor: vendor,
                                                value: typed(Array(bytes[(offset + 2)..<(offset + length)]), type: type, vendor: vendor)))
                    offset += length
                }
                if !tlvs.isEmpty, offset == bytes.count {
                    decoded += tlvs
                    continue
                }
            }
            decoded.append(RadiusAttribute(type: UInt32(attribute.type), vendor: 0,
                                           value: typed(attribute.value, type: UInt32(attribute.type), vendor: 0)))
        }
        return decoded
    }

    private static func typed(_ bytes: [UInt8], type: UInt32, vendor: UInt32) -> Value {
        switch RadiusDictionary.kind(type: type, vendor: vendor) {
        case .ipv4 where bytes.count == 4: return .ipv4(IPv4Address(bytes: bytes)!)
        case .ipv6 where bytes.count == 16: return .ipv6(IPv6Address(bytes: bytes)!)
        case .integer where bytes.count == 4: return .integer(bytes.reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        default: return .bytes(bytes)
        }
    }
}

/// The value types of the attributes IKEHub reads from replies (FreeRADIUS dictionaries
/// `dictionary.rfc2865`, `rfc2866`, `rfc2869`, `rfc3162`, `rfc6911`, `microsoft`).
enum RadiusDictionary {
    enum Kind { case ipv4, ipv6, integer, octets }

    static func kind(type: UInt32, vendor: UInt32) -> Kind {
        switch vendor {
        case 0:
            switch type {
            case 4, 8, 9, 14: return .ipv4
            case 95, 168, 169: return .ipv6
            case 5, 6, 7, 10, 12, 13, 15, 16, 27, 28, 29, 37, 38, 40, 41, 42, 43, 45, 46, 47, 48, 49, 51, 52, 53, 55, 61, 62, 85:
                return .integer
            default: return .octets
            }
        case RadiusVendor.microsoft:
            switch type {
            case 28, 29, 30, 31: return .ipv4
            case 7, 8: return .integer
            default: return .octets
            }
        default:
            return .octets
        }
    }
}
