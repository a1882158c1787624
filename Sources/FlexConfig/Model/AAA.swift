import HubVocabulary

/// The `aaa …` commands: method lists, RADIUS server groups, attribute lists, CoA/PoD.
public struct AAAConfiguration: Equatable, Sendable {
    /// `aaa new-model`.
    public var newModel = false
    public var serverGroups: [RadiusServerGroup] = []
    public var methodLists: [AAAMethodList] = []
    public var attributeLists: [AttributeList] = []
    /// `aaa server radius dynamic-author` (RFC 5176 CoA and Disconnect).
    public var dynamicAuthorization: DynamicAuthorization?

    public init() {}

    public func methodList(_ kind: AAAMethodList.Kind, named name: String) -> AAAMethodList? {
        methodLists.first { $0.kind == kind && $0.name == name }
    }
}

/// `aaa group server radius NAME` with its `server` lines.
public struct RadiusServerGroup: Equatable, Sendable, NamedObject {
    /// One member of the group.
    public enum Member: Equatable, Sendable {
        /// `server name NAME`: a `radius server` block.
        case named(String)
        /// `server ADDRESS [auth-port N] [acct-port N]`: a legacy `radius-server host`.
        case address(IPAddress, authPort: UInt16?, accountingPort: UInt16?)
    }
    public var name: String
    public var members: [Member] = []
    /// `deadtime MINUTES`.
    public var deadtimeMinutes: Int?
}

/// `radius server NAME` block, or a legacy `radius-server host ADDRESS` line.
public struct RadiusServer: Equatable, Sendable, NamedObject {
    public var name: String
    /// Written as `radius-server host`; its name is the address text.
    public var isLegacyHost = false
    public var address: IPAddress?
    /// IOS defaults 1645/1646 (not the IANA 1812/1813).
    public var authenticationPort: UInt16 = 1645
    public var accountingPort: UInt16 = 1646
    public var key: SecretBytes?
    /// IOS defaults: 5 s time-out, 3 retransmissions.
    public var timeoutSeconds = 5
    public var retransmit = 3
}

extension RadiusServer: CustomStringConvertible {
    public var description: String {
        "radius server \(name) \(address.map { "\($0)" } ?? "-") auth \(authenticationPort) acct \(accountingPort) key \(key == nil ? "none" : "<redacted>")"
    }
}

/// `aaa authentication|authorization|accounting … LIST METHODS`.
public struct AAAMethodList: Equatable, Sendable, NamedObject {
    /// Which `aaa` command defined the list.
    public enum Kind: String, Equatable, Sendable {
        case authenticationLogin = "authentication login"
        case authenticationEAP = "authentication eap"
        case authorizationNetwork = "authorization network"
        case accountingNetwork = "accounting network"
    }
    /// One method, tried in order.
    public enum Method: Equatable, Sendable {
        /// `group NAME` (`group radius`: every RADIUS server).
        case group(String)
        case local
        case localCase
        case none
        case ifAuthenticated
    }
    /// Accounting records to send.
    public enum Records: String, Equatable, Sendable {
        case startStop = "start-stop"
        case stopOnly = "stop-only"
    }
    public var kind: Kind
    public var name: String
    public var methods: [Method]
    /// Accounting lists only.
    public var records: Records?
    public var broadcast = false
}

/// `aaa attribute list NAME` with its `attribute type` lines.
public struct AttributeList: Equatable, Sendable, NamedObject {
    /// `attribute type NAME VALUE [service S] [protocol P] [mandatory] [tag]`.
    public struct Attribute: Equatable, Sendable {
        public var type: String
        public var value: String
        public var service: String?
        public var `protocol`: String?
        public var mandatory = false
        public var tag = false
    }
    public var name: String
    public var attributes: [Attribute] = []
}

/// `aaa server radius dynamic-author`: who may send CoA and Disconnect requests.
public struct DynamicAuthorization: Equatable, Sendable {
    /// `client HOST [vrf V] [server-key KEY]`.
    public struct Client: Equatable, Sendable {
        public var host: String
        public var vrf: String?
        public var key: SecretBytes?
    }
    /// `auth-type`.
    public enum AuthType: String, Equatable, Sendable {
        case any, all
        case sessionKey = "session-key"
    }
    public var clients: [Client] = []
    public var serverKey: SecretBytes?
    /// IOS default UDP port 1700 (RFC 5176 assigns 3799).
    public var port: UInt16 = 1700
    public var authType: AuthType = .any
    public var ignoreSessionKey = false
    public var ignoreServerKey = false
}
