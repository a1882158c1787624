import HubVocabulary
import IKEWire

/// One `crypto ikev2 profile`: which peers it takes (`match …`) and the settings a session
/// set up under it keeps for its whole life (a virtual-access keeps the configuration it
/// was cloned with, DESIGN §6).
///
/// The profile is chosen in IKE_AUTH, once IDi is known (IOS does the same: IKE_SA_INIT
/// settings — proposals, limits, cookies — are global).
public struct ResponderProfile: Hashable, Sendable {
    public var name: String
    public var match: ProfileMatch
    /// `authentication remote …`: the methods a peer of this profile may use.
    public var remoteAuthentication: [RemoteAuthentication]
    /// Our IDr (`identity local`).
    public var localIdentity: PeerIdentity
    public var childProposals: [ChildProposalConfiguration]
    public var protectedSelectors: [TrafficSelector]
    public var initiatorSelectors: [TrafficSelector]
    public var requiresConfigurationRequest: Bool
    public var requiresAuthorization: Bool
    public var lifetimes: ResponderConfiguration.Lifetimes
    public var deadPeerDetection: ResponderConfiguration.DeadPeerDetection?
    /// `aaa accounting psk|cert|eap LIST`: sessions that authenticated this way send
    /// accounting Start/Stop; the others none (IOS accounts per profile and method).
    public var accountedMethods: Set<AuthorizationMethod>

    public init(name: String, match: ProfileMatch, remoteAuthentication: [RemoteAuthentication] = [.sharedKey],
                localIdentity: PeerIdentity, childProposals: [ChildProposalConfiguration],
                protectedSelectors: [TrafficSelector] = [], initiatorSelectors: [TrafficSelector] = [],
                requiresConfigurationRequest: Bool = false, requiresAuthorization: Bool = false,
                lifetimes: ResponderConfiguration.Lifetimes = .init(),
                deadPeerDetection: ResponderConfiguration.DeadPeerDetection? = nil,
                accountedMethods: Set<AuthorizationMethod> = [.psk, .eap, .cert]) {
        self.name = name
        self.match = match
        self.remoteAuthentication = remoteAuthentication
        self.localIdentity = localIdentity
        self.childProposals = childProposals
        self.protectedSelectors = protectedSelectors
        self.initiatorSelectors = initiatorSelectors
        self.requiresConfigurationRequest = requiresConfigurationRequest
        self.requiresAuthorization = requiresAuthorization
        self.lifetimes = lifetimes
        self.deadPeerDetection = deadPeerDetection
        self.accountedMethods = accountedMethods
    }

    /// `authentication remote pre-share | rsa-sig | ecdsa-sig | eap [query-identity] [timeout N]`.
    public enum RemoteAuthentication: Hashable, Sendable {
        case sharedKey
        case signature
        case eap(queryIdentity: Bool, timeoutSeconds: Int64)

        /// The EAP settings, if EAP is allowed.
        public var eap: (queryIdentity: Bool, timeoutSeconds: Int64)? {
            if case .eap(let query, let timeout) = self { return (query, timeout) }
            return nil
        }
    }

    /// Whether the peer may authenticate with `auth` (AUTH payload method, or none = EAP).
    func allows(_ method: AuthenticationMethod?) -> Bool {
        guard let method else { return remoteAuthentication.contains { $0.eap != nil } }
        switch method {
        case .sharedKeyMessageIntegrityCode: return remoteAuthentication.contains(.sharedKey)
        default: return remoteAuthentication.contains(.signature)
        }
    }

    /// The EAP settings of this profile (`nil` = EAP not allowed).
    var eapSettings: (queryIdentity: Bool, timeoutSeconds: Int64)? {
        remoteAuthentication.lazy.compactMap(\.eap).first
    }
}

/// The `match` statements of a profile. IOS semantics: statements of one kind are ORed,
/// kinds are ANDed, and a kind with no statement does not restrict. A profile with no
/// `match` at all matches nothing (IOS: an incomplete profile).
public struct ProfileMatch: Hashable, Sendable {
    /// `match identity remote …`.
    public var identities: [IdentityPattern]
    /// `match address local A` (the address the peer sent IKE to).
    public var localAddresses: [IPAddress]
    /// `match certificate MAP`: map names; they are evaluated outside the engine, which
    /// gets the names that matched the peer's certificate.
    public var certificateMaps: [String]

    public init(identities: [IdentityPattern] = [], localAddresses: [IPAddress] = [], certificateMaps: [String] = []) {
        self.identities = identities
        self.localAddresses = localAddresses
        self.certificateMaps = certificateMaps
    }

    var isEmpty: Bool { identities.isEmpty && localAddresses.isEmpty && certificateMaps.isEmpty }

    func matches(identity: PeerIdentity, localAddress: IPAddress, certificateMaps matched: Set<String>) -> Bool {
        guard !isEmpty else { return false }
        if !identities.isEmpty, !identities.contains(where: { $0.matches(identity) }) { return false }
        if !localAddresses.isEmpty, !localAddresses.contains(localAddress) { return false }
        if !certificateMaps.isEmpty, matched.isDisjoint(with: certificateMaps) { return false }
        return true
    }
}

/// One `match identity remote` statement (IOS: `address A [MASK]`, `fqdn [domain] NAME`,
/// `email [domain] NAME`, `key-id ID`, `any`). Names compare case-insensitively, as DNS
/// names and IOS do.
public enum IdentityPattern: Hashable, Sendable {
    case ipv4(IPv4Address, prefixLength: UInt8)
    case ipv6(IPv6Address, prefixLength: UInt8)
    case fqdn(String, domain: Bool)
    case email(String, domain: Bool)
    case keyID(String)
    case any

    public func matches(_ identity: PeerIdentity) -> Bool {
        switch self {
        case .any:
            return true
        case .ipv4(let network, let length):
            guard identity.kind == .ipv4Address, let address = IPAddress(bytes: identity.data) else { return false }
            return address.isWithin(.v4(network), prefixLength: Int(length))
        case .ipv6(let network, let length):
            guard identity.kind == .ipv6Address, let address = IPAddress(bytes: identity.data) else { return false }
            return address.isWithin(.v6(network), prefixLength: Int(length))
        case .fqdn(let name, let domain):
            guard identity.kind == .fqdn, let text = identity.text?.lowercased() else { return false }
            return Self.nameMatches(text, name.lowercased(), domain: domain)
        case .email(let name, let domain):
            guard identity.kind == .rfc822Address, let text = identity.text?.lowercased() else { return false }
            if domain {
                // `email domain example.com` matches user@example.com (the part after '@').
                guard let at = text.lastIndex(of: "@") else { return false }
                return Self.nameMatches(String(text[text.index(after: at)...]), name.lowercased(), domain: true)
            }
            return text == name.lowercased()
        case .keyID(let id):
            return identity.kind == .keyID && identity.data == Array(id.utf8)
        }
    }

    /// `domain`: the name itself or any name under it (`vpn.example.com` is in `example.com`).
    private static func nameMatches(_ text: String, _ pattern: String, domain: Bool) -> Bool {
        guard domain else { return text == pattern }
        return text == pattern || text.hasSuffix("." + pattern)
    }
}

extension ResponderConfiguration {
    /// The profile for a peer: the first in configuration order whose `match` statements
    /// all hold. With no profiles configured, the configuration's own settings act as one
    /// profile that takes every peer (name "").
    func selectProfile(identity: PeerIdentity, localAddress: IPAddress,
                       certificateMaps: Set<String> = []) -> ResponderProfile? {
        // (Certificate maps are evaluated only when some profile uses them: see IKEAuthResponder.)
        guard !profiles.isEmpty else { return defaultProfile }
        return profiles.first { !$0.match.isEmpty && $0.match.matches(identity: identity, localAddress: localAddress,
                                                                        certificateMaps: certificateMaps) }
    }

    /// Whether any profile selects by `match certificate`.
    var usesCertificateMaps: Bool { profiles.contains { !$0.match.certificateMaps.isEmpty } }

    func profile(named name: String) -> ResponderProfile? {
        profiles.isEmpty ? defaultProfile : profiles.first { $0.name == name }
    }

    /// The single profile of a configuration without `profiles`.
    var defaultProfile: ResponderProfile {
        ResponderProfile(name: "", match: ProfileMatch(identities: [.any]), remoteAuthentication: remoteAuthentication,
                         localIdentity: localIdentity, childProposals: childProposals,
                         protectedSelectors: protectedSelectors, initiatorSelectors: initiatorSelectors,
                         requiresConfigurationRequest: requiresConfigurationRequest,
                         requiresAuthorization: requiresAuthorization, lifetimes: lifetimes,
                         deadPeerDetection: deadPeerDetection)
    }

    /// This configuration with `profile`'s settings in place of its own: what every
    /// exchange of a session set up under `profile` sees.
    func applying(_ profile: ResponderProfile) -> ResponderConfiguration {
        var configuration = self
        configuration.remoteAuthentication = profile.remoteAuthentication
        configuration.localIdentity = profile.localIdentity
        configuration.childProposals = profile.childProposals
        configuration.protectedSelectors = profile.protectedSelectors
        configuration.initiatorSelectors = profile.initiatorSelectors
        configuration.requiresConfigurationRequest = profile.requiresConfigurationRequest
        configuration.requiresAuthorization = profile.requiresAuthorization
        configuration.lifetimes = profile.lifetimes
        configuration.deadPeerDetection = profile.deadPeerDetection
        return configuration
    }
}

/// Evaluates `crypto pki certificate map`s against the peer's certificates (outside the
/// engine, which does not parse X.509): the names of the maps the end-entity certificate
/// satisfies.
public protocol CertificateMapMatcher: Sendable {
    func matchingMaps(endEntity: [UInt8], intermediates: [[UInt8]]) -> Set<String>
    /// Why the end-entity certificate satisfies none of `maps`: the failed rule of each,
    /// for the log line that refuses the peer.
    func mismatch(endEntity: [UInt8], maps: [String]) -> String
}
