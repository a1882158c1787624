import HubVocabulary
import RADIUS

/// RADIUS reply attributes → the canonical session attributes (HubVocabulary
/// `AuthorizationAttribute`), as the seed's tables 2 and 3 name them: IETF attributes by
/// dictionary name, Cisco AV pairs (`cisco-avpair = "protocol:attribute=value"`, `*` for
/// optional pairs) by their attribute. Keys (`ipsec:ikev2-password-*`, Tunnel-Password,
/// MPPE keys) are never translated: they stay in the plugin.
enum RadiusReplyTranslation {
    /// AV pair attribute names that the seed spells two ways.
    static let aliases: [String: AuthorizationAttribute] = [
        "ipsec:backup-gateway": .backupGateway,
        "ipsec:ipv6-dns-servers": .ipv6DNSServers,
    ]

    /// The canonical attributes of `reply`, in reply order; unknown or invalid ones are
    /// left out and reported in `skipped` (for a log line; values are not included).
    static func sessionAttributes(_ reply: [RadiusAttribute]) -> (attributes: [SessionAttribute], skipped: [String]) {
        var result: [SessionAttribute] = []
        var skipped: [String] = []
        func add(_ attribute: AuthorizationAttribute, _ value: String) {
            if let problem = attribute.problem(with: value) {
                skipped.append("\(attribute.rawValue): \(problem)")
            } else {
                result.append(SessionAttribute(attribute, value))
            }
        }
        for attribute in reply {
            switch (attribute.vendor, attribute.type, attribute.value) {
            case (0, RadiusAttributeType.userName, .bytes(let bytes)):
                add(.userName, String(decoding: bytes, as: UTF8.self))
            case (0, RadiusAttributeType.framedIPAddress, .ipv4(let address)):
                add(.framedIPAddress, "\(address)")
            case (0, RadiusAttributeType.framedIPNetmask, .ipv4(let address)):
                add(.framedIPNetmask, "\(address)")
            case (0, RadiusAttributeType.framedPool, .bytes(let bytes)):
                add(.addressPool, String(decoding: bytes, as: UTF8.self))
            case (0, RadiusAttributeType.class, .bytes(let bytes)):
                add(.class, Hex.encode(bytes))
            case (0, RadiusAttributeType.sessionTimeout, .integer(let seconds)):
                add(.sessionTimeout, "\(seconds)")
            case (0, 28, .integer(let seconds)):
                add(.idleTimeout, "\(seconds)")
            case (0, 85, .integer(let seconds)):
                add(.acctInterimInterval, "\(seconds)")
            case (0, 97, .bytes(let bytes)) where bytes.count >= 2 && bytes.count <= 18:
                // RFC 3162 §2.3: Reserved(1), Prefix-Length(1), Prefix (up to 16).
                let prefix = Array(bytes[2...]) + [UInt8](repeating: 0, count: 16 - (bytes.count - 2))
                if let address = IPv6Address(bytes: prefix) { add(.framedIPv6Prefix, "\(address)/\(bytes[1])") }
            case (RadiusVendor.cisco, 1, .bytes(let bytes)):
                guard let (name, value) = avPair(String(decoding: bytes, as: UTF8.self)) else {
                    skipped.append("cisco-avpair without '=' or '*'")
                    continue
                }
                if name.hasPrefix("ipsec:ikev2-password") { continue }
                guard let canonical = AuthorizationAttribute(rawValue: name) ?? aliases[name] else {
                    skipped.append("cisco-avpair \(name) (not an IKEv2 authorization attribute)")
                    continue
                }
                add(canonical, normalised(value, for: canonical))
            default:
                continue
            }
        }
        return (result, skipped)
    }

    /// `protocol:attribute=value` or `protocol:attribute*value` (optional) → (name, value).
    static func avPair(_ text: String) -> (String, String)? {
        guard let separator = text.firstIndex(where: { $0 == "=" || $0 == "*" }) else { return nil }
        return (String(text[..<separator]), String(text[text.index(after: separator)...]))
    }

    /// Flags as 1/0; address lists with single spaces (RADIUS servers write commas too).
    static func normalised(_ value: String, for attribute: AuthorizationAttribute) -> String {
        switch attribute.syntax {
        case .flag:
            switch value.lowercased() {
            case "1", "true", "yes", "enable", "on": return "1"
            case "0", "false", "no", "disable", "off": return "0"
            default: return value
            }
        case .ipv4AddressList, .ipv6AddressList:
            return value.split(whereSeparator: { $0 == " " || $0 == "," }).joined(separator: " ")
        default:
            return value
        }
    }
}
