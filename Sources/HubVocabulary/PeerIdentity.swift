/// An IKE identity (RFC 7296 §3.5): what IDi/IDr carry and what `match identity
/// remote` and keyrings compare against.
public struct PeerIdentity: Hashable, Sendable, CustomStringConvertible {
    /// The ID Type octet.
    public enum Kind: Hashable, Sendable {
        case ipv4Address        // 1
        case fqdn               // 2
        case rfc822Address      // 3
        case ipv6Address        // 5
        case derASN1DN          // 9
        case derASN1GN          // 10
        case keyID              // 11
        case fibreChannelName   // 12
        case null               // 13 (RFC 7619)
        case other(UInt8)

        public init(rawValue: UInt8) {
            switch rawValue {
            case 1: self = .ipv4Address
            case 2: self = .fqdn
            case 3: self = .rfc822Address
            case 5: self = .ipv6Address
            case 9: self = .derASN1DN
            case 10: self = .derASN1GN
            case 11: self = .keyID
            case 12: self = .fibreChannelName
            case 13: self = .null
            default: self = .other(rawValue)
            }
        }

        public var rawValue: UInt8 {
            switch self {
            case .ipv4Address: 1
            case .fqdn: 2
            case .rfc822Address: 3
            case .ipv6Address: 5
            case .derASN1DN: 9
            case .derASN1GN: 10
            case .keyID: 11
            case .fibreChannelName: 12
            case .null: 13
            case .other(let value): value
            }
        }
    }

    public let kind: Kind
    /// Identification Data as on the wire.
    public let data: [UInt8]

    public init(kind: Kind, data: [UInt8]) {
        self.kind = kind
        self.data = data
    }

    public static func fqdn(_ name: String) -> PeerIdentity { PeerIdentity(kind: .fqdn, data: Array(name.utf8)) }
    public static func email(_ address: String) -> PeerIdentity { PeerIdentity(kind: .rfc822Address, data: Array(address.utf8)) }
    public static func keyID(_ id: String) -> PeerIdentity { PeerIdentity(kind: .keyID, data: Array(id.utf8)) }
    public static func address(_ address: IPAddress) -> PeerIdentity {
        switch address {
        case .v4(let v4): PeerIdentity(kind: .ipv4Address, data: v4.bytes)
        case .v6(let v6): PeerIdentity(kind: .ipv6Address, data: v6.bytes)
        }
    }

    /// The data as text where the type is textual (FQDN, e-mail, key-id when printable).
    public var text: String? {
        switch kind {
        case .fqdn, .rfc822Address, .keyID:
            guard data.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) else { return nil }
            return String(decoding: data, as: UTF8.self)
        default:
            return nil
        }
    }

    public var description: String {
        switch kind {
        case .ipv4Address, .ipv6Address:
            return IPAddress(bytes: data).map { "\($0)" } ?? "address:\(Hex.encode(data))"
        case .fqdn: return "fqdn:" + (text ?? Hex.encode(data))
        case .rfc822Address: return "email:" + (text ?? Hex.encode(data))
        case .keyID: return "key-id:" + (text ?? Hex.encode(data))
        case .derASN1DN: return "dn:" + Hex.encode(data)
        case .derASN1GN: return "gn:" + Hex.encode(data)
        case .fibreChannelName: return "fc:" + Hex.encode(data)
        case .null: return "null"
        case .other(let type): return "id\(type):" + Hex.encode(data)
        }
    }
}
