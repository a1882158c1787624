/// The shape of one command, written in the IOS documentation's own notation:
/// `keyword`, `<name:kind>`, `[optional]`, `{ choice | choice }` and `element...`
/// (one or more). Example: `dpd <interval:int(10-3600)> <retry:int(2-60)> { on-demand | periodic }`.
///
/// Abbreviation, "valid choices" diagnostics and the expected-argument wording all come
/// from this one description (see `CommandMatcher`).
indirect enum Syntax: Sendable {
    case keyword(String)
    case argument(name: String, kind: ArgumentKind)
    case sequence([Syntax])
    case optional(Syntax)
    case choice([Syntax])
    case oneOrMore(Syntax)

    /// Parses the notation. The specifications are constants of this module, so a
    /// malformed one is a programming error caught by `GrammarTests`.
    init(_ specification: String) {
        var tokens = Syntax.tokens(of: specification)[...]
        self = Syntax.parseSequence(&tokens, terminators: [])
        precondition(tokens.isEmpty, "grammar: trailing tokens in '\(specification)'")
    }

    private static func tokens(of text: String) -> [String] {
        var result: [String] = []
        var current = ""
        var insideArgument = false
        let characters = Array(text)
        var index = 0
        func flush() {
            if !current.isEmpty { result.append(current); current = "" }
        }
        while index < characters.count {
            let character = characters[index]
            if insideArgument {
                current.append(character)
                if character == ">" { insideArgument = false }
            } else if character == "<" {
                flush()
                current.append(character)
                insideArgument = true
            } else if character == " " {
                flush()
            } else if "[]{}|".contains(character) {
                flush()
                result.append(String(character))
            } else if character == ".", index + 2 < characters.count, characters[index + 1] == ".", characters[index + 2] == "." {
                flush()
                result.append("...")
                index += 2
            } else {
                current.append(character)
            }
            index += 1
        }
        flush()
        return result
    }

    private static func parseSequence(_ tokens: inout ArraySlice<String>, terminators: Set<String>) -> Syntax {
        var elements: [Syntax] = []
        while let token = tokens.first, !terminators.contains(token) {
            tokens.removeFirst()
            var element: Syntax
            switch token {
            case "[":
                element = .optional(parseSequence(&tokens, terminators: ["]"]))
                precondition(tokens.popFirst() == "]", "grammar: missing ]")
            case "{":
                var alternatives: [Syntax] = []
                while true {
                    alternatives.append(parseSequence(&tokens, terminators: ["|", "}"]))
                    let separator = tokens.popFirst()
                    if separator == "}" { break }
                    precondition(separator == "|", "grammar: missing }")
                }
                element = .choice(alternatives)
            default:
                element = token.hasPrefix("<") ? parseArgument(token) : .keyword(token)
            }
            if tokens.first == "..." {
                tokens.removeFirst()
                element = .oneOrMore(element)
            }
            elements.append(element)
        }
        return elements.count == 1 ? elements[0] : .sequence(elements)
    }

    private static func parseArgument(_ token: String) -> Syntax {
        let inner = token.dropFirst().dropLast()
        let parts = inner.split(separator: ":", maxSplits: 1).map(String.init)
        precondition(parts.count == 2, "grammar: argument '\(token)' needs name:kind")
        guard let kind = ArgumentKind(specification: parts[1]) else {
            preconditionFailure("grammar: unknown argument kind in '\(token)'")
        }
        return .argument(name: parts[0], kind: kind)
    }
}
