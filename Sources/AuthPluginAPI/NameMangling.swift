public import FlexConfig
public import HubVocabulary

/// `crypto ikev2 name-mangler`: how a remote IKE identity or EAP identity becomes the
/// user name of a AAA request (seed: "Configuring the IKEv2 Name Mangler"). Pure.
///
/// | identity | rule | result for the example |
/// |---|---|---|
/// | DN `CN=alice, OU=eng, O=corp, DC=example, DC=com` | `dn common-name` / `organization-unit` / `organization` / `domain` | `alice` / `eng` / `corp` / `example.com` |
/// | FQDN `host1.example.com` | `fqdn all` / `hostname` / `domain` | `host1.example.com` / `host1` / `example.com` |
/// | e-mail `bob@example.com` | `email all` / `username` / `domain` | `bob@example.com` / `bob` / `example.com` |
/// | EAP `bob@example.com` | `eap all` / `prefix delimiter @` / `suffix delimiter @` | `bob@example.com` / `bob` / `example.com` |
/// | EAP `CN=carol,O=corp` | `eap dn common-name` | `carol` |
///
/// `dn domain` is the domain of the DN's domainComponent (DC) attributes joined with
/// dots. A prefix or suffix rule whose delimiter is not in the identity yields the whole
/// identity (there is nothing to cut). A DN field that occurs more than once yields its
/// first (most significant) occurrence.
public enum NameMangling {
    /// Why no name could be derived; names the mangler.
    public struct Failure: Error, Equatable, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// The AAA user name for `identity` (or for `eapIdentity` when given: the EAP
    /// identity takes the `eap` rule).
    public static func name(for identity: PeerIdentity, eapIdentity: String? = nil,
                            mangler: NameMangler) throws(Failure) -> String {
        if let eapIdentity {
            guard let rule = mangler.eap else {
                throw Failure(description: "name-mangler \(mangler.name) has no `eap` rule for an EAP identity")
            }
            return try eap(eapIdentity, rule, mangler: mangler.name)
        }
        switch identity.kind {
        case .derASN1DN:
            guard let field = mangler.dn else {
                throw Failure(description: "name-mangler \(mangler.name) has no `dn` rule for a DN identity")
            }
            guard let name = DistinguishedName(der: identity.data) else {
                throw Failure(description: "name-mangler \(mangler.name): the peer's DN identity is not a DER Name")
            }
            guard let value = name.value(of: field) else {
                throw Failure(description: "name-mangler \(mangler.name): the peer's DN has no \(field.rawValue)")
            }
            return value
        case .fqdn:
            guard let part = mangler.fqdn else {
                throw Failure(description: "name-mangler \(mangler.name) has no `fqdn` rule for an FQDN identity")
            }
            return try split(identity.text ?? "", at: ".", part: part, mangler: mangler.name, kind: "fqdn")
        case .rfc822Address:
            guard let part = mangler.email else {
                throw Failure(description: "name-mangler \(mangler.name) has no `email` rule for an e-mail identity")
            }
            return try split(identity.text ?? "", at: "@", part: part, mangler: mangler.name, kind: "email")
        default:
            throw Failure(description: "name-mangler \(mangler.name) has no rule for an identity of type \(identity.kind.rawValue)")
        }
    }

    /// `fqdn` (hostname = before the first dot) and `email` (username = before the @).
    static func split(_ text: String, at separator: Character, part: NameMangler.Part, mangler: String, kind: String) throws(Failure) -> String {
        switch part {
        case .all:
            return text
        case .hostname where kind == "fqdn", .username where kind == "email":
            guard let index = text.firstIndex(of: separator) else { return text }
            return String(text[..<index])
        case .domain:
            guard let index = text.firstIndex(of: separator) else {
                throw Failure(description: "name-mangler \(mangler): `\(kind) domain` of an identity without '\(separator)'")
            }
            return String(text[text.index(after: index)...])
        default:
            throw Failure(description: "name-mangler \(mangler): `\(kind) \(part.rawValue)` is not a \(kind) rule")
        }
    }

    static func eap(_ identity: String, _ rule: NameMangler.EAPRule, mangler: String) throws(Failure) -> String {
        switch rule {
        case .all:
            return identity
        case .prefix(let delimiter):
            guard let index = identity.firstIndex(of: delimiter) else { return identity }
            return String(identity[..<index])
        case .suffix(let delimiter):
            guard let index = identity.firstIndex(of: delimiter) else { return identity }
            return String(identity[identity.index(after: index)...])
        case .dn(let field):
            guard let name = DistinguishedName(text: identity), let value = name.value(of: field) else {
                throw Failure(description: "name-mangler \(mangler): the EAP identity is not a DN with \(field.rawValue)")
            }
            return value
        }
    }
}

/// The relative distinguished names of an X.501 Name, most significant first.
struct DistinguishedName: Equatable {
    /// (attribute, value) pairs; attribute is a short name (CN, C, L, ST, O, OU, DC).
    var components: [(String, String)]

    static func == (lhs: DistinguishedName, rhs: DistinguishedName) -> Bool {
        lhs.components.elementsEqual(rhs.components) { $0 == $1 }
    }

    func value(of field: NameMangler.DNField) -> String? {
        let key: String
        switch field {
        case .commonName: key = "CN"
        case .country: key = "C"
        case .locality: key = "L"
        case .state: key = "ST"
        case .organization: key = "O"
        case .organizationUnit: key = "OU"
        case .domain:
            let parts = components.filter { $0.0 == "DC" }.map(\.1)
            return parts.isEmpty ? nil : parts.joined(separator: ".")
        }
        return components.first { $0.0 == key }?.1
    }

    /// `CN=a, O=b` or `/CN=a/O=b`.
    init?(text: String) {
        let separator: Character = text.hasPrefix("/") ? "/" : ","
        var parts: [(String, String)] = []
        for item in text.split(separator: separator) {
            let pair = item.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { return nil }
            parts.append((pair[0].trimmingCharacters(in: " ").uppercased(), pair[1].trimmingCharacters(in: " ")))
        }
        guard !parts.isEmpty else { return nil }
        components = parts
    }

    /// DER `Name ::= SEQUENCE OF RelativeDistinguishedName`, each a SET OF
    /// `SEQUENCE { type OID, value ANY }` (RFC 5280 §4.1.2.4).
    init?(der: [UInt8]) {
        var reader = DERReader(der)
        guard let name = reader.read(tag: 0x30) else { return nil }
        var sets = DERReader(name)
        var parts: [(String, String)] = []
        while !sets.isAtEnd {
            guard let set = sets.read(tag: 0x31) else { return nil }
            var pairs = DERReader(set)
            while !pairs.isAtEnd {
                guard let pair = pairs.read(tag: 0x30) else { return nil }
                var fields = DERReader(pair)
                guard let oid = fields.read(tag: 0x06), let (_, value) = fields.readAny() else { return nil }
                parts.append((Self.shortName(oid), String(decoding: value, as: UTF8.self)))
            }
        }
        components = parts
    }

    static func shortName(_ oid: [UInt8]) -> String {
        switch oid {
        case [0x55, 0x04, 0x03]: "CN"
        case [0x55, 0x04, 0x06]: "C"
        case [0x55, 0x04, 0x07]: "L"
        case [0x55, 0x04, 0x08]: "ST"
        case [0x55, 0x04, 0x0a]: "O"
        case [0x55, 0x04, 0x0b]: "OU"
        case [0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x19]: "DC"
        default: "OID:" + Hex.encode(oid)
        }
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: Character) -> String {
        String(drop { $0 == set }.reversed().drop { $0 == set }.reversed())
    }
}

/// Just enough DER for a Name: definite lengths up to 4 octets.
struct DERReader {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { offset >= bytes.count }

    mutating func read(tag: UInt8) -> [UInt8]? {
        guard let (found, value) = readAny(), found == tag else { return nil }
        return value
    }

    mutating func readAny() -> (UInt8, [UInt8])? {
        guard offset + 2 <= bytes.count else { return nil }
        let tag = bytes[offset]
        var length = Int(bytes[offset + 1])
        offset += 2
        if length & 0x80 != 0 {
            let count = length & 0x7f
            guard count >= 1, count <= 4, offset + count <= bytes.count else { return nil }
            length = bytes[offset..<(offset + count)].reduce(0) { $0 << 8 | Int($1) }
            offset += count
        }
        guard offset + length <= bytes.count else { return nil }
        let value = Array(bytes[offset..<(offset + length)])
        offset += length
        return (tag, value)
    }
}
