public import FlexConfig
public import HubVocabulary
public import Logging

/// What an auth plugin can do for the worker (STYLE.md §11, strongSwan `PLUGIN_PROVIDE`).
/// The description is the name used in logs, errors and `OPTIONS.md`.
public enum PluginFeature: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// Pre-shared keys for a peer (service `auth.psk`): `keyring local` or `keyring aaa`.
    case preSharedKeys = "auth.psk"
    /// EAP pass-through to an authentication server (service `auth.eap`).
    case eapPassThrough = "auth.eap"
    /// `aaa authorization user …` lookups (service `authz`).
    case userAuthorization = "authz.user"
    /// `aaa authorization group …` lookups (service `authz`).
    case groupAuthorization = "authz.group"

    public var description: String { rawValue }
}

/// What a plugin needs from the configuration to work (strongSwan `PLUGIN_DEPENDS`).
public enum PluginRequirement: Hashable, Sendable, CustomStringConvertible {
    /// `aaa group server radius NAME` with at least one usable `radius server`.
    case radiusServerGroup
    /// A `crypto ikev2 keyring` or a keyring file.
    case keyring
    /// `crypto ikev2 authorization policy NAME`.
    case authorizationPolicy

    public var description: String {
        switch self {
        case .radiusServerGroup: "aaa group server radius"
        case .keyring: "crypto ikev2 keyring"
        case .authorizationPolicy: "crypto ikev2 authorization policy"
        }
    }
}

/// One line of a plugin's feature table.
public enum FeatureDeclaration: Hashable, Sendable {
    case provides(PluginFeature)
    case requires(PluginRequirement)
}

/// The AAA back end a configured method names, which selects the plugin: `group NAME` of
/// a RADIUS group is `radius`, `local` is `local`, a keyring is `keyring`.
public enum MethodBackend: String, Hashable, Sendable, CustomStringConvertible {
    case radius
    case local
    case keyring
    /// A back end no first-party plugin speaks (`group tacacs+`, an unknown group).
    case unknown

    public var description: String { rawValue }
}

/// Where a configured method comes from: the configuration line (file:line when the
/// worker could find it, otherwise the command text in its block).
public struct ConfigurationLine: Hashable, Sendable, CustomStringConvertible {
    public let text: String
    public let location: String?

    public init(text: String, location: String?) {
        self.text = text
        self.location = location
    }

    public var description: String { location.map { "\($0): \(text)" } ?? text }
}

/// What the plugin gets when the worker starts it.
public struct PluginContext: Sendable {
    /// The whole configuration (`--config`); plugins read their objects from it.
    public let configuration: FlexConfiguration
    public let logger: Logger
    /// Plugin options from the worker's command line (`--plugin-option NAME.KEY=VALUE`),
    /// keyed by KEY; each plugin documents them in its OPTIONS.md.
    public let options: [String: String]

    public init(configuration: FlexConfiguration, logger: Logger, options: [String: String] = [:]) {
        self.configuration = configuration
        self.logger = logger
        self.options = options
    }
}

/// Why a plugin could not start or cannot serve a request; names the configuration object.
public struct PluginError: Error, Sendable, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// An auth plugin: declares features, is made once per worker from the configuration.
public protocol AuthPlugin: Sendable {
    /// The name configuration and errors use (`LocalKeyring`, `RADIUS`, `LocalAuthorization`).
    static var name: String { get }
    /// What it provides and requires.
    static var features: [FeatureDeclaration] { get }
    /// The back end it speaks for the features it provides.
    static var backend: MethodBackend { get }
    init(context: PluginContext) throws(PluginError)
}

extension AuthPlugin {
    public static var provided: Set<PluginFeature> {
        Set(features.compactMap { if case .provides(let feature) = $0 { feature } else { nil } })
    }
}

// MARK: - Feature protocols

/// `auth.psk`: the keys for one peer (RFC 7296 §2.15 shared secrets). The worker checks
/// and computes AUTH with them; the keys never leave the worker.
public protocol PreSharedKeyProvider: AuthPlugin {
    func preSharedKeys(for lookup: PreSharedKeyLookup) async -> PreSharedKeyOutcome
}

/// `auth.eap`: one EAP round relayed to the authentication server.
public protocol EAPPassThroughProvider: AuthPlugin {
    func relay(_ round: EAPRelayInput) async -> EAPRelayOutcome
    /// Forgets a conversation (the frontend gave up, or the broker lost the worker pin).
    func endConversation(_ conversation: [UInt8]) async
}

/// `authz.user` / `authz.group`: the attributes of one lookup.
public protocol AuthorizationProvider: AuthPlugin {
    func authorize(_ lookup: AuthorizationLookup) async -> AuthorizationOutcome
}

// MARK: - Requests and outcomes

/// A key lookup for a peer.
public struct PreSharedKeyLookup: Sendable {
    /// The profile's keyring line (`keyring local NAME`, `keyring aaa LIST …`); nil when
    /// the profile has none (all keyrings, or the worker's keyring file).
    public var source: IKEv2Profile.KeyringSource?
    public var identity: PeerIdentity
    public var peerAddress: IPAddress?

    public init(source: IKEv2Profile.KeyringSource?, identity: PeerIdentity, peerAddress: IPAddress?) {
        self.source = source
        self.identity = identity
        self.peerAddress = peerAddress
    }
}

/// The keys found: `remote` checks the peer's AUTH, `local` computes ours (RFC 7296
/// §2.15 allows a key per direction); `attributes` are the "cached" authorization
/// attributes that came with them (AAA-PSK Access-Accept).
public enum PreSharedKeyOutcome: Sendable {
    case found(remote: SecretBytes, local: SecretBytes, name: String, attributes: [SessionAttribute])
    /// No key for this peer; the reason never includes a secret.
    case notFound(reason: String)
    /// The back end failed (no RADIUS server answered…).
    case failed(reason: String)
}

/// One EAP round for the pass-through.
public struct EAPRelayInput: Sendable {
    /// Identifies the conversation (the session id of the IPC envelope).
    public var conversation: [UInt8]
    /// `aaa authentication eap LIST`'s RADIUS group.
    public var methodList: String
    public var round: UInt32
    /// The client's EAP message; empty in round 0 (the worker synthesises the
    /// EAP-Response/Identity from `peerIdentity`).
    public var eapMessage: [UInt8]
    public var peerIdentity: PeerIdentity
    public var peerAddress: IPAddress?

    public init(conversation: [UInt8], methodList: String, round: UInt32, eapMessage: [UInt8], peerIdentity: PeerIdentity, peerAddress: IPAddress?) {
        self.conversation = conversation
        self.methodList = methodList
        self.round = round
        self.eapMessage = eapMessage
        self.peerIdentity = peerIdentity
        self.peerAddress = peerAddress
    }
}

/// What one EAP round ended with.
public enum EAPRelayOutcome: Sendable {
    /// Another round: the EAP-Request to send to the client.
    case `continue`(eapMessage: [UInt8])
    /// EAP-Success; the MSK when the method produced one (RFC 5247), the authenticated
    /// identity and the Access-Accept's attributes (the "cached" ones).
    case success(eapMessage: [UInt8], name: String, attributes: [SessionAttribute], msk: SecretBytes?)
    /// EAP-Failure and why.
    case failure(eapMessage: [UInt8], reason: String)
}

/// One `aaa authorization user|group …` lookup.
public struct AuthorizationLookup: Sendable {
    public var scope: IKEv2Profile.Authorization.Scope
    /// The method list (`aaa authorization network LIST`).
    public var methodList: String
    /// The name looked up (mangled identity, `aaa-username`, or the policy name for `local`).
    public var username: String
    /// `local` lists: the authorization policy named on the line (or `default`).
    public var policy: String?
    public var peerAddress: IPAddress?

    public init(scope: IKEv2Profile.Authorization.Scope, methodList: String, username: String, policy: String?, peerAddress: IPAddress?) {
        self.scope = scope
        self.methodList = methodList
        self.username = username
        self.policy = policy
        self.peerAddress = peerAddress
    }
}

public enum AuthorizationOutcome: Sendable {
    case attributes([SessionAttribute])
    /// The server refused (Access-Reject) or the policy does not exist.
    case rejected(reason: String)
    case failed(reason: String)
}
