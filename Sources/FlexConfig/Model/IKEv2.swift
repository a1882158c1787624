import HubVocabulary

/// The `crypto ikev2 …` objects and global settings.
public struct IKEv2Configuration: Equatable, Sendable {
    public var profiles: [IKEv2Profile] = []
    public var keyrings: [IKEv2Keyring] = []
    public var nameManglers: [NameMangler] = []
    public var authorizationPolicies: [AuthorizationPolicy] = []
    /// Includes the built-in `default` proposal unless it was redefined.
    public var proposals: [IKEv2Proposal] = []
    /// Includes the built-in `default` policy unless it was redefined.
    public var policies: [IKEv2Policy] = []
    /// `crypto ikev2 dpd …`: used by profiles without their own `dpd`.
    public var dpd: DeadPeerDetection?
    /// `crypto ikev2 cookie-challenge N`: half-open SAs before cookies are required.
    public var cookieChallengeThreshold: Int?
    /// `crypto ikev2 limit max-in-negotiation-sa N`.
    public var maximumNegotiatingSAs: Int?
    /// `crypto ikev2 limit max-sa N`.
    public var maximumSAs: Int?
    /// `crypto ikev2 limit queue sa-init N`.
    public var saInitQueueLimit: Int?
    /// `crypto ikev2 fragmentation [mtu N]` (RFC 7383); `nil` when off.
    public var fragmentationMTU: Int?
    /// `crypto ikev2 nat keepalive N` seconds.
    public var natKeepaliveSeconds: Int?
    /// `crypto ikev2 http-url cert` (IOS default on); IKEHub always sends certificates inline.
    public var httpURLCertificates = true

    public init() {}
}

/// `dpd INTERVAL RETRY on-demand|periodic` (RFC 7296 §2.4 liveness checks).
public struct DeadPeerDetection: Equatable, Sendable {
    /// When probes are sent.
    public enum Mode: String, Equatable, Sendable {
        case onDemand = "on-demand"
        case periodic
    }
    public var intervalSeconds: Int
    public var retrySeconds: Int
    public var mode: Mode
}

/// `crypto ikev2 profile NAME`: how a matching peer is authenticated, authorized and cloned.
public struct IKEv2Profile: Equatable, Sendable, NamedObject {
    /// `match identity remote …`.
    public enum IdentityMatch: Equatable, Sendable {
        case address(IPv4Address, mask: IPv4Address)
        case ipv6Prefix(IPv6Address, length: UInt8)
        /// `fqdn NAME` matches exactly; `fqdn domain NAME` matches the domain suffix.
        case fqdn(String, domain: Bool)
        case email(String, domain: Bool)
        case keyID(String)
        case any
    }
    /// `identity local …`; default is the local address.
    public enum LocalIdentity: Equatable, Sendable {
        case address(IPAddress)
        case fqdn(String)
        case email(String)
        case keyID(String)
        case distinguishedName
    }
    /// `authentication local …`.
    public enum LocalAuthentication: Equatable, Sendable {
        case rsaSignature
        case ecdsaSignature
        /// A key here, or from the keyring when `nil`.
        case preShared(SecretBytes?)
    }
    /// `authentication remote …`; several may be configured.
    public enum RemoteAuthentication: Equatable, Sendable {
        case rsaSignature
        case ecdsaSignature
        case preShared(SecretBytes?)
        /// Seed: the EAP time-out default is 90 s.
        case eap(queryIdentity: Bool, timeoutSeconds: Int)
        case anyconnectEAP(certificateRequest: Bool)
    }
    /// `keyring local NAME` or `keyring aaa LIST [name-mangler M] [password P]`.
    public enum KeyringSource: Equatable, Sendable {
        case local(String)
        case aaa(list: String, nameMangler: String?, password: SecretBytes?)
    }
    /// `pki trustpoint NAME [sign|verify]`.
    public struct TrustpointUse: Equatable, Sendable {
        /// What the trustpoint is used for.
        public enum Usage: String, Equatable, Sendable {
            case both, sign, verify
        }
        public var trustpoint: String
        public var usage: Usage
    }
    /// The authentication method an authorization or accounting line applies to.
    public enum Method: String, Equatable, Sendable {
        case psk, eap, cert
        case anyconnectEAP = "anyconnect-eap"
    }
    /// `aaa authorization user|group [override] METHOD cached | list LIST [name-mangler M | USERNAME]`.
    public struct Authorization: Equatable, Sendable {
        /// Whose attributes the lookup returns.
        public enum Scope: String, Equatable, Sendable {
            case user, group
        }
        /// Which name is looked up.
        public enum Username: Equatable, Sendable {
            /// The peer's IKE (or EAP) identity.
            case peerIdentity
            case nameMangler(String)
            /// A fixed name; with a `local` method list, the authorization policy's name.
            case fixed(String)
        }
        public var scope: Scope
        /// Group attributes take precedence over user attributes.
        public var override = false
        public var method: Method
        /// `nil` for `cached` (implicit authorization during EAP or AAA-PSK).
        public var list: String?
        public var username: Username = .peerIdentity
        public var isCached: Bool { list == nil }
    }
    /// `aaa accounting [METHOD] LIST`.
    public struct Accounting: Equatable, Sendable {
        public var method: Method?
        public var list: String
    }

    public var name: String
    public var description: String?
    public var identityMatches: [IdentityMatch] = []
    public var certificateMaps: [String] = []
    /// `match fvrf any` / `match fvrf NAME`; `nil` is the global table.
    public var matchFVRF: String?
    public var localAddresses: [IPAddress] = []
    public var localInterfaces: [String] = []
    public var localIdentity: LocalIdentity?
    public var localAuthentication: LocalAuthentication?
    public var remoteAuthentication: [RemoteAuthentication] = []
    public var keyring: KeyringSource?
    public var trustpoints: [TrustpointUse] = []
    public var eapAuthenticationList: String?
    public var anyconnectEAPAuthenticationList: String?
    public var authorizations: [Authorization] = []
    public var accounting: [Accounting] = []
    public var virtualTemplate: Int?
    /// `virtual-template N mode auto`: tunnel mode and family from the session.
    public var virtualTemplateModeAuto = false
    public var dpd: DeadPeerDetection?
    public var natKeepaliveSeconds: Int?
    /// IOS default IKE SA lifetime: 86400 s.
    public var lifetimeSeconds = 86400
    /// `reconnect` (AnyConnect auto-reconnect); seed default time-out 1800 s.
    public var reconnect = false
    public var reconnectTimeoutSeconds = 1800
    /// `config-exchange request|set accept|set send`: all on by default (seed).
    public var configExchangeRequest = true
    public var configExchangeSetAccept = true
    public var configExchangeSetSend = true
    public var anyconnectProfile: String?
    public var shutdown = false

    public init(name: String) { self.name = name }
}

/// `crypto ikev2 keyring NAME` with its peers.
public struct IKEv2Keyring: Equatable, Sendable, NamedObject {
    /// `peer NAME` block.
    public struct Peer: Equatable, Sendable, NamedObject {
        /// `address …`: the peer's IKE address.
        public enum Address: Equatable, Sendable {
            case ipv4(IPv4Address, mask: IPv4Address)
            case ipv6(IPv6Address, prefixLength: UInt8)
        }
        public var name: String
        public var description: String?
        public var addresses: [Address] = []
        public var hostname: String?
        public var identities: [PeerIdentity] = []
        /// `pre-shared-key KEY`: both directions unless overridden.
        public var key: SecretBytes?
        public var localKey: SecretBytes?
        public var remoteKey: SecretBytes?
    }
    public var name: String
    public var peers: [Peer] = []
}

/// `crypto ikev2 name-mangler NAME`: how an IKE or EAP identity becomes a AAA user name.
public struct NameMangler: Equatable, Sendable, NamedObject {
    /// A field of a distinguished name.
    public enum DNField: String, Equatable, Sendable {
        case commonName = "common-name"
        case country, domain, locality, organization
        case organizationUnit = "organization-unit"
        case state
    }
    /// `eap …`.
    public enum EAPRule: Equatable, Sendable {
        case all
        case dn(DNField)
        case prefix(delimiter: Character)
        case suffix(delimiter: Character)
    }
    /// Part of an e-mail or FQDN identity.
    public enum Part: String, Equatable, Sendable {
        case all, domain, username, hostname
    }
    public var name: String
    public var dn: DNField?
    public var eap: EAPRule?
    public var email: Part?
    public var fqdn: Part?
}

/// `crypto ikev2 authorization policy NAME`: local attributes and those pushed in CFG_REPLY.
public struct AuthorizationPolicy: Equatable, Sendable, NamedObject {
    /// `route set remote …`.
    public enum RemoteRoute: Equatable, Sendable {
        case ipv4(IPv4Address, mask: IPv4Address)
        case ipv6(IPv6Address, prefixLength: UInt8)
    }
    /// `route set access-list [ipv6] NAME`.
    public struct RouteAccessList: Equatable, Sendable {
        public var name: String
        public var ipv6: Bool
    }
    public var name: String
    public var pool: String?
    public var ipv6Pool: String?
    public var dnsServers: [IPv4Address] = []
    public var ipv6DNSServers: [IPv6Address] = []
    public var winsServers: [IPv4Address] = []
    public var netmask: IPv4Address?
    public var banner: String?
    public var defaultDomain: String?
    public var splitDNS: [String] = []
    public var backupGateways: [String] = []
    public var pfs = false
    public var includeLocalLAN = false
    public var smartcardRemovalDisconnect = false
    public var configurationURL: String?
    public var configurationVersion: String?
    /// `route set interface [NAME]`; an empty string is the virtual-access itself.
    public var routeSetInterface: String?
    public var routeAccessLists: [RouteAccessList] = []
    public var remoteRoutes: [RemoteRoute] = []
    /// `route accept any [tag N] [distance N]`.
    public var routeAcceptAny = false
    public var routeAcceptTag: Int?
    public var routeAcceptDistance: Int?
    public var ipsecFlowLimit: Int?
    public var sessionLifetimeSeconds: Int?
    public var attributeList: String?
    public var dhcpGIAddr: IPv4Address?
    public var dhcpServer: String?
    public var dhcpTimeoutSeconds: Int?
    public var anyconnectProfile: String?

    public init(name: String) { self.name = name }
}

/// `crypto ikev2 proposal NAME`: the IKE SA transforms offered in SA payloads.
public struct IKEv2Proposal: Equatable, Sendable, NamedObject {
    public var name: String
    public var encryption: [String] = []
    public var integrity: [String] = []
    public var prf: [String] = []
    public var groups: [Int] = []
    /// The IOS smart default, not written in the file.
    public var isBuiltIn = false
}

/// `crypto ikev2 policy NAME`: which proposals apply to which local address.
public struct IKEv2Policy: Equatable, Sendable, NamedObject {
    public var name: String
    public var proposals: [String] = []
    public var localAddresses: [IPAddress] = []
    public var matchFVRF: String?
    public var isBuiltIn = false
}
