extension FlexConfig {
    /// The derived configuration of a virtual-access: `template` with the `interface-config`
    /// commands of AAA authorization applied in order (seed: "AAA-Driven Virtual-Access
    /// Configuration"). Each command is read with the interface grammar; one that is
    /// malformed, or has no meaning on Linux, is reported and left out. Diagnostics name
    /// `source` and the command's position (line = index + 1).
    public static func applyInterfaceConfig(_ commands: [String], to template: Interface,
                                            source: String = "interface-config") -> (interface: Interface, diagnostics: [Diagnostic]) {
        var log = DiagnosticLog()
        // One command per line: a value with a line break would smuggle in a global command.
        let safe = commands.map { $0.contains("\n") || $0.contains("\r") ? "" : $0 }
        let text = "interface \(template.name)\(template.typeTunnel ? " type tunnel" : "")\n" + safe.map { " " + $0 }.joined(separator: "\n")
        let statements = ConfigParser.parse(text, file: source, log: &log)
        var builder = ModelBuilder(log: DiagnosticLog())
        builder.config.interfaces = [template]
        if let statement = statements.first, statement.id == .interface {
            builder.interface(statement)
        }
        let diagnostics = (log.sorted + builder.log.sorted).compactMap { diagnostic -> Diagnostic? in
            guard diagnostic.location.line > 1 else { return nil }
            var shifted = diagnostic
            shifted.location.line -= 1
            shifted.location.column = max(1, shifted.location.column - 1)
            return shifted
        }
        let derived = builder.config.interfaces.first { $0.name == template.name } ?? template
        let extraStatements = statements.dropFirst()
        var all = diagnostics
        for statement in extraStatements {
            var location = statement.location
            location.line -= 1
            all.append(Diagnostic(.error, at: location, "'\(statement.commandName)' is not an interface command"))
        }
        return (derived, all)
    }
}
