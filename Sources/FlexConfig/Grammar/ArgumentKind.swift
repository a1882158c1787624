import HubVocabulary

/// What an argument position accepts, and how it reads the word.
enum ArgumentKind: Hashable, Sendable {
    /// Any word (a name, a list name, a host name).
    case word
    /// A decimal integer in a closed range.
    case integer(ClosedRange<UInt64>)
    case ipv4
    /// A contiguous IPv4 netmask (`255.255.255.0`).
    case netmask
    case ipv6
    /// IPv4 or IPv6.
    case ipAddress
    /// `2001:db8::/32`.
    case ipv6Prefix
    /// An IP address or a host name.
    case host
    /// An interface name: `Virtual-Template1`, `virtual-template 1`, `g1`, `eth0`.
    case interface
    /// The rest of the line, verbatim.
    case text
    /// Banner text between a delimiter character and its next occurrence (may span lines).
    case delimited
    /// A key or password: never shown in diagnostics, kept as `SecretBytes`.
    case secret
    /// A file path (absolute, or an IOS file-system URL such as `bootflash:x.xml`).
    case path
    /// `ipc://…` or `tcp://…`.
    case endpoint
    /// A 40-character Z85 CURVE public key.
    case curveKey

    init?(specification: String) {
        switch specification {
        case "word": self = .word
        case "ipv4": self = .ipv4
        case "netmask": self = .netmask
        case "ipv6": self = .ipv6
        case "ip": self = .ipAddress
        case "ipv6prefix": self = .ipv6Prefix
        case "host": self = .host
        case "interface": self = .interface
        case "text": self = .text
        case "delimited": self = .delimited
        case "secret": self = .secret
        case "path": self = .path
        case "endpoint": self = .endpoint
        case "curvekey": self = .curveKey
        default:
            guard specification.hasPrefix("int("), specification.hasSuffix(")") else { return nil }
            let bounds = specification.dropFirst(4).dropLast().split(separator: "-")
            guard bounds.count == 2, let low = UInt64(bounds[0]), let high = UInt64(bounds[1]), low <= high else { return nil }
            self = .integer(low...high)
        }
    }

    /// How diagnostics name the expected argument: `<interval 10-3600>`.
    func expectation(named name: String) -> String {
        switch self {
        case .integer(let range): "<\(name) \(range.lowerBound)-\(range.upperBound)>"
        case .ipv4: "<\(name): IPv4 address>"
        case .netmask: "<\(name): IPv4 netmask>"
        case .ipv6: "<\(name): IPv6 address>"
        case .ipAddress: "<\(name): IP address>"
        case .ipv6Prefix: "<\(name): IPv6 prefix X:X::X/length>"
        case .host: "<\(name): address or host name>"
        case .interface: "<\(name): interface>"
        case .text, .delimited: "<\(name): text>"
        case .path: "<\(name): path>"
        case .endpoint: "<\(name): ipc:// or tcp:// endpoint>"
        case .curveKey: "<\(name): 40-character Z85 key>"
        case .word, .secret: "<\(name)>"
        }
    }

    /// Whether a word may be consumed here; `.rejected` carries why not, for the diagnostic.
    enum Reading {
        case accepted(ArgumentValue)
        case rejected(String)
    }

    /// Reads one word (rest-of-line and interface kinds are handled by the matcher).
    func read(_ word: Word) -> Reading {
        let text = word.text
        switch self {
        case .word:
            return text.isEmpty ? .rejected("an empty name") : .accepted(.word(text))
        case .secret:
            return text.isEmpty ? .rejected("an empty key") : .accepted(.secret(SecretBytes(Array(text.utf8))))
        case .integer(let range):
            guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
                return .rejected("'\(text)' is not a number")
            }
            guard text.utf8.count <= 19, let value = UInt64(text), range.contains(value) else {
                return .rejected("'\(text)' is out of range \(range.lowerBound)-\(range.upperBound)")
            }
            return .accepted(.integer(value))
        case .ipv4:
            guard let address = Self.parseIPv4(text) else { return .rejected("'\(text)' is not an IPv4 address") }
            return .accepted(.ipv4(address))
        case .netmask:
            guard let mask = Self.parseIPv4(text) else { return .rejected("'\(text)' is not an IPv4 netmask") }
            let inverted = ~mask.rawValue
            guard inverted & (inverted &+ 1) == 0 else { return .rejected("'\(text)' is not a contiguous netmask") }
            return .accepted(.ipv4(mask))
        case .ipv6:
            guard let address = IPv6Address(text) else { return .rejected("'\(text)' is not an IPv6 address") }
            return .accepted(.ipv6(address))
        case .ipAddress:
            guard let address = IPAddress(text) else { return .rejected("'\(text)' is not an IP address") }
            switch address {
            case .v4(let v4): return .accepted(.ipv4(v4))
            case .v6(let v6): return .accepted(.ipv6(v6))
            }
        case .ipv6Prefix:
            let parts = text.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, let address = IPv6Address(parts[0]),
                  parts[1].utf8.count <= 3, let length = UInt8(parts[1]), length <= 128 else {
                return .rejected("'\(text)' is not an IPv6 prefix (X:X::X/length)")
            }
            return .accepted(.ipv6Prefix(address, length))
        case .host:
            if let address = IPAddress(text) {
                switch address {
                case .v4(let v4): return .accepted(.ipv4(v4))
                case .v6(let v6): return .accepted(.ipv6(v6))
                }
            }
            let valid = !text.isEmpty && text.utf8.count <= 253 && text.utf8.allSatisfy {
                ($0 >= 97 && $0 <= 122) || ($0 >= 65 && $0 <= 90) || ($0 >= 48 && $0 <= 57) || $0 == 45 || $0 == 46 || $0 == 95
            }
            return valid ? .accepted(.word(text)) : .rejected("'\(text)' is neither an address nor a host name")
        case .path:
            let iosFileSystem = text.split(separator: ":", maxSplits: 1).count == 2 && !text.hasPrefix("/")
            guard text.hasPrefix("/") || iosFileSystem else {
                return .rejected("'\(text)' is not an absolute path")
            }
            return .accepted(.word(text))
        case .endpoint:
            guard (text.hasPrefix("ipc:///") && text.utf8.count > 7) || (text.hasPrefix("tcp://") && text.contains(":", after: 6)) else {
                return .rejected("'\(text)' is not an ipc:///path or tcp://host:port endpoint")
            }
            return .accepted(.word(text))
        case .curveKey:
            let alphabet = Set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#")
            guard text.count == 40, text.allSatisfy({ alphabet.contains($0) }) else {
                return .rejected("'\(text)' is not a 40-character Z85 key")
            }
            return .accepted(.word(text))
        case .interface, .text, .delimited:
            return .accepted(.word(text))
        }
    }
}

extension ArgumentKind {
    /// Dotted-quad IPv4 straight from the UTF-8 bytes (the hot path of large keyrings);
    /// same rules as `IPv4Address.init?(_:)`: four decimal parts of 1-3 digits, each ≤ 255.
    static func parseIPv4(_ text: String) -> IPv4Address? {
        var value: UInt32 = 0
        var part: UInt32 = 0
        var digits = 0
        var parts = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: ".") {
                guard digits > 0, parts < 3 else { return nil }
                value = value << 8 | part
                parts += 1
                part = 0
                digits = 0
            } else if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                digits += 1
                part = part * 10 + UInt32(byte - UInt8(ascii: "0"))
                guard digits <= 3, part <= 255 else { return nil }
            } else {
                return nil
            }
        }
        guard digits > 0, parts == 3 else { return nil }
        return IPv4Address(value << 8 | part)
    }
}

extension String {
    /// Whether `character` occurs after the first `offset` characters.
    fileprivate func contains(_ character: Character, after offset: Int) -> Bool {
        dropFirst(offset).contains(character)
    }
}

/// A value read from an argument position (or a keyword, recorded by its canonical spelling).
enum ArgumentValue: Equatable, Sendable {
    case keyword(String)
    case word(String)
    case integer(UInt64)
    case ipv4(IPv4Address)
    case ipv6(IPv6Address)
    case ipv6Prefix(IPv6Address, UInt8)
    case secret(SecretBytes)
}

/// One element of a matched command, in source order.
struct MatchedItem: Sendable {
    /// The canonical keyword, or the argument name of the grammar.
    var name: String
    var value: ArgumentValue
    var column: Int
    var isKeyword: Bool { if case .keyword = value { true } else { false } }
}
