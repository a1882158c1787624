import FlexConfig
import HubVocabulary
public import RADIUS

/// Why the accounting daemon cannot use a configuration file.
public struct AccountingConfigurationError: Error, CustomStringConvertible {
    public let description: String
}

/// Where accounting records go: the servers of the `aaa accounting network` list's
/// RADIUS group, in failover order, with the time-out and retransmit count of the
/// first `radius server` block (radcli applies one value to the whole handle).
public struct AccountingDestination: Sendable {
    /// The method list used (`default` if it exists, else the first accounting list).
    public let methodList: String
    public let client: RadiusClientConfiguration

    /// The destination of `configuration`, or nil when it has no accounting list or
    /// the list names no RADIUS group with a usable server.
    public static func of(_ configuration: FlexConfiguration, dictionaryPath: String,
                          nasIdentifier: String) throws(AccountingConfigurationError) -> AccountingDestination? {
        let lists = configuration.aaa.methodLists.filter { $0.kind == .accountingNetwork }
        guard let list = lists.first(where: { $0.name == "default" }) ?? lists.first else { return nil }
        var servers: [RadiusServer] = []
        for method in list.methods {
            guard case .group(let groupName) = method else { continue }
            servers += Self.servers(ofGroup: groupName, in: configuration)
        }
        var endpoints: [RadiusServerEndpoint] = []
        for server in servers {
            guard let address = server.address else { continue }
            guard let key = server.key else {
                throw AccountingConfigurationError(description: "radius server \(server.name) has no key: accounting needs the shared secret (RFC 2866 §3)")
            }
            endpoints.append(RadiusServerEndpoint(host: "\(address)", authenticationPort: server.authenticationPort,
                                                  accountingPort: server.accountingPort, secret: key))
        }
        guard let first = servers.first, !endpoints.isEmpty else { return nil }
        return AccountingDestination(
            methodList: list.name,
            client: RadiusClientConfiguration(servers: Array(endpoints.prefix(8)), timeoutSeconds: first.timeoutSeconds,
                                              retries: first.retransmit, dictionaryPath: dictionaryPath,
                                              nasIdentifier: nasIdentifier))
    }

    /// The destination in the file at `path`; errors name file:line:column.
    public static func of(file path: String, dictionaryPath: String,
                          nasIdentifier: String?) throws(AccountingConfigurationError) -> AccountingDestination? {
        let loaded = FlexConfig.load(path: path)
        if loaded.hasErrors {
            throw AccountingConfigurationError(description: loaded.errors.map { "\($0)" }.joined(separator: "\n"))
        }
        return try of(loaded.configuration, dictionaryPath: dictionaryPath,
                      nasIdentifier: nasIdentifier ?? loaded.configuration.hostname ?? "ikehub")
    }

    /// `group radius` means every RADIUS server; otherwise the members of the named group.
    private static func servers(ofGroup name: String, in configuration: FlexConfiguration) -> [RadiusServer] {
        if name == "radius" { return configuration.radiusServers }
        guard let group = configuration.aaa.serverGroups.first(where: { $0.name == name }) else { return [] }
        return group.members.compactMap { member in
            switch member {
            case .named(let server):
                return configuration.radiusServer(named: server)
            case .address(let address, let authPort, let accountingPort):
                guard var server = configuration.radiusServers.first(where: { $0.address == address }) else { return nil }
                if let authPort { server.authenticationPort = authPort }
                if let accountingPort { server.accountingPort = accountingPort }
                return server
            }
        }
    }
}
