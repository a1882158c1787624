/// One word of a command line: a keyword, an argument or a quoted string.
struct Word: Hashable, Sendable {
    /// The text, without surrounding quotes.
    var text: String
    /// 1-based column of the first character (the opening quote when quoted).
    var column: Int
    /// Whether the word was written in quotes (`"ip mtu 1100"`).
    var quoted: Bool
}

/// One physical line of a configuration file, split into words.
struct SourceLine: Sendable {
    enum Kind: Sendable {
        /// Nothing but white space.
        case blank
        /// `!` or `! text`: a comment; in running-config it also closes a sub-mode.
        case bang
        /// A command.
        case command
    }

    var number: Int
    /// The characters of the line, for columns and rest-of-line arguments.
    var characters: [Character]
    var kind: Kind
    var words: [Word]

    /// The raw text from `column` (1-based) to the end of the line, trailing blanks removed.
    func rawText(fromColumn column: Int) -> String {
        let start = max(0, min(characters.count, column - 1))
        var end = characters.count
        while end > start, characters[end - 1] == " " || characters[end - 1] == "\t" { end -= 1 }
        return String(characters[start..<end])
    }
}

/// Splits configuration text into lines and words. Indentation carries no meaning.
/// Quotes: `"…"` groups words; typographic quotes `“…”` (as found in documents copied
/// from a PDF) are accepted with a warning.
enum ConfigLexer {
    static func lines(of text: String, file: String, log: inout DiagnosticLog) -> [SourceLine] {
        var result: [SourceLine] = []
        var number = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            var characters = Array(rawLine)
            if characters.last == "\r" { characters.removeLast() }
            result.append(lex(characters, number: number, file: file, log: &log))
        }
        return result
    }

    private static func isBlank(_ character: Character) -> Bool {
        character == " " || character == "\t" || character == "\u{0B}" || character == "\u{0C}"
    }

    private static func lex(_ characters: [Character], number: Int, file: String, log: inout DiagnosticLog) -> SourceLine {
        var index = 0
        while index < characters.count, isBlank(characters[index]) { index += 1 }
        if index == characters.count {
            return SourceLine(number: number, characters: characters, kind: .blank, words: [])
        }
        if characters[index] == "!" {
            return SourceLine(number: number, characters: characters, kind: .bang, words: [])
        }
        var words: [Word] = []
        while index < characters.count {
            if isBlank(characters[index]) { index += 1; continue }
            let start = index
            let opening = characters[index]
            if opening == "\"" || opening == "\u{201C}" {
                let closing: Character = opening == "\"" ? "\"" : "\u{201D}"
                var end = index + 1
                while end < characters.count, characters[end] != closing { end += 1 }
                let location = SourceLocation(file: file, line: number, column: start + 1)
                if end == characters.count {
                    log.error(location, "unterminated quoted string: expected a closing \(closing == "\"" ? "'\"'" : "'\u{201D}'")")
                    words.append(Word(text: String(characters[(start + 1)...]), column: start + 1, quoted: true))
                    index = end
                    continue
                }
                if opening != "\"" {
                    log.warning(location, "typographic quotes '\u{201C}…\u{201D}' taken as '\"…\"'")
                }
                words.append(Word(text: String(characters[(start + 1)..<end]), column: start + 1, quoted: true))
                index = end + 1
                continue
            }
            while index < characters.count, !isBlank(characters[index]) { index += 1 }
            words.append(Word(text: String(characters[start..<index]), column: start + 1, quoted: false))
        }
        return SourceLine(number: number, characters: characters, kind: .command, words: words)
    }
}
