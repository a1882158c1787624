/// Turns configuration text into statements: finds each line's mode (indentation is not
/// significant: a line that is not a command of the current sub-mode leaves it for the
/// enclosing mode that accepts it), applies `exit`, `end`, `!` and `no`, and reports
/// every line that is not a command, then carries on.
struct ConfigParser {
    private struct Frame {
        var mode: ConfigMode
        var statement: Statement?
        /// An ignored block opened after an error, whose lines are dropped without more errors.
        var recovering = false
    }

    private let file: String
    private var lines: [SourceLine]
    private var index = 0
    private var stack: [Frame] = [Frame(mode: .global)]
    private var roots: [Statement] = []
    private var log: DiagnosticLog

    private init(file: String, lines: [SourceLine], log: DiagnosticLog) {
        self.file = file
        self.lines = lines
        self.log = log
    }

    static func parse(_ text: String, file: String, log: inout DiagnosticLog) -> [Statement] {
        let lines = ConfigLexer.lines(of: text, file: file, log: &log)
        var parser = ConfigParser(file: file, lines: lines, log: log)
        parser.run()
        log = parser.log
        return parser.roots
    }

    private mutating func run() {
        while index < lines.count {
            let line = lines[index]
            index += 1
            switch line.kind {
            case .blank: continue
            case .bang: pop(to: max(1, stack.count - 1))
            case .command: handle(line)
            }
        }
        pop(to: 1)
    }

    private mutating func pop(to depth: Int) {
        while stack.count > depth, let frame = stack.popLast() {
            if let statement = frame.statement { append(statement) }
        }
    }

    private mutating func append(_ statement: Statement) {
        if stack.count > 1, stack[stack.count - 1].statement != nil {
            stack[stack.count - 1].statement?.children.append(statement)
        } else {
            roots.append(statement)
        }
    }

    private func location(_ line: SourceLine, column: Int) -> SourceLocation {
        SourceLocation(file: file, line: line.number, column: column)
    }

    private mutating func handle(_ line: SourceLine) {
        let first = line.words[0].text.lowercased()
        if line.words.count == 1, first == "exit" {
            pop(to: max(1, stack.count - 1))
            return
        }
        if line.words.count == 1, first == "end" {
            pop(to: 1)
            return
        }
        let negated = first == "no" && !line.words[0].quoted
        let firstWord = negated ? 1 : 0
        if negated, line.words.count == 1 {
            log.error(location(line, column: line.endColumn), "incomplete command; expected a command after 'no'")
            return
        }

        // Innermost mode first; an ignored block tries its enclosing modes first.
        var order = Array(stack.indices.reversed())
        let inIgnoredBlock = stack.last?.mode == .ignoredBlock
        if inIgnoredBlock { order.removeFirst() }
        var best: (frame: Int, failure: CommandMatcher.Failure)?
        for frameIndex in order {
            let table = CommandTable.of(stack[frameIndex].mode)
            switch table.matcher.match(line, from: firstWord, exactFirstKeyword: inIgnoredBlock) {
            case .matched(let command, let items):
                pop(to: frameIndex + 1)
                accept(table.commands[command], items: items, negated: negated, line: line)
                return
            case .failed(let failure):
                if let current = best, current.failure.wordIndex >= failure.wordIndex { continue }
                best = (frameIndex, failure)
            }
        }
        guard let best else { return }
        // Inside an ignored block only a line that is recognisably a global command
        // (two keywords matched) is reported; everything else belongs to the block.
        if inIgnoredBlock, best.failure.wordIndex < firstWord + 2 { return }
        let mode = stack[best.frame].mode
        var message = best.failure.message
        if best.failure.wordIndex == firstWord {
            let choices = CommandTable.of(mode).matcher.firstKeywords.map { "'\($0)'" }
            let extra = mode == .global ? "" : ", 'exit'"
            message += " in \(mode.rawValue) mode; expected one of " + choices.joined(separator: ", ") + extra
        }
        log.error(location(line, column: best.failure.column), message)
        if best.frame == 0, best.failure.wordIndex > firstWord {
            // A broken global command: its sub-mode lines would only repeat the error.
            pop(to: 1)
            stack.append(Frame(mode: .ignoredBlock, statement: nil, recovering: true))
        }
    }

    private mutating func accept(_ spec: CommandSpec, items: [MatchedItem], negated: Bool, line: SourceLine) {
        var items = items
        let start = location(line, column: line.words[0].column)
        if spec.id == .policyBanner, let bannerIndex = items.firstIndex(where: { $0.name == "text" }),
           case .word(let raw) = items[bannerIndex].value {
            guard let text = readBanner(raw, line: line, column: items[bannerIndex].column) else { return }
            items[bannerIndex].value = .word(text)
        }
        let statement = Statement(spec: spec, negated: negated, items: items, location: start)
        let name = (negated ? "no " : "") + statement.commandName
        switch spec.linux {
        case .supported:
            break
        case .ignored(let reason):
            log.warning(start, "'\(name)' is not supported on Linux (\(reason)); ignored")
        case .initiatorOnly:
            log.warning(start, "'\(name)' configures an IKEv2 initiator, and IKEHub is a responder only; ignored")
        }
        if let mode = spec.enters, !negated {
            stack.append(Frame(mode: mode, statement: statement))
        } else {
            append(statement)
        }
    }

    /// Banner text: after a delimiter character (IOS shows Ctrl-C as `^C`) up to its next
    /// occurrence, possibly on a later line; without a delimiter, the rest of the line.
    private mutating func readBanner(_ raw: String, line: SourceLine, column: Int) -> String? {
        let delimiter: String
        if raw.hasPrefix("^C") {
            delimiter = "^C"
        } else if let first = raw.first, !first.isLetter, !first.isNumber {
            delimiter = String(first)
        } else {
            return raw
        }
        var text = String(raw.dropFirst(delimiter.count))
        while true {
            if let range = text.range(of: delimiter) {
                let trailing = text[range.upperBound...].trimmingBlanks()
                if !trailing.isEmpty {
                    log.warning(location(line, column: column), "text after the closing banner delimiter '\(delimiter)' is ignored")
                }
                return String(text[..<range.lowerBound])
            }
            guard index < lines.count else {
                log.error(location(line, column: column), "banner delimiter '\(delimiter)' is never closed")
                return nil
            }
            text += "\n" + lines[index].text
            index += 1
        }
    }
}

extension StringProtocol {
    /// The text without leading and trailing blanks.
    func trimmingBlanks() -> String {
        var characters = Substring(self)
        while let first = characters.first, first == " " || first == "\t" { characters.removeFirst() }
        while let last = characters.last, last == " " || last == "\t" { characters.removeLast() }
        return String(characters)
    }

    /// The first occurrence of `needle`.
    func range(of needle: String) -> Range<Index>? {
        guard !needle.isEmpty else { return nil }
        var start = startIndex
        while start < endIndex {
            if self[start...].hasPrefix(needle) {
                return start..<(index(start, offsetBy: needle.count))
            }
            start = index(after: start)
        }
        return nil
    }
}
