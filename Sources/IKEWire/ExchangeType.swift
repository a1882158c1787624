/// The Exchange Type octet of the IKE header (RFC 7296 §3.1, IANA "IKEv2 Exchange Types").
public struct ExchangeType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public init(_ rawValue: UInt8) { self.rawValue = rawValue }

    /// 34: IKE_SA_INIT, RFC 7296 §1.2.
    public static let ikeSAInit = ExchangeType(34)
    /// 35: IKE_AUTH, RFC 7296 §1.2.
    public static let ikeAuth = ExchangeType(35)
    /// 36: CREATE_CHILD_SA, RFC 7296 §1.3.
    public static let createChildSA = ExchangeType(36)
    /// 37: INFORMATIONAL, RFC 7296 §1.4.
    public static let informational = ExchangeType(37)
    /// 38: IKE_SESSION_RESUME, RFC 5723.
    public static let ikeSessionResume = ExchangeType(38)
    /// 43: IKE_INTERMEDIATE, RFC 9242.
    public static let ikeIntermediate = ExchangeType(43)
    /// 44: IKE_FOLLOWUP_KE, RFC 9370.
    public static let ikeFollowupKE = ExchangeType(44)

    public var description: String {
        switch rawValue {
        case 34: "IKE_SA_INIT"
        case 35: "IKE_AUTH"
        case 36: "CREATE_CHILD_SA"
        case 37: "INFORMATIONAL"
        case 38: "IKE_SESSION_RESUME"
        case 39: "GSA_AUTH"
        case 40: "GSA_REGISTRATION"
        case 41: "GSA_REKEY"
        case 43: "IKE_INTERMEDIATE"
        case 44: "IKE_FOLLOWUP_KE"
        default: "exchange-\(rawValue)"
        }
    }
}
