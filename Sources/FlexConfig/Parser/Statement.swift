/// One parsed command, with the sub-mode commands it contains.
struct Statement: Sendable {
    let spec: CommandSpec
    /// Written with a leading `no`.
    let negated: Bool
    let items: [MatchedItem]
    /// Where the command starts (its first word).
    let location: SourceLocation
    var children: [Statement] = []

    var id: CommandID { spec.id }

    // MARK: - Reading the matched items

    /// Whether keyword `keyword` was written (in its canonical spelling).
    func has(_ keyword: String) -> Bool { items.contains { $0.isKeyword && $0.name == keyword } }

    func item(_ name: String) -> MatchedItem? { items.first { !$0.isKeyword && $0.name == name } }

    func word(_ name: String) -> String? {
        if case .word(let text)? = item(name)?.value { return text }
        return nil
    }

    func integer(_ name: String) -> UInt64? {
        if case .integer(let value)? = item(name)?.value { return value }
        return nil
    }

    func location(of name: String) -> SourceLocation {
        guard let item = items.first(where: { !$0.isKeyword && $0.name == name }) ?? items.first(where: { $0.name == name }) else {
            return location
        }
        return SourceLocation(file: location.file, line: location.line, column: item.column)
    }

    /// The command's name for messages: its leading keywords (`ip vrf forwarding`).
    var commandName: String {
        items.prefix { $0.isKeyword }.map(\.name).joined(separator: " ")
    }
}
