/// A mode's commands compiled into one nondeterministic automaton, so that every
/// command is tried at once: a word abbreviates a keyword when it is a prefix of exactly
/// one keyword that any still-possible command accepts at that point (IOS's rule).
struct CommandMatcher: Sendable {
    private struct Edge: Sendable {
        enum Label: Sendable {
            case keyword(String)
            case argument(name: String, kind: ArgumentKind)
        }
        var label: Label
        var target: Int
    }

    private var epsilons: [[Int]] = []
    private var edges: [[Edge]] = []
    private var accepting: [Int?] = []
    private var start = 0
    /// The epsilon closure of the start state, computed once.
    private var startThreads: [Thread] = []

    init(commands: [Syntax]) {
        start = newState()
        for (index, syntax) in commands.enumerated() {
            let end = compile(syntax, from: start)
            accepting[end] = index
        }
        startThreads = closure([Thread(state: start, items: [], skip: 0, sawSecret: false)])
    }

    private mutating func newState() -> Int {
        epsilons.append([])
        edges.append([])
        accepting.append(nil)
        return epsilons.count - 1
    }

    private mutating func compile(_ syntax: Syntax, from state: Int) -> Int {
        switch syntax {
        case .keyword(let keyword):
            let target = newState()
            edges[state].append(Edge(label: .keyword(keyword), target: target))
            return target
        case .argument(let name, let kind):
            let target = newState()
            edges[state].append(Edge(label: .argument(name: name, kind: kind), target: target))
            return target
        case .sequence(let elements):
            var current = state
            for element in elements { current = compile(element, from: current) }
            return current
        case .optional(let inner):
            let entry = newState()
            epsilons[state].append(entry)
            let end = compile(inner, from: entry)
            epsilons[state].append(end)
            return end
        case .choice(let alternatives):
            let end = newState()
            for alternative in alternatives {
                let entry = newState()
                epsilons[state].append(entry)
                epsilons[compile(alternative, from: entry)].append(end)
            }
            return end
        case .oneOrMore(let inner):
            let loop = newState()
            epsilons[state].append(loop)
            let bodyEnd = compile(inner, from: loop)
            epsilons[bodyEnd].append(loop)
            let end = newState()
            epsilons[bodyEnd].append(end)
            return end
        }
    }

    // MARK: - Matching

    /// Why a line did not match, for the diagnostic.
    struct Failure: Sendable {
        /// Index of the offending word (== word count for an incomplete command).
        var wordIndex: Int
        var column: Int
        var message: String
    }

    enum Outcome: Sendable {
        case matched(command: Int, items: [MatchedItem])
        case failed(Failure)
    }

    private struct Thread {
        var state: Int
        var items: [MatchedItem]
        var skip: Int
        var sawSecret: Bool
    }

    private func closure(_ threads: [Thread]) -> [Thread] {
        // Thread sets are small after the first word, so a linear search beats hashing.
        var seen: [Int] = []
        var result: [Thread] = []
        var stack = threads.reversed() as [Thread]
        while let thread = stack.popLast() {
            let key = thread.state &* 4 &+ thread.skip
            guard !seen.contains(key) else { continue }
            seen.append(key)
            result.append(thread)
            if thread.skip == 0 {
                for target in epsilons[thread.state].reversed() {
                    var next = thread
                    next.state = target
                    stack.append(next)
                }
            }
        }
        return result
    }

    /// The keywords and argument descriptions the threads accept next.
    private func expectations(of threads: [Thread]) -> (keywords: [String], arguments: [String]) {
        var keywords = Set<String>()
        var arguments: [String] = []
        for thread in threads where thread.skip == 0 {
            for edge in edges[thread.state] {
                switch edge.label {
                case .keyword(let keyword): keywords.insert(keyword)
                case .argument(let name, let kind):
                    let text = kind.expectation(named: name)
                    if !arguments.contains(text) { arguments.append(text) }
                }
            }
        }
        return (keywords.sorted(), arguments)
    }

    static func list(_ keywords: [String], _ arguments: [String]) -> String {
        let all = keywords.map { "'\($0)'" } + arguments
        if all.isEmpty { return "the end of the command" }
        if all.count == 2, all[1] == "the end of the command" { return all[0] + " or the end of the command" }
        if all.count == 1 { return all[0] }
        return "one of " + all.joined(separator: ", ")
    }

    /// The first keywords of this mode's commands: "valid commands here".
    var firstKeywords: [String] { expectations(of: startThreads).keywords }

    /// Matches `line.words[from...]` against every command of the mode.
    /// With `exactFirstKeyword`, the command's first word must be written in full (used
    /// inside ignored blocks, whose own commands would otherwise abbreviate global ones).
    func match(_ line: SourceLine, from firstWord: Int, exactFirstKeyword: Bool = false) -> Outcome {
        let words = line.words
        var threads = startThreads
        var finished: [Thread] = []
        var index = firstWord
        while index < words.count {
            let word = words[index]
            var next: [Thread] = []
            let live = threads.filter { $0.skip == 0 }
            for var thread in threads where thread.skip > 0 {
                thread.skip -= 1
                next.append(thread)
            }
            let lowered = word.text.lowercased()
            var candidates: [String] = []
            for thread in live {
                for edge in edges[thread.state] {
                    if case .keyword(let keyword) = edge.label, !word.quoted, keyword.hasPrefix(lowered), !lowered.isEmpty,
                       !candidates.contains(keyword) {
                        candidates.append(keyword)
                    }
                }
            }
            let mayAbbreviate = !(exactFirstKeyword && index == firstWord)
            let resolved: String? = candidates.contains(lowered) ? lowered : (candidates.count == 1 && mayAbbreviate ? candidates.first : nil)
            var reasons: [String] = []
            if let keyword = resolved {
                for thread in live {
                    for edge in edges[thread.state] {
                        guard case .keyword(let candidate) = edge.label, candidate == keyword else { continue }
                        var advanced = thread
                        advanced.state = edge.target
                        advanced.items.append(MatchedItem(name: keyword, value: .keyword(keyword), column: word.column))
                        next.append(advanced)
                    }
                }
            } else {
                for thread in live {
                    for edge in edges[thread.state] {
                        guard case .argument(let name, let kind) = edge.label else { continue }
                        var advanced = thread
                        advanced.state = edge.target
                        switch kind {
                        case .text, .delimited:
                            advanced.items.append(MatchedItem(name: name, value: .word(line.rawText(fromOffset: word.offset)), column: word.column))
                            finished.append(advanced)
                        case .interface:
                            switch InterfaceName.read(word.text, next: index + 1 < words.count ? words[index + 1].text : nil) {
                            case .name(let canonical, let consumed):
                                advanced.items.append(MatchedItem(name: name, value: .word(canonical), column: word.column))
                                advanced.skip = consumed - 1
                                next.append(advanced)
                            case .rejected(let reason):
                                reasons.append(reason)
                            }
                        default:
                            switch kind.read(word) {
                            case .accepted(let value):
                                if case .secret = value { advanced.sawSecret = true }
                                advanced.items.append(MatchedItem(name: name, value: value, column: word.column))
                                next.append(advanced)
                            case .rejected(let reason):
                                reasons.append(reason)
                            }
                        }
                    }
                }
            }
            if next.isEmpty {
                if !finished.isEmpty { break }
                let redacted = threads.contains { $0.sawSecret }
                let quoted = redacted ? "<redacted>" : "'\(word.text)'"
                var (keywords, arguments) = expectations(of: live)
                if live.contains(where: { accepting[$0.state] != nil }), index > firstWord {
                    arguments.append("the end of the command")
                }
                let message: String
                if index == firstWord {
                    message = "unknown command \(quoted)"
                } else if candidates.count > 1 {
                    message = "ambiguous \(quoted): could be " + candidates.sorted().map { "'\($0)'" }.joined(separator: ", ")
                } else if keywords.isEmpty, arguments.count == 1, let reason = reasons.first, !redacted {
                    message = "\(reason); expected \(arguments[0])"
                } else {
                    message = "invalid input \(quoted); expected " + CommandMatcher.list(keywords, arguments)
                }
                return .failed(Failure(wordIndex: index, column: word.column, message: message))
            }
            threads = closure(next)
            index += 1
        }
        let complete = closure(threads).filter { $0.skip == 0 } + closure(finished)
        var best: (command: Int, items: [MatchedItem])?
        for thread in complete {
            guard let command = accepting[thread.state] else { continue }
            if let current = best, current.command <= command { continue }
            best = (command, thread.items)
        }
        if let best { return .matched(command: best.command, items: best.items) }
        let (keywords, arguments) = expectations(of: threads)
        let column = line.endColumn
        return .failed(Failure(wordIndex: words.count, column: column,
                               message: "incomplete command; expected " + CommandMatcher.list(keywords, arguments)))
    }
}
