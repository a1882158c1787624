/// Interface names as IOS accepts them: a type abbreviated to a unique prefix, then the
/// number, in one word or two (`Virtual-Template1`, `virtual-template 1`, `g1`).
/// A Linux interface name (`eth0`, `ens3`) is kept as written.
enum InterfaceName {
    /// IOS interface types, canonical spelling.
    static let iosTypes = [
        "Virtual-Template", "Virtual-Access", "Loopback", "Tunnel", "Ethernet", "FastEthernet",
        "GigabitEthernet", "TenGigabitEthernet", "Port-channel", "Vlan", "Serial", "Dialer", "Null",
    ]
    /// Linux naming prefixes that must not be read as IOS abbreviations (`eth0` is not `Ethernet0`).
    static let linuxPrefixes: Set<String> = [
        "eth", "ens", "enp", "eno", "enx", "wlan", "wlp", "br", "bond", "veth", "wg", "tap", "dummy",
        "ppp", "virbr", "docker", "xfrm", "ip_vti", "vti",
    ]

    enum Reading {
        case name(String, wordsConsumed: Int)
        case rejected(String)
    }

    static func read(_ word: String, next: String?) -> Reading {
        let characters = Array(word)
        var split = 0
        while split < characters.count, characters[split].isLetter || characters[split] == "-" || characters[split] == "_" { split += 1 }
        let typePart = String(characters[..<split])
        var numberPart = String(characters[split...])
        var consumed = 1
        guard !typePart.isEmpty else { return .rejected("'\(word)' is not an interface name") }
        if linuxPrefixes.contains(typePart) {
            return isValidLinuxName(word) ? .name(word, wordsConsumed: 1) : .rejected("'\(word)' is not an interface name")
        }
        let lowered = typePart.lowercased()
        let matches = iosTypes.filter { $0.lowercased().hasPrefix(lowered) }
        let exact = iosTypes.first { $0.lowercased() == lowered }
        guard let type = exact ?? (matches.count == 1 ? matches[0] : nil) else {
            if matches.count > 1 {
                return .rejected("ambiguous interface type '\(typePart)': could be \(matches.joined(separator: ", "))")
            }
            return isValidLinuxName(word) ? .name(word, wordsConsumed: 1) : .rejected("'\(word)' is not an interface name")
        }
        if numberPart.isEmpty, let next, next.first?.isNumber == true {
            numberPart = next
            consumed = 2
        }
        guard isValidNumber(numberPart) else {
            return .rejected("interface '\(type)' needs a number such as \(type)1, found '\(numberPart.isEmpty ? word : numberPart)'")
        }
        return .name(type + numberPart, wordsConsumed: consumed)
    }

    private static func isValidNumber(_ text: String) -> Bool {
        guard let first = text.first, first.isNumber, text.count <= 16 else { return false }
        return text.allSatisfy { $0.isASCII && ($0.isNumber || $0 == "/" || $0 == "." || $0 == ":") }
    }

    /// IFNAMSIZ is 16 including the terminator.
    private static func isValidLinuxName(_ text: String) -> Bool {
        text.utf8.count <= 15 && !text.isEmpty
            && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") }
    }

    /// The IOS type of a canonical name (`Virtual-Template1` → `Virtual-Template`), if any.
    static func iosType(of name: String) -> String? {
        iosTypes.first { name.hasPrefix($0) && name.dropFirst($0.count).first?.isNumber == true }
    }
}
