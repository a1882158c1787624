/// The Next Payload / payload type octet (RFC 7296 §3.2, IANA "IKEv2 Payload Types").
///
/// A struct rather than an enum so that unassigned and private-use values (RFC 7296 §3.2:
/// skipped unless critical) are representable and round-trip.
public struct PayloadType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public init(_ rawValue: UInt8) { self.rawValue = rawValue }

    /// 0: No Next Payload.
    public static let none = PayloadType(0)
    /// 33: Security Association (SA), RFC 7296 §3.3.
    public static let securityAssociation = PayloadType(33)
    /// 34: Key Exchange (KE), RFC 7296 §3.4.
    public static let keyExchange = PayloadType(34)
    /// 35: Identification – Initiator (IDi), RFC 7296 §3.5.
    public static let identificationInitiator = PayloadType(35)
    /// 36: Identification – Responder (IDr), RFC 7296 §3.5.
    public static let identificationResponder = PayloadType(36)
    /// 37: Certificate (CERT), RFC 7296 §3.6.
    public static let certificate = PayloadType(37)
    /// 38: Certificate Request (CERTREQ), RFC 7296 §3.7.
    public static let certificateRequest = PayloadType(38)
    /// 39: Authentication (AUTH), RFC 7296 §3.8.
    public static let authentication = PayloadType(39)
    /// 40: Nonce (Ni, Nr), RFC 7296 §3.9.
    public static let nonce = PayloadType(40)
    /// 41: Notify (N), RFC 7296 §3.10.
    public static let notify = PayloadType(41)
    /// 42: Delete (D), RFC 7296 §3.11.
    public static let delete = PayloadType(42)
    /// 43: Vendor ID (V), RFC 7296 §3.12.
    public static let vendorID = PayloadType(43)
    /// 44: Traffic Selector – Initiator (TSi), RFC 7296 §3.13.
    public static let trafficSelectorInitiator = PayloadType(44)
    /// 45: Traffic Selector – Responder (TSr), RFC 7296 §3.13.
    public static let trafficSelectorResponder = PayloadType(45)
    /// 46: Encrypted and Authenticated (SK), RFC 7296 §3.14.
    public static let encrypted = PayloadType(46)
    /// 47: Configuration (CP), RFC 7296 §3.15.
    public static let configuration = PayloadType(47)
    /// 48: Extensible Authentication (EAP), RFC 7296 §3.16.
    public static let eap = PayloadType(48)
    /// 49: Generic Secure Password Method (GSPM), RFC 6467. Not decoded: kept raw.
    public static let genericSecurePasswordMethod = PayloadType(49)
    /// 53: Encrypted and Authenticated Fragment (SKF), RFC 7383 §2.5.
    public static let encryptedFragment = PayloadType(53)
    /// 54: Puzzle Solution (PS), RFC 8019. Not decoded: kept raw.
    public static let puzzleSolution = PayloadType(54)

    /// The abbreviation RFC 7296 uses in exchange diagrams ("IDi", "SK", "N").
    public var abbreviation: String {
        switch rawValue {
        case 0: "NONE"
        case 33: "SA"
        case 34: "KE"
        case 35: "IDi"
        case 36: "IDr"
        case 37: "CERT"
        case 38: "CERTREQ"
        case 39: "AUTH"
        case 40: "Nonce"
        case 41: "N"
        case 42: "D"
        case 43: "V"
        case 44: "TSi"
        case 45: "TSr"
        case 46: "SK"
        case 47: "CP"
        case 48: "EAP"
        case 49: "GSPM"
        case 50: "IDg"
        case 51: "GSA"
        case 52: "KD"
        case 53: "SKF"
        case 54: "PS"
        default: "payload-\(rawValue)"
        }
    }

    public var description: String { abbreviation }
}
