public import AuthPluginAPI
public import FlexConfig
import HubVocabulary
import Logging
public import RADIUS
import Synchronization

/// `RADIUS`: EAP pass-through (`auth.eap`), AAA pre-shared keys (`auth.psk` for `keyring
/// aaa LIST`), and user/group authorization (`authz.user`, `authz.group`) against the
/// RADIUS groups of the configuration's method lists. Options: OPTIONS.md.
///
/// One `RadiusAuthenticationClient` per method list, made at start: its failover and
/// dead-server state is shared by every request of that list.
public final class RADIUSPlugin: EAPPassThroughProvider, PreSharedKeyProvider, AuthorizationProvider {
    public static let name = "RADIUS"
    public static let features: [FeatureDeclaration] = [
        .provides(.eapPassThrough), .provides(.preSharedKeys), .provides(.userAuthorization), .provides(.groupAuthorization),
        .requires(.radiusServerGroup),
    ]
    public static let backend = MethodBackend.radius

    let configuration: FlexConfiguration
    let logger: Logger
    /// Clients by method list name.
    let clients: [String: RadiusAuthenticationClient]
    /// `keyring aaa` password when the line has none (option `aaa-password`).
    let defaultAAAPassword: String
    /// Idle EAP conversations are forgotten after this (option `eap-conversation-lifetime`).
    let conversationLifetime: Duration
    let conversations = Mutex<[[UInt8]: EAPConversation]>([:])

    public init(context: PluginContext) throws(PluginError) {
        configuration = context.configuration
        logger = context.logger
        defaultAAAPassword = context.options["aaa-password"] ?? "cisco"
        if let text = context.options["eap-conversation-lifetime"] {
            guard let seconds = Int(text), seconds > 0 else {
                throw PluginError("RADIUS option eap-conversation-lifetime: '\(text)' is not a positive number of seconds")
            }
            conversationLifetime = .seconds(seconds)
        } else {
            conversationLifetime = .seconds(300)
        }
        let nasIdentifier = context.options["nas-identifier"] ?? context.configuration.hostname ?? "ikehub"
        var clients: [String: RadiusAuthenticationClient] = [:]
        for list in context.configuration.aaa.methodLists where list.kind != .accountingNetwork {
            guard clients[list.name] == nil, let group = try Self.group(for: list, in: context.configuration, nasIdentifier: nasIdentifier) else {
                continue
            }
            do {
                clients[list.name] = try RadiusAuthenticationClient(group: group)
            } catch {
                throw PluginError("RADIUS: aaa \(list.kind.rawValue) \(list.name): \(error)")
            }
        }
        self.clients = clients
    }

    /// The client for a method list, or why there is none.
    func client(for list: String) -> Result<RadiusAuthenticationClient, PluginError> {
        if let client = clients[list] { return .success(client) }
        return .failure(PluginError("method list \(list) has no RADIUS group with a usable server"))
    }

    /// The servers of the list's RADIUS groups, in order (`group radius` = every server).
    /// Nil when the list names no RADIUS group; an error for a server without a key.
    static func group(for list: AAAMethodList, in configuration: FlexConfiguration,
                      nasIdentifier: String) throws(PluginError) -> RadiusServerGroupConfiguration? {
        var servers: [RadiusAuthenticationServer] = []
        var deadtime: Duration = .zero
        var names: [String] = []
        for method in list.methods {
            guard case .group(let groupName) = method else { continue }
            let members: [RadiusServer]
            if groupName == "radius" {
                members = configuration.radiusServers
            } else if let group = configuration.aaa.serverGroups.first(where: { $0.name == groupName }) {
                if let minutes = group.deadtimeMinutes { deadtime = max(deadtime, .seconds(minutes * 60)) }
                members = group.members.compactMap { member in
                    switch member {
                    case .named(let name):
                        return configuration.radiusServer(named: name)
                    case .address(let address, let authPort, let accountingPort):
                        // A legacy `server ADDRESS`: its key is on `radius-server host ADDRESS`.
                        guard var server = configuration.radiusServers.first(where: { $0.address == address }) else { return nil }
                        if let authPort { server.authenticationPort = authPort }
                        if let accountingPort { server.accountingPort = accountingPort }
                        return server
                    }
                }
            } else {
                continue
            }
            names.append(groupName)
            for server in members {
                guard let address = server.address else { continue }
                guard let key = server.key else {
                    throw PluginError("radius server \(server.name) (group \(groupName)) has no key: RADIUS needs the shared secret (RFC 2865 §3)")
                }
                servers.append(RadiusAuthenticationServer(
                    name: server.name,
                    endpoint: RadiusServerEndpoint(host: "\(address)", authenticationPort: server.authenticationPort,
                                                   accountingPort: server.accountingPort, secret: key),
                    timeout: .seconds(server.timeoutSeconds), retransmit: server.retransmit))
            }
        }
        guard !servers.isEmpty else { return nil }
        return RadiusServerGroupConfiguration(name: names.joined(separator: "+"), servers: servers, deadtime: deadtime,
                                              nasIdentifier: nasIdentifier)
    }

    /// NAS attributes common to every Access-Request: NAS-Port-Type Virtual (RFC 2865
    /// §5.41, as strongSwan sends) and Calling-Station-Id = the peer's outer address.
    static func stationAttributes(peerAddress: IPAddress?) -> [RadiusAttribute] {
        var attributes = [RadiusAttribute(type: 61, value: .integer(5))]
        if let peerAddress { attributes.append(.string(RadiusAttributeType.callingStationID, "\(peerAddress)")) }
        return attributes
    }
}
