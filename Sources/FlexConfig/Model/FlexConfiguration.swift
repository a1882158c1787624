import HubVocabulary

/// A whole headend configuration: the FlexVPN (IOS) objects with IOS defaults filled in,
/// every cross-reference checked, plus the Linux settings (`ikehub` mode).
///
/// Objects keep the order of the file, so `show` prints them back in that order.
public struct FlexConfiguration: Equatable, Sendable {
    public var hostname: String?
    public var aaa = AAAConfiguration()
    public var radiusServers: [RadiusServer] = []
    public var ikev2 = IKEv2Configuration()
    public var pki = PKIConfiguration()
    public var ipsec = IPsecConfiguration()
    public var ipv4Pools: [IPv4Pool] = []
    public var ipv6Pools: [IPv6Pool] = []
    public var accessLists: [AccessList] = []
    public var interfaces: [Interface] = []
    public var users: [LocalUser] = []
    public var anyconnectProfiles: [AnyConnectProfile] = []
    public var linux = LinuxSettings()

    public init() {}

    public func ipv4Pool(named name: String) -> IPv4Pool? { ipv4Pools.first { $0.name == name } }
    public func ipv6Pool(named name: String) -> IPv6Pool? { ipv6Pools.first { $0.name == name } }
    public func accessList(named name: String) -> AccessList? { accessLists.first { $0.name == name } }
    public func interface(named name: String) -> Interface? { interfaces.first { $0.name == name } }
    public func radiusServer(named name: String) -> RadiusServer? { radiusServers.first { $0.name == name } }
    /// `interface Virtual-Template<number>`.
    public func virtualTemplate(_ number: Int) -> Interface? { interface(named: "Virtual-Template\(number)") }
}

/// A name-keyed object of the configuration.
public protocol NamedObject {
    var name: String { get }
}

extension Array where Element: NamedObject {
    /// The object called `name`.
    public subscript(named name: String) -> Element? { first { $0.name == name } }
}

// MARK: - Local users

/// `username NAME [privilege N] password|secret …`.
public struct LocalUser: Equatable, Sendable, NamedObject {
    /// How the credential is stored.
    public enum Credential: Equatable, Sendable {
        /// `password [0|7] TEXT`: type 0 is clear text, type 7 the reversible IOS encoding.
        case password(type: UInt8, SecretBytes)
        /// `secret [0|5|8|9] TEXT`: type 0 clear text, 5/8/9 one-way hashes.
        case secret(type: UInt8, SecretBytes)
    }
    public var name: String
    public var privilege: UInt8?
    public var credential: Credential
}

extension LocalUser: CustomStringConvertible {
    public var description: String { "user \(name) <credential redacted>" }
}

/// `crypto vpn anyconnect profile NAME PATH`: an AnyConnect XML profile offered for download.
public struct AnyConnectProfile: Equatable, Sendable, NamedObject {
    public var name: String
    public var path: String
}
