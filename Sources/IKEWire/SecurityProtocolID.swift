import HubVocabulary

/// The Protocol ID octet of Proposal, Notify and Delete (RFC 7296 §3.3.1).
public struct SecurityProtocolID: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public init(_ rawValue: UInt8) { self.rawValue = rawValue }

    /// 0: no SA (a Notify without SPI).
    public static let none = SecurityProtocolID(0)
    /// 1: IKE.
    public static let ike = SecurityProtocolID(1)
    /// 2: AH.
    public static let ah = SecurityProtocolID(2)
    /// 3: ESP.
    public static let esp = SecurityProtocolID(3)

    /// The protocol as a CHILD_SA protocol, for AH and ESP.
    public var ipsecProtocol: IPsecProtocol? { IPsecProtocol(rawValue: rawValue) }

    /// The SPI size RFC 7296 §3.3.1 fixes for this protocol, when it fixes one
    /// (AH/ESP: 4; IKE: 0 in IKE_SA_INIT, 8 when rekeying, so no single value).
    public var childSPISize: Int? {
        self == .ah || self == .esp ? 4 : nil
    }

    public var description: String {
        switch rawValue {
        case 0: "none"
        case 1: "IKE"
        case 2: "AH"
        case 3: "ESP"
        default: "protocol-\(rawValue)"
        }
    }
}
