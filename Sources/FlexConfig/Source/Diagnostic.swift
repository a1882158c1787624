/// A place in a configuration file: 1-based line and column (columns count characters).
public struct SourceLocation: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.file, lhs.line, lhs.column) < (rhs.file, rhs.line, rhs.column)
    }

    public var description: String { "\(file):\(line):\(column)" }
}

/// How serious a diagnostic is.
public enum DiagnosticSeverity: String, Hashable, Sendable {
    /// The configuration cannot be used as written.
    case error
    /// Understood, but ignored or changed on Linux; the configuration is still usable.
    case warning
}

/// One message about a configuration file. Its text names the place, quotes the
/// offending word and says what was expected; it never contains a secret.
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible {
    public var severity: DiagnosticSeverity
    public var location: SourceLocation
    public var message: String

    public init(_ severity: DiagnosticSeverity, at location: SourceLocation, _ message: String) {
        self.severity = severity
        self.location = location
        self.message = message
    }

    /// `file:line:column: error: message`, the form compilers use.
    public var description: String { "\(location): \(severity.rawValue): \(message)" }
}

/// Collects diagnostics in source order.
struct DiagnosticLog {
    private(set) var entries: [Diagnostic] = []

    mutating func error(_ location: SourceLocation, _ message: String) {
        entries.append(Diagnostic(.error, at: location, message))
    }

    mutating func warning(_ location: SourceLocation, _ message: String) {
        entries.append(Diagnostic(.warning, at: location, message))
    }

    mutating func append(contentsOf other: [Diagnostic]) { entries.append(contentsOf: other) }

    /// Stable order: by place, errors before warnings at the same place.
    var sorted: [Diagnostic] {
        entries.enumerated().sorted { a, b in
            if a.element.location != b.element.location { return a.element.location < b.element.location }
            return a.offset < b.offset
        }.map(\.element)
    }
}
