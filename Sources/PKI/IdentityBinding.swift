public import HubVocabulary

/// The rule binding an IKE identity (IDi or IDr) to the certificate that authenticates
/// it (RFC 4945 §3.1, RFC 7296 §3.5), as strongSwan applies it:
///
/// - ID_DER_ASN1_DN: equal to the subject DN (same DER, or equal after RFC 5280 §7.1
///   name comparison: case-folded, whitespace-collapsed).
/// - ID_FQDN: equal, ignoring case and a trailing dot, to a dNSName subjectAltName.
/// - ID_RFC822_ADDR: equal to an rfc822Name subjectAltName (the domain part ignoring case).
/// - ID_IPV4_ADDR / ID_IPV6_ADDR: the same octets as an iPAddress subjectAltName.
/// - Anything else (ID_KEY_ID, …) cannot be bound to a certificate.
///
/// The subject's commonName never stands in for a missing subjectAltName.
public enum IdentityBinding {
    public static func check(_ identity: PeerIdentity, boundTo certificate: Certificate) throws(PKIError) {
        let subject = certificate.subject.rfc4514
        let names = certificate.subjectAlternativeNames
        switch identity.kind {
        case .derASN1DN:
            let name: DistinguishedName
            do {
                name = try DistinguishedName(der: identity.data)
            } catch {
                throw PKIError.reject(.identityMismatch, subject, "ID_DER_ASN1_DN does not decode as a Name")
            }
            guard name.matches(certificate.subject) else {
                throw PKIError.reject(.identityMismatch, subject, "ID_DER_ASN1_DN \"\(name.rfc4514)\" is not the subject")
            }
        case .fqdn:
            let wanted = normalisedHost(String(decoding: identity.data, as: UTF8.self))
            guard names.contains(where: { if case .dns(let name) = $0 { normalisedHost(name) == wanted } else { false } }) else {
                throw mismatch(subject, "ID_FQDN \(wanted)", kind: "dNSName", names)
            }
        case .rfc822Address:
            let wanted = normalisedEmail(String(decoding: identity.data, as: UTF8.self))
            guard names.contains(where: { if case .email(let name) = $0 { normalisedEmail(name) == wanted } else { false } }) else {
                throw mismatch(subject, "ID_RFC822_ADDR \(wanted)", kind: "rfc822Name", names)
            }
        case .ipv4Address, .ipv6Address:
            guard names.contains(where: { if case .ipAddress(let octets) = $0 { octets == identity.data } else { false } }) else {
                throw mismatch(subject, "ID_IPV\(identity.kind == .ipv4Address ? 4 : 6)_ADDR \(identity)", kind: "iPAddress", names)
            }
        default:
            throw PKIError.reject(.identityMismatch, subject, "identity type \(identity.kind.rawValue) cannot be bound to a certificate")
        }
    }

    private static func mismatch(_ subject: String, _ what: String, kind: String, _ names: [SubjectAlternativeName]) -> PKIError {
        let present = names.map(\.description).joined(separator: ", ")
        return PKIError.reject(.identityMismatch, subject,
                               "\(what) is not a \(kind) subjectAltName (certificate has: \(present.isEmpty ? "none" : present))")
    }

    private static func normalisedHost(_ name: String) -> String {
        let lower = name.lowercased()
        return lower.hasSuffix(".") ? String(lower.dropLast()) : lower
    }

    private static func normalisedEmail(_ address: String) -> String {
        guard let at = address.lastIndex(of: "@") else { return address }
        return address[..<at] + address[at...].lowercased()
    }
}
