import ArgumentParser
import FlexConfig

#if canImport(Glibc)
import Glibc
#endif

/// `ikehub config check|show|diff`: the configuration tool.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Check, print or compare FlexVPN configuration files.",
        subcommands: [Check.self, Show.self, Diff.self]
    )

    /// Writes every diagnostic to standard error.
    static func report(_ result: FlexConfig.LoadResult) {
        for diagnostic in result.diagnostics { standardError(diagnostic.description) }
    }

    static func standardError(_ line: String) {
        let text = line + "\n"
        _ = text.withCString { write(2, $0, strlen($0)) }
    }

    /// `ikehub config check FILE`: exit 0 when the file has no errors (warnings allowed).
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Report every error and warning of FILE on standard error; exit 1 on errors.")
        @Argument(help: "The configuration file.") var file: String

        func run() throws {
            let result = FlexConfig.load(path: file)
            ConfigCommand.report(result)
            let errors = result.errors.count, warnings = result.warnings.count
            ConfigCommand.standardError("\(file): \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")")
            if result.hasErrors { throw ExitCode(1) }
        }
    }

    /// `ikehub config show FILE`: the canonical running-config text.
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print FILE as canonical running-config text (diagnostics on standard error).")
        @Argument(help: "The configuration file.") var file: String

        func run() throws {
            let result = FlexConfig.load(path: file)
            ConfigCommand.report(result)
            if result.hasErrors { throw ExitCode(1) }
            print(FlexConfig.show(result.configuration), terminator: "")
        }
    }

    /// `ikehub config diff OLD NEW`: what changed, and when each change takes effect.
    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the changes from OLD to NEW and whether each applies at once or to new sessions only.")
        @Argument(help: "The running configuration.") var old: String
        @Argument(help: "The configuration to load.") var new: String

        func run() throws {
            let before = FlexConfig.load(path: old), after = FlexConfig.load(path: new)
            ConfigCommand.report(before)
            ConfigCommand.report(after)
            if before.hasErrors || after.hasErrors { throw ExitCode(1) }
            let changes = ConfigurationDiff.changes(from: before.configuration, to: after.configuration)
            if changes.isEmpty { print("no changes") }
            for change in changes { print(change.description) }
        }
    }
}
