internal import COpenSSL

/// An X.501 Name (certificate subject or issuer): its DER, its attributes in certificate
/// order, and its RFC 4514 text.
public struct DistinguishedName: Hashable, Sendable, CustomStringConvertible {
    /// One AttributeTypeAndValue.
    public struct Attribute: Hashable, Sendable {
        /// The RFC 4514 key: `CN`, `C`, `L`, `ST`, `O`, `OU`, `DC`, `STREET`, `UID`, OpenSSL's
        /// short name for others it knows (`emailAddress`, `serialNumber`), else the dotted OID.
        public let key: String
        /// Dotted-decimal OID of the attribute type.
        public let oid: String
        /// The value as UTF-8 text.
        public let value: String
        /// Index of the RDN the attribute belongs to (multi-valued RDNs share one).
        public let rdn: Int
    }

    /// The DER encoding (what ID_DER_ASN1_DN carries, RFC 7296 §3.5).
    public let der: [UInt8]
    /// Attributes in the order of the encoding (most significant first, e.g. C before CN).
    public let attributes: [Attribute]

    /// RFC 4514 text: RDNs in reverse encoding order, `,` between RDNs, `+` inside one,
    /// special characters escaped with `\`.
    public var rfc4514: String {
        var rdns: [[Attribute]] = []
        for attribute in attributes {
            if let last = rdns.last?.last, last.rdn == attribute.rdn {
                rdns[rdns.count - 1].append(attribute)
            } else {
                rdns.append([attribute])
            }
        }
        return rdns.reversed().map { rdn in
            rdn.map { "\($0.key)=\(Self.escape($0.value))" }.joined(separator: "+")
        }.joined(separator: ",")
    }

    public var description: String { rfc4514 }

    /// The values of attributes with `key` (case-insensitive), most specific first
    /// (RFC 4514 order).
    public func values(of key: String) -> [String] {
        attributes.reversed().filter { $0.key.equalsIgnoringCase(key) }.map(\.value)
    }

    /// Decodes a DER Name, e.g. the data of an ID_DER_ASN1_DN identity.
    public init(der: [UInt8]) throws(PKIError) {
        let decoded = try NameObject(der: der)
        try self.init(borrowing: decoded.pointer)
        withExtendedLifetime(decoded) {}
    }

    /// Copies a Name owned by OpenSSL.
    init(borrowing name: OpaquePointer) throws(PKIError) {
        guard let encoded = derEncoding({ i2d_X509_NAME(name, $0) }) else {
            throw openSSLFailure("i2d_X509_NAME")
        }
        der = encoded
        var attributes: [Attribute] = []
        let count = X509_NAME_entry_count(name)
        for index in 0..<max(0, count) {
            guard let entry = X509_NAME_get_entry(name, index) else { continue }
            let object = X509_NAME_ENTRY_get_object(entry)
            let oid = objectIdentifierText(object)
            let value = asn1UTF8(X509_NAME_ENTRY_get_data(entry)) ?? ""
            attributes.append(Attribute(key: Self.key(nid: OBJ_obj2nid(object), oid: oid), oid: oid,
                                        value: value, rdn: Int(X509_NAME_ENTRY_set(entry))))
        }
        self.attributes = attributes
    }

    /// Semantic equality as RFC 5280 §7.1 compares names (OpenSSL's canonical form:
    /// case-folded, whitespace-collapsed strings), falling back to exact DER.
    public func matches(_ other: DistinguishedName) -> Bool {
        if der == other.der { return true }
        guard let mine = try? NameObject(der: der), let theirs = try? NameObject(der: other.der) else { return false }
        return withExtendedLifetime((mine, theirs)) { X509_NAME_cmp(mine.pointer, theirs.pointer) == 0 }
    }

    private static func key(nid: Int32, oid: String) -> String {
        switch nid {
        case NID_commonName: return "CN"
        case NID_countryName: return "C"
        case NID_localityName: return "L"
        case NID_stateOrProvinceName: return "ST"
        case NID_organizationName: return "O"
        case NID_organizationalUnitName: return "OU"
        case NID_domainComponent: return "DC"
        case NID_streetAddress: return "STREET"
        case NID_userId: return "UID"
        case NID_undef: return oid
        default:
            guard let shortName = OBJ_nid2sn(nid) else { return oid }
            return String(cString: shortName)
        }
    }

    /// RFC 4514 §2.4 escaping.
    static func escape(_ value: String) -> String {
        var output = ""
        let characters = Array(value)
        for (index, character) in characters.enumerated() {
            switch character {
            case ",", "+", "\"", "\\", "<", ">", ";":
                output.append("\\")
            case "\u{0}":
                output.append("\\00")
                continue
            case "#" where index == 0, " " where index == 0 || index == characters.count - 1:
                output.append("\\")
            default:
                break
            }
            output.append(character)
        }
        return output
    }
}

/// Owns an `X509_NAME` decoded for comparison.
final class NameObject {
    let pointer: OpaquePointer

    /// Exactly one DER Name: octets after it are refused.
    init(der: [UInt8]) throws(PKIError) {
        var complete = false
        let name = der.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            let result = d2i_X509_NAME(nil, &cursor, buffer.count)
            complete = result != nil && cursor == buffer.baseAddress.map { $0 + buffer.count }
            return result
        }
        guard let name else { throw .decoding(what: "distinguished name", reason: drainOpenSSLErrors()) }
        guard complete else {
            X509_NAME_free(name)
            throw .decoding(what: "distinguished name", reason: "octets after the Name")
        }
        pointer = name
    }

    deinit { X509_NAME_free(pointer) }
}

extension String {
    fileprivate func equalsIgnoringCase(_ other: String) -> Bool {
        lowercased() == other.lowercased()
    }
}
