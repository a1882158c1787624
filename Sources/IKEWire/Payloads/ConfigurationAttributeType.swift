/// A configuration attribute type (15 bits; RFC 7296 §3.15.1, IANA "IKEv2 Configuration
/// Payload Attribute Types"), with the private types Cisco Unity/FlexVPN and Microsoft use.
public struct ConfigurationAttributeType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }

    // MARK: - IANA (ikev2-numbers.md §11.2)

    public static let internalIP4Address = ConfigurationAttributeType(1)
    public static let internalIP4Netmask = ConfigurationAttributeType(2)
    public static let internalIP4DNS = ConfigurationAttributeType(3)
    public static let internalIP4NBNS = ConfigurationAttributeType(4)
    /// 5: was INTERNAL_ADDRESS_EXPIRY (RFC 4306), reserved in RFC 7296.
    public static let internalAddressExpiry = ConfigurationAttributeType(5)
    public static let internalIP4DHCP = ConfigurationAttributeType(6)
    public static let applicationVersion = ConfigurationAttributeType(7)
    public static let internalIP6Address = ConfigurationAttributeType(8)
    /// 9: was INTERNAL_IP6_NETMASK, reserved.
    public static let internalIP6Netmask = ConfigurationAttributeType(9)
    public static let internalIP6DNS = ConfigurationAttributeType(10)
    /// 11: was INTERNAL_IP6_NBNS, reserved.
    public static let internalIP6NBNS = ConfigurationAttributeType(11)
    public static let internalIP6DHCP = ConfigurationAttributeType(12)
    public static let internalIP4Subnet = ConfigurationAttributeType(13)
    public static let supportedAttributes = ConfigurationAttributeType(14)
    public static let internalIP6Subnet = ConfigurationAttributeType(15)
    /// 16: MIP6_HOME_PREFIX, RFC 5026.
    public static let mip6HomePrefix = ConfigurationAttributeType(16)
    /// 17: INTERNAL_IP6_LINK, RFC 5739.
    public static let internalIP6Link = ConfigurationAttributeType(17)
    /// 18: INTERNAL_IP6_PREFIX, RFC 5739.
    public static let internalIP6Prefix = ConfigurationAttributeType(18)
    /// 19: HOME_AGENT_ADDRESS, RFC 5213 / 3GPP.
    public static let homeAgentAddress = ConfigurationAttributeType(19)
    /// 20: P_CSCF_IP4_ADDRESS, RFC 7651.
    public static let pCSCFIP4Address = ConfigurationAttributeType(20)
    /// 21: P_CSCF_IP6_ADDRESS, RFC 7651.
    public static let pCSCFIP6Address = ConfigurationAttributeType(21)
    /// 22: FTT_KAT, 3GPP TS 24.302.
    public static let fttKAT = ConfigurationAttributeType(22)
    /// 23: EXTERNAL_SOURCE_IP4_NAT_INFO, 3GPP TS 29.139.
    public static let externalSourceIP4NATInfo = ConfigurationAttributeType(23)
    /// 24: TIMEOUT_PERIOD_FOR_LIVENESS_CHECK, 3GPP TS 24.302.
    public static let timeoutPeriodForLivenessCheck = ConfigurationAttributeType(24)
    /// 25: INTERNAL_DNS_DOMAIN, RFC 8598.
    public static let internalDNSDomain = ConfigurationAttributeType(25)
    /// 26: INTERNAL_DNSSEC_TA, RFC 8598.
    public static let internalDNSSECTrustAnchor = ConfigurationAttributeType(26)

    // MARK: - Microsoft (strongSwan names)

    /// 23456: INTERNAL_IP4_SERVER.
    public static let microsoftInternalIP4Server = ConfigurationAttributeType(23456)
    /// 23457: INTERNAL_IP6_SERVER.
    public static let microsoftInternalIP6Server = ConfigurationAttributeType(23457)

    // MARK: - Cisco Unity / FlexVPN (cisco-attributes.md §2; IKEv1 numbers, IKEv2 use unverified)

    /// 28672: MODECFG_BANNER / UNITY_BANNER.
    public static let unityBanner = ConfigurationAttributeType(28672)
    /// 28673: UNITY_SAVE_PASSWD.
    public static let unitySavePassword = ConfigurationAttributeType(28673)
    /// 28674: MODECFG_DEFDOMAIN / UNITY_DEF_DOMAIN.
    public static let unityDefaultDomain = ConfigurationAttributeType(28674)
    /// 28675: MODECFG_SPLITDNS_NAME / UNITY_SPLITDNS_NAME.
    public static let unitySplitDNSName = ConfigurationAttributeType(28675)
    /// 28676: UNITY_SPLIT_INCLUDE (14 octets per network).
    public static let unitySplitInclude = ConfigurationAttributeType(28676)
    /// 28677: UNITY_NATT_PORT.
    public static let unityNATTPort = ConfigurationAttributeType(28677)
    /// 28678: UNITY_LOCAL_LAN (split exclude, 14 octets per network).
    public static let unityLocalLAN = ConfigurationAttributeType(28678)
    /// 28679: MODECFG_PFS / UNITY_PFS.
    public static let unityPFS = ConfigurationAttributeType(28679)
    /// 28680: UNITY_FW_TYPE.
    public static let unityFirewallType = ConfigurationAttributeType(28680)
    /// 28681: MODECFG_BACKUPSERVERS / UNITY_BACKUP_SERVERS.
    public static let unityBackupServers = ConfigurationAttributeType(28681)
    /// 28682: UNITY_DDNS_HOSTNAME.
    public static let unityDDNSHostname = ConfigurationAttributeType(28682)
    /// 28683: requested by the Apple iOS Cisco-IPsec client, meaning unknown.
    public static let ciscoUnknownSeenOnIPhone = ConfigurationAttributeType(28683)

    // MARK: - Length rules

    /// The length a value of this type may have (RFC 7296 §3.15.1 table; 0 means a request).
    public enum LengthRule: Hashable, Sendable, CustomStringConvertible {
        /// Any length.
        case anyLength
        /// 0 or one of these lengths.
        case emptyOr([Int])
        /// A multiple of the unit (0 included).
        case multipleOf(Int)
        /// 0 or at least this many octets.
        case emptyOrAtLeast(Int)

        public var description: String {
            switch self {
            case .anyLength: "any length"
            case .emptyOr(let lengths): "need 0 or " + lengths.map(String.init).joined(separator: " or ")
            case .multipleOf(let unit): "need a multiple of \(unit)"
            case .emptyOrAtLeast(let minimum): "need 0 or at least \(minimum)"
            }
        }
    }

    /// How the value is structured, for ``ConfigurationAttribute/decodedValue(offset:)``.
    enum ValueFormat { case ipv4, ipv4Subnet, ipv6, ipv6Prefix, text, attributeTypes, unityNetworks, opaque }

    /// The length rule of `ikev2-numbers.md` §11.2 (strongSwan enforces the same).
    public var lengthRule: LengthRule {
        switch rawValue {
        case 1, 2, 3, 4, 5, 6, 20: .emptyOr([4])
        case 8, 15, 18: .emptyOr([17])
        case 10, 12: .emptyOr([16])
        case 21: .emptyOr([16, 17])
        case 13: .emptyOr([8])
        case 14: .multipleOf(2)
        case 17: .emptyOrAtLeast(8)
        case 26: .emptyOrAtLeast(3)
        case 23456: .emptyOr([4])
        case 23457: .emptyOr([16, 17])
        default: .anyLength   // APPLICATION_VERSION, domains, Unity/XAUTH, unknown
        }
    }

    var valueFormat: ValueFormat {
        switch rawValue {
        case 1, 2, 3, 4, 5, 6, 20, 23456: .ipv4
        case 13: .ipv4Subnet
        case 10, 12: .ipv6
        case 8, 15, 18, 21, 23457: .ipv6Prefix
        case 7, 25, 28672, 28674, 28675, 28681, 28682: .text
        case 14: .attributeTypes
        case 28676, 28678: .unityNetworks
        default: .opaque
        }
    }

    public var description: String {
        switch rawValue {
        case 1: "INTERNAL_IP4_ADDRESS"
        case 2: "INTERNAL_IP4_NETMASK"
        case 3: "INTERNAL_IP4_DNS"
        case 4: "INTERNAL_IP4_NBNS"
        case 5: "INTERNAL_ADDRESS_EXPIRY"
        case 6: "INTERNAL_IP4_DHCP"
        case 7: "APPLICATION_VERSION"
        case 8: "INTERNAL_IP6_ADDRESS"
        case 9: "INTERNAL_IP6_NETMASK"
        case 10: "INTERNAL_IP6_DNS"
        case 11: "INTERNAL_IP6_NBNS"
        case 12: "INTERNAL_IP6_DHCP"
        case 13: "INTERNAL_IP4_SUBNET"
        case 14: "SUPPORTED_ATTRIBUTES"
        case 15: "INTERNAL_IP6_SUBNET"
        case 16: "MIP6_HOME_PREFIX"
        case 17: "INTERNAL_IP6_LINK"
        case 18: "INTERNAL_IP6_PREFIX"
        case 19: "HOME_AGENT_ADDRESS"
        case 20: "P_CSCF_IP4_ADDRESS"
        case 21: "P_CSCF_IP6_ADDRESS"
        case 22: "FTT_KAT"
        case 23: "EXTERNAL_SOURCE_IP4_NAT_INFO"
        case 24: "TIMEOUT_PERIOD_FOR_LIVENESS_CHECK"
        case 25: "INTERNAL_DNS_DOMAIN"
        case 26: "INTERNAL_DNSSEC_TA"
        case 23456: "INTERNAL_IP4_SERVER"
        case 23457: "INTERNAL_IP6_SERVER"
        case 28672: "UNITY_BANNER"
        case 28673: "UNITY_SAVE_PASSWD"
        case 28674: "UNITY_DEF_DOMAIN"
        case 28675: "UNITY_SPLITDNS_NAME"
        case 28676: "UNITY_SPLIT_INCLUDE"
        case 28677: "UNITY_NATT_PORT"
        case 28678: "UNITY_LOCAL_LAN"
        case 28679: "UNITY_PFS"
        case 28680: "UNITY_FW_TYPE"
        case 28681: "UNITY_BACKUP_SERVERS"
        case 28682: "UNITY_DDNS_HOSTNAME"
        case 28683: "CISCO_UNKNOWN_SEEN_ON_IPHONE"
        default: "attribute-\(rawValue)"
        }
    }
}
