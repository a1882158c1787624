/// FlexConfig: the FlexVPN (IOS) configuration language — lexer, declarative grammar,
/// typed model with IOS defaults, diagnostics with file:line:column, canonical printing.
public enum FlexConfig {
    /// The outcome of reading a configuration: the model (best effort even with errors)
    /// and every diagnostic, in source order.
    public struct LoadResult: Sendable {
        public var configuration: FlexConfiguration
        public var diagnostics: [Diagnostic]
        public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
        public var warnings: [Diagnostic] { diagnostics.filter { $0.severity == .warning } }
        public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
    }

    /// Parses `text`; `file` names it in diagnostics.
    public static func load(text: String, file: String) -> LoadResult {
        var log = DiagnosticLog()
        let statements = ConfigParser.parse(text, file: file, log: &log)
        var builder = ModelBuilder(log: log)
        let configuration = builder.build(statements)
        return LoadResult(configuration: configuration, diagnostics: builder.log.sorted)
    }

    /// Reads and parses the file at `path`.
    public static func load(path: String) -> LoadResult {
        switch TextFile.read(path) {
        case .success(let text):
            return load(text: text, file: path)
        case .failure(let error):
            let diagnostic = Diagnostic(.error, at: SourceLocation(file: path, line: 0, column: 0), error.description)
            return LoadResult(configuration: FlexConfiguration(), diagnostics: [diagnostic])
        }
    }

    /// Canonical running-config text; `load(text: show(c)).configuration == c`.
    public static func show(_ configuration: FlexConfiguration) -> String {
        ConfigPrinter.show(configuration)
    }
}
