import HubVocabulary

/// One RADIUS attribute as IKEHub speaks of it: a type number, an optional vendor
/// (RFC 2865 §5.26 Vendor-Specific) and a typed value. No radcli type leaks out of it.
public struct RadiusAttribute: Hashable, Sendable, CustomStringConvertible {
    /// The value, typed as the dictionary types it.
    public enum Value: Hashable, Sendable {
        /// `string` / `octets`.
        case bytes([UInt8])
        /// `integer` and `date`.
        case integer(UInt32)
        /// `ipaddr`.
        case ipv4(IPv4Address)
        /// `ipv6addr`.
        case ipv6(IPv6Address)
    }

    /// Attribute type (1–255 for IETF attributes, vendor type for VSAs).
    public let type: UInt32
    /// IANA private enterprise number for a Vendor-Specific attribute; 0 for IETF ones.
    public let vendor: UInt32
    public let value: Value

    public init(type: UInt32, vendor: UInt32 = 0, value: Value) {
        self.type = type
        self.vendor = vendor
        self.value = value
    }

    public static func string(_ type: UInt32, vendor: UInt32 = 0, _ text: String) -> RadiusAttribute {
        RadiusAttribute(type: type, vendor: vendor, value: .bytes(Array(text.utf8)))
    }

    /// The value as text, when it is a byte string.
    public var text: String? {
        if case .bytes(let bytes) = value { return String(decoding: bytes, as: UTF8.self) }
        return nil
    }

    /// Attributes whose values must never be printed (RFC 2865 User-Password,
    /// RFC 2868 Tunnel-Password, Microsoft MPPE keys).
    public var isSecret: Bool {
        (vendor == 0 && (type == RadiusAttributeType.userPassword || type == RadiusAttributeType.tunnelPassword))
            || (vendor == RadiusVendor.microsoft && (type == 16 || type == 17))
    }

    public var description: String {
        let name = vendor == 0 ? "\(type)" : "\(vendor):\(type)"
        if isSecret { return "\(name)=<redacted>" }
        switch value {
        case .bytes(let bytes):
            let printable = bytes.allSatisfy { $0 >= 0x20 && $0 < 0x7f }
            return printable ? "\(name)=\"\(String(decoding: bytes, as: UTF8.self))\"" : "\(name)=0x\(Hex.encode(bytes))"
        case .integer(let number): return "\(name)=\(number)"
        case .ipv4(let address): return "\(name)=\(address)"
        case .ipv6(let address): return "\(name)=\(address)"
        }
    }
}

/// IETF attribute type numbers used by name in IKEHub (RFC 2865, 2866, 2868, 2869, 3162).
public enum RadiusAttributeType {
    public static let userName: UInt32 = 1
    public static let userPassword: UInt32 = 2
    public static let nasIPAddress: UInt32 = 4
    public static let nasPort: UInt32 = 5
    public static let serviceType: UInt32 = 6
    public static let framedProtocol: UInt32 = 7
    public static let framedIPAddress: UInt32 = 8
    public static let framedIPNetmask: UInt32 = 9
    public static let replyMessage: UInt32 = 18
    public static let state: UInt32 = 24
    public static let `class`: UInt32 = 25
    public static let vendorSpecific: UInt32 = 26
    public static let sessionTimeout: UInt32 = 27
    public static let callingStationID: UInt32 = 31
    public static let nasIdentifier: UInt32 = 32
    public static let acctStatusType: UInt32 = 40
    public static let acctSessionID: UInt32 = 44
    public static let tunnelPassword: UInt32 = 69
    public static let eapMessage: UInt32 = 79
    public static let messageAuthenticator: UInt32 = 80
    public static let framedPool: UInt32 = 88
}

/// Vendor numbers (IANA private enterprise numbers) IKEHub knows.
public enum RadiusVendor {
    public static let cisco: UInt32 = 9
    public static let microsoft: UInt32 = 311
    public static let cvpn3000: UInt32 = 3076
}
