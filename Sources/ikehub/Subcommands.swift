import ArgumentParser

extension IKEHubCommand {
    /// Every `ikehub` subcommand, in the order `--help` lists them.
    static let registeredSubcommands: [any ParsableCommand.Type] = [
        ConfigCommand.self,
        LaunchCommand.self,
    ]
}
