import ArgumentParser

/// `ikehub`: the embedded launcher and the operator's configuration tool.
/// Each subcommand lives in its own file (`<Name>Command.swift`).
@main
struct IKEHubCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ikehub",
        abstract: "IKEv2 remote-access VPN headend (FlexVPN configuration language).",
        subcommands: IKEHubCommand.registeredSubcommands
    )
}

