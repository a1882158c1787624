public import FlexConfig

/// The `dn` part of `crypto ikev2 name-mangler`: the AAA user name taken from one field
/// of the peer's subject DN (for `aaa authorization user|group cert list … name-mangler`).
///
/// - `common-name` CN, `country` C, `locality` L, `organization` O,
///   `organization-unit` OU, `state` ST: the most specific value (the first in RFC 4514
///   order) when the field occurs more than once.
/// - `domain`: the domainComponent (DC) values joined with `.` in RFC 4514 order
///   (`DC=eng,DC=example,DC=com` → `eng.example.com`); without DC, the domain part of
///   the subject's emailAddress.
public enum DistinguishedNameMangler {
    public static func name(from subject: DistinguishedName, field: NameMangler.DNField) throws(PKIError) -> String {
        let key: String
        switch field {
        case .commonName: key = "CN"
        case .country: key = "C"
        case .locality: key = "L"
        case .organization: key = "O"
        case .organizationUnit: key = "OU"
        case .state: key = "ST"
        case .domain:
            let components = subject.values(of: "DC")
            if !components.isEmpty { return components.joined(separator: ".") }
            if let email = subject.values(of: "emailAddress").first, let at = email.lastIndex(of: "@") {
                return String(email[email.index(after: at)...])
            }
            throw .configuration("name-mangler dn domain: subject \"\(subject.rfc4514)\" has no DC and no emailAddress")
        }
        guard let value = subject.values(of: key).first, !value.isEmpty else {
            throw .configuration("name-mangler dn \(field.rawValue): subject \"\(subject.rfc4514)\" has no \(key)")
        }
        return value
    }
}
