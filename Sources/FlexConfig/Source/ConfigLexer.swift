/// One word of a command line: a keyword, an argument or a quoted string.
struct Word: Hashable, Sendable {
    /// The text, without surrounding quotes.
    var text: String
    /// 1-based column of the first character (the opening quote when quoted).
    var column: Int
    /// Byte offset of the first character in the line, for rest-of-line arguments.
    var offset: Int
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
    /// The line's UTF-8 bytes (without the line break).
    var bytes: ArraySlice<UInt8>
    var kind: Kind
    var words: [Word]
    /// The column just after the last character.
    var endColumn: Int

    var text: String { String(decoding: bytes, as: UTF8.self) }

    /// The raw text from byte `offset` to the end of the line, trailing blanks removed.
    func rawText(fromOffset offset: Int) -> String {
        let start = bytes.startIndex + max(0, min(bytes.count, offset))
        var end = bytes.endIndex
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}

/// Splits configuration text into lines and words, working on UTF-8 bytes (columns count
/// Unicode scalars). Indentation carries no meaning. Quotes: `"…"` groups words;
/// typographic quotes `“…”` (as found in documents copied from a PDF) are accepted with a warning.
enum ConfigLexer {
    private static let openingCurly: [UInt8] = [0xE2, 0x80, 0x9C]
    private static let closingCurly: [UInt8] = [0xE2, 0x80, 0x9D]

    static func lines(of text: String, file: String, log: inout DiagnosticLog) -> [SourceLine] {
        let all = Array(text.utf8)
        var result: [SourceLine] = []
        var number = 0
        var start = 0
        while start <= all.count {
            var end = start
            while end < all.count, all[end] != 0x0A { end += 1 }
            number += 1
            var lineEnd = end
            if lineEnd > start, all[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            result.append(lex(all[start..<lineEnd], number: number, file: file, log: &log))
            start = end + 1
        }
        return result
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0B || byte == 0x0C
    }

    private static func matches(_ bytes: ArraySlice<UInt8>, at index: Int, _ pattern: [UInt8]) -> Bool {
        guard index + pattern.count <= bytes.endIndex else { return false }
        for (offset, byte) in pattern.enumerated() where bytes[index + offset] != byte { return false }
        return true
    }

    private static func lex(_ bytes: ArraySlice<UInt8>, number: Int, file: String, log: inout DiagnosticLog) -> SourceLine {
        let ascii = bytes.allSatisfy { $0 < 0x80 }
        // Columns count scalars: every byte that does not continue a UTF-8 sequence.
        func column(_ index: Int) -> Int {
            if ascii { return index - bytes.startIndex + 1 }
            return bytes[bytes.startIndex..<index].reduce(1) { $1 & 0xC0 == 0x80 ? $0 : $0 + 1 }
        }
        let endColumn = column(bytes.endIndex)
        var index = bytes.startIndex
        while index < bytes.endIndex, isBlank(bytes[index]) { index += 1 }
        if index == bytes.endIndex {
            return SourceLine(number: number, bytes: bytes, kind: .blank, words: [], endColumn: endColumn)
        }
        if bytes[index] == UInt8(ascii: "!") {
            return SourceLine(number: number, bytes: bytes, kind: .bang, words: [], endColumn: endColumn)
        }
        var words: [Word] = []
        while index < bytes.endIndex {
            if isBlank(bytes[index]) { index += 1; continue }
            let start = index
            let straight = bytes[index] == 0x22
            let curly = !straight && matches(bytes, at: index, openingCurly)
            if straight || curly {
                let openingLength = straight ? 1 : 3
                var end = index + openingLength
                while end < bytes.endIndex, !(straight ? bytes[end] == 0x22 : matches(bytes, at: end, closingCurly)) { end += 1 }
                let location = SourceLocation(file: file, line: number, column: column(start))
                let text = String(decoding: bytes[(start + openingLength)..<end], as: UTF8.self)
                words.append(Word(text: text, column: column(start), offset: start - bytes.startIndex, quoted: true))
                if end == bytes.endIndex {
                    log.error(location, "unterminated quoted string: expected a closing \(straight ? "'\"'" : "'\u{201D}'")")
                    index = end
                    continue
                }
                if curly { log.warning(location, "typographic quotes '\u{201C}…\u{201D}' taken as '\"…\"'") }
                index = end + (straight ? 1 : 3)
                continue
            }
            while index < bytes.endIndex, !isBlank(bytes[index]) { index += 1 }
            words.append(Word(text: String(decoding: bytes[start..<index], as: UTF8.self), column: column(start),
                              offset: start - bytes.startIndex, quoted: false))
        }
        return SourceLine(number: number, bytes: bytes, kind: .command, words: words, endColumn: endColumn)
    }
}
