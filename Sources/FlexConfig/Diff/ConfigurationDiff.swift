/// One difference between two configurations, with when it takes effect.
public struct ConfigurationChange: Sendable, Equatable, CustomStringConvertible {
    /// What happened to the object.
    public enum Kind: String, Sendable {
        case added, removed, modified
    }
    /// When a change reaches the sessions (DESIGN.md §6: a reload never drops sessions,
    /// and a virtual-access keeps the configuration it was cloned with).
    public enum Effect: String, Sendable {
        case immediately = "applies immediately"
        case newSessions = "applies to new sessions only; established sessions keep their settings"
        case restart = "needs a restart of ikehub"
    }
    public var kind: Kind
    /// The object's canonical command (`crypto ikev2 profile P1`).
    public var object: String
    public var effect: Effect
    /// `- old line` / `+ new line`, secrets redacted.
    public var lines: [String]

    public var description: String {
        ([("\(kind.rawValue): \(object) (\(effect.rawValue))")] + lines.map { "    " + $0 }).joined(separator: "\n")
    }
}

/// Compares two configurations object by object, using their canonical text.
public enum ConfigurationDiff {
    private struct Block {
        var full: [String] = []
        var shown: [String] = []
    }

    public static func changes(from old: FlexConfiguration, to new: FlexConfiguration) -> [ConfigurationChange] {
        let (oldBlocks, oldOrder) = blocks(of: old)
        let (newBlocks, newOrder) = blocks(of: new)
        var result: [ConfigurationChange] = []
        for key in oldOrder where newBlocks[key] == nil {
            let block = oldBlocks[key] ?? Block()
            result.append(ConfigurationChange(kind: .removed, object: key, effect: effect(of: key, changed: block.shown),
                                              lines: block.shown.map { "- " + $0 }))
        }
        for key in newOrder {
            let after = newBlocks[key] ?? Block()
            guard let before = oldBlocks[key] else {
                result.append(ConfigurationChange(kind: .added, object: key, effect: effect(of: key, changed: after.shown),
                                                  lines: after.shown.map { "+ " + $0 }))
                continue
            }
            guard before.full != after.full else { continue }
            var lines = before.shown.filter { !after.shown.contains($0) }.map { "- " + $0 }
                + after.shown.filter { !before.shown.contains($0) }.map { "+ " + $0 }
            if lines.isEmpty { lines = ["  (a key or password changed)"] }
            let changed = lines.map { String($0.dropFirst(2)) }
            result.append(ConfigurationChange(kind: .modified, object: key, effect: effect(of: key, changed: changed), lines: lines))
        }
        return result
    }

    /// Splits the canonical text into top-level blocks, keyed by command and object name.
    private static func blocks(of configuration: FlexConfiguration) -> ([String: Block], [String]) {
        let full = ConfigPrinter.show(configuration).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let shown = ConfigPrinter.show(configuration, redactingSecrets: true).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var log = DiagnosticLog()
        let statements = ConfigParser.parse(full.joined(separator: "\n"), file: "", log: &log)
        var blocks: [String: Block] = [:]
        var order: [String] = []
        let starts = statements.map { $0.location.line - 1 } + [full.count]
        for (index, statement) in statements.enumerated() {
            let key = objectKey(statement)
            if blocks[key] == nil { order.append(key) }
            for lineIndex in starts[index]..<starts[index + 1] where lineIndex < shown.count {
                let text = full[lineIndex].trimmingBlanks()
                guard !text.isEmpty, text != "!" else { continue }
                blocks[key, default: Block()].full.append(full[lineIndex])
                blocks[key, default: Block()].shown.append(shown[lineIndex].trimmingBlanks())
            }
        }
        return (blocks, order)
    }

    /// The leading keywords and, when it is a name, the first argument.
    private static func objectKey(_ statement: Statement) -> String {
        var words: [String] = statement.negated ? ["no"] : []
        for item in statement.items {
            if item.isKeyword { words.append(item.name); continue }
            if case .word(let name) = item.value { words.append(name) }
            break
        }
        return words.joined(separator: " ")
    }

    private static func effect(of key: String, changed lines: [String]) -> ConfigurationChange.Effect {
        if key == "ikehub" {
            return lines.allSatisfy { $0.hasPrefix("ipc worker-key") || $0 == "ikehub" } ? .immediately : .restart
        }
        let immediate = ["aaa new-model", "aaa authentication", "aaa authorization", "aaa accounting", "aaa group", "aaa server",
                         "radius", "username", "ip access-list", "ipv6 access-list", "access-list", "hostname",
                         "crypto ikev2 cookie-challenge", "crypto ikev2 limit", "no crypto ikev2 http-url"]
        return immediate.contains { key.hasPrefix($0) } ? .immediately : .newSessions
    }
}
