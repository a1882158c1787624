import HubVocabulary

/// `crypto pki …`.
public struct PKIConfiguration: Equatable, Sendable {
    public var trustpoints: [Trustpoint] = []
    public var certificateMaps: [CertificateMap] = []
    public init() {}
}

/// `crypto pki trustpoint NAME`, with the Linux files that replace IOS enrollment.
public struct Trustpoint: Equatable, Sendable, NamedObject {
    /// `revocation-check …` methods, tried in order.
    public enum RevocationCheck: String, Equatable, Sendable {
        case crl, ocsp, none
    }
    public var name: String
    public var revocationCheck: [RevocationCheck] = []
    /// Linux addition: this headend's certificate (PEM).
    public var certificateFile: String?
    /// Linux addition: its private key (PEM); read only by the auth broker.
    public var privateKeyFile: String?
    /// Linux addition: the CA certificates that verify peers (PEM).
    public var caCertificateFile: String?
    /// Linux addition: a CRL of the trustpoint's CA (PEM or DER), used besides the CRL
    /// distribution points of the certificates.
    public var crlFile: String?

    public init(name: String) { self.name = name }
}

/// `crypto pki certificate map NAME SEQUENCE`: all rules of one sequence must hold.
public struct CertificateMap: Equatable, Sendable, NamedObject {
    /// One `FIELD OPERATOR VALUE` rule.
    public struct Rule: Equatable, Sendable {
        /// The certificate field compared.
        public enum Field: String, Equatable, Sendable {
            case subjectName = "subject-name"
            case issuerName = "issuer-name"
            case altSubjectName = "alt-subject-name"
            /// The serial number in hex.
            case serialNumber = "serial-number"
            /// notAfter, compared as a date.
            case expiresOn = "expires-on"
        }
        /// `eq`, `ne`, `co` (contains), `nc` (does not contain); IOS compares names
        /// case-insensitively. `lt`, `le`, `gt`, `ge` compare `expires-on` dates.
        public enum Operator: String, Equatable, Sendable {
            case eq, ne, co, nc, lt, le, gt, ge
        }
        public var field: Field
        public var `operator`: Operator
        public var value: String

        public init(field: Field, operator: Operator, value: String) {
            self.field = field
            self.operator = `operator`
            self.value = value
        }
    }
    public var name: String
    public var sequence: Int
    public var rules: [Rule] = []

    public init(name: String, sequence: Int, rules: [Rule] = []) {
        self.name = name
        self.sequence = sequence
        self.rules = rules
    }
}

/// `crypto ipsec …`.
public struct IPsecConfiguration: Equatable, Sendable {
    /// Includes the built-in `default` transform set unless redefined.
    public var transformSets: [TransformSet] = []
    /// Includes the built-in `default` profile unless redefined.
    public var profiles: [IPsecProfile] = []
    /// `crypto ipsec security-association lifetime`: IOS defaults 3600 s and 4 608 000 KB
    /// (Cisco 7100 VPN configuration guide, "Setting Global Lifetimes for IPSec SAs").
    public var lifetimeSeconds = 3600
    public var lifetimeKilobytes: UInt64 = 4_608_000
    public init() {}
}

/// `crypto ipsec transform-set NAME TRANSFORM…`.
public struct TransformSet: Equatable, Sendable, NamedObject {
    /// One transform keyword, with its key size where one was given (`esp-aes 256`).
    public struct Transform: Equatable, Sendable {
        public var name: String
        public var keyBits: Int?
    }
    /// `mode tunnel|transport`.
    public enum Mode: String, Equatable, Sendable {
        case tunnel, transport
    }
    public var name: String
    public var transforms: [Transform]
    public var mode: Mode = .tunnel
    public var isBuiltIn = false
}

/// `crypto ipsec profile NAME`: what a tunnel interface's CHILD_SAs use.
public struct IPsecProfile: Equatable, Sendable, NamedObject {
    public var name: String
    public var description: String?
    public var transformSets: [String] = []
    public var ikev2Profile: String?
    /// `set pfs [groupN]`: `0` means the group of the IKE SA.
    public var pfsGroup: Int?
    /// Unset: the global `crypto ipsec security-association lifetime`.
    public var lifetimeSeconds: Int?
    public var lifetimeKilobytes: UInt64?
    public var lifetimeKilobytesDisabled = false
    /// `set security-association replay window-size N`; `0` when `replay disable`.
    public var replayWindow: Int?
    public var idleTimeSeconds: Int?
    public var responderOnly = false
    public var isBuiltIn = false
}

// MARK: - Address pools

/// `ip local pool NAME START [END] [group G]`, one entry per range.
public struct IPv4Pool: Equatable, Sendable, NamedObject {
    /// One range of the pool.
    public struct Range: Equatable, Sendable {
        public var start: IPv4Address
        public var end: IPv4Address
        public var group: String?
        public var cacheSize: Int?
        public var count: UInt64 { UInt64(end.rawValue - start.rawValue) + 1 }
    }
    public var name: String
    public var ranges: [Range] = []
}

/// `ipv6 local pool NAME PREFIX/LEN ASSIGNED-LENGTH [shared]`.
public struct IPv6Pool: Equatable, Sendable, NamedObject {
    public var name: String
    public var prefix: IPv6Address
    public var prefixLength: UInt8
    /// Length of the prefix given to each client (128: one address).
    public var assignedLength: UInt8
    public var shared = false
    public var cacheSize: Int?
}
