/// The configuration modes: global, and each sub-mode a command enters.
public enum ConfigMode: String, Sendable, CaseIterable {
    case global = "global configuration"
    case aaaServerGroup = "aaa server group"
    case radiusServer = "radius server"
    case dynamicAuthor = "aaa dynamic-author"
    case attributeList = "aaa attribute list"
    case ikev2Profile = "ikev2 profile"
    case ikev2Keyring = "ikev2 keyring"
    case ikev2KeyringPeer = "ikev2 keyring peer"
    case ikev2NameMangler = "ikev2 name-mangler"
    case ikev2AuthorizationPolicy = "ikev2 authorization policy"
    case ikev2Proposal = "ikev2 proposal"
    case ikev2Policy = "ikev2 policy"
    case pkiTrustpoint = "pki trustpoint"
    case pkiCertificateMap = "pki certificate map"
    case ipsecTransformSet = "ipsec transform-set"
    case ipsecProfile = "ipsec profile"
    case interface = "interface"
    case standardAccessList = "standard access-list"
    case extendedAccessList = "extended access-list"
    case ipv6AccessList = "ipv6 access-list"
    case ikehub = "ikehub"
    /// The body of a block that is ignored on Linux (QoS policy-map, SSL VPN, …): every line
    /// that is not a global command belongs to it. The block itself was warned about once.
    case ignoredBlock = "ignored block"
}

/// Whether a command has an effect on Linux.
enum LinuxSupport: Sendable {
    case supported
    /// Valid IOS with no meaning here: warned about, never silently skipped.
    case ignored(String)
    /// Configures the initiator side, which a remote-access headend never is.
    case initiatorOnly
}

/// One command of one mode: its grammar, the mode it enters and its Linux support.
struct CommandSpec: Sendable {
    let id: CommandID
    let syntax: Syntax
    let enters: ConfigMode?
    let linux: LinuxSupport

    init(_ id: CommandID, _ syntax: String, enters: ConfigMode? = nil, linux: LinuxSupport = .supported) {
        self.id = id
        self.syntax = Syntax(syntax)
        self.enters = enters
        self.linux = linux
    }
}

/// The commands of every mode, compiled once.
struct CommandTable: Sendable {
    let commands: [CommandSpec]
    let matcher: CommandMatcher

    init(_ commands: [CommandSpec]) {
        self.commands = commands
        self.matcher = CommandMatcher(commands: commands.map(\.syntax))
    }

    static let byMode: [ConfigMode: CommandTable] = {
        var tables: [ConfigMode: CommandTable] = [:]
        for mode in ConfigMode.allCases { tables[mode] = CommandTable(Grammar.commands(of: mode)) }
        return tables
    }()

    static func of(_ mode: ConfigMode) -> CommandTable { byMode[mode] ?? CommandTable([]) }
}
