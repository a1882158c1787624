import HubVocabulary

/// Vendor IDs this headend recognises (fact sheets `ikev2-numbers.md` §14 and
/// `cisco-attributes.md` §4). Cisco's IKEv2 VIDs are plain ASCII; the others are MD5
/// hashes, some followed by version octets (matched by prefix).
public enum KnownVendorID: CaseIterable, Hashable, Sendable {
    /// MD5("strongSwan").
    case strongSwan
    /// MD5("FRAGMENTATION"): Cisco/Microsoft IKEv1 fragmentation (prefix).
    case ikev1Fragmentation
    /// Microsoft "MS NT5 ISAKMPOAKLEY" followed by a 4-octet version (prefix).
    case microsoftNT5ISAKMPOAKLEY
    /// Microsoft MS-Negotiation Discovery Capable.
    case microsoftNegotiationDiscoveryCapable
    /// MD5("Vid-Initial-Contact") (Microsoft).
    case microsoftVidInitialContact
    /// Microsoft Xbox One 2013.
    case microsoftXboxOne2013
    /// Microsoft Xbox IKEv2 Negotiation.
    case microsoftXboxIKEv2Negotiation
    /// ASCII `CISCO-DELETE-REASON` (IKEv2; sent by IOS FlexVPN clients).
    case ciscoDeleteReason
    /// ASCII `FLEXVPN-SUPPORTED` (IKEv2; the peer is a FlexVPN client/peer).
    case flexVPNSupported
    /// ASCII `CISCO-DYNAMIC-ROUTE` (IKEv2).
    case ciscoDynamicRoute
    /// ASCII `CISCO(COPYRIGHT)&Copyright (c) 2009 Cisco Systems, Inc.` (IKEv2 marker).
    case ciscoCopyright
    /// ASCII `CISCOVPN-REV-02` (IKEv1).
    case ciscoVPNRev02
    /// MD5("CISCO-UNITY") with major/minor in the last 2 octets (IKEv1, prefix of 14).
    case ciscoUnity
    /// Cisco-Unity firewall type (IKEv1).
    case ciscoUnityFirewallType
    /// Cisco VPN 3000 / ASA "ALTIGA GATEWAY" with a 2-octet version (IKEv1, prefix).
    case ciscoVPN3000Gateway
    /// Cisco VPN 3000 client (IKEv1).
    case ciscoVPN3000Client
    /// Cisco IOS device (IKEv1, 4-octet prefix).
    case ciscoIOSDevice

    /// The VID octets (for prefix entries, the prefix).
    public var bytes: [UInt8] {
        switch self {
        case .strongSwan: Self.hex("882fe56d6fd20dbc2251613b2ebe5beb")
        case .ikev1Fragmentation: Self.hex("4048b7d56ebce88525e7de7f00d6c2d3")
        case .microsoftNT5ISAKMPOAKLEY: Self.hex("1e2b516905991c7d7c96fcbfb587e461")
        case .microsoftNegotiationDiscoveryCapable: Self.hex("fb1de3cdf341b7ea16b7e5be0855f120")
        case .microsoftVidInitialContact: Self.hex("26244d38eddb61b3172a36e3d0cfb819")
        case .microsoftXboxOne2013: Self.hex("8aa394cf8a5577dc3110c113b027a4f2")
        case .microsoftXboxIKEv2Negotiation: Self.hex("660822b3a73a244149578d62e0eb46a0")
        case .ciscoDeleteReason: Array("CISCO-DELETE-REASON".utf8)
        case .flexVPNSupported: Array("FLEXVPN-SUPPORTED".utf8)
        case .ciscoDynamicRoute: Array("CISCO-DYNAMIC-ROUTE".utf8)
        case .ciscoCopyright: Array("CISCO(COPYRIGHT)&Copyright (c) 2009 Cisco Systems, Inc.".utf8)
        case .ciscoVPNRev02: Array("CISCOVPN-REV-02".utf8)
        case .ciscoUnity: Self.hex("12f5f28c457168a9702d9fe274cc")
        case .ciscoUnityFirewallType: Self.hex("800100018002000180030002")
        case .ciscoVPN3000Gateway: Self.hex("1f07f70eaa6514d3b0fa96542a50")
        case .ciscoVPN3000Client: Self.hex("f6f7efc7f5aeb8cb158cb9d094ba69e7")
        case .ciscoIOSDevice: Self.hex("3e984048")
        }
    }

    /// Whether longer VIDs starting with ``bytes`` match (versioned VIDs).
    public var matchesByPrefix: Bool {
        switch self {
        case .ikev1Fragmentation, .microsoftNT5ISAKMPOAKLEY, .ciscoUnity, .ciscoVPN3000Gateway, .ciscoIOSDevice: true
        default: false
        }
    }

    /// True for the ASCII Cisco IKEv2 markers that identify a Cisco client
    /// (`cisco-attributes.md` §4, suggested responder behaviour).
    public var isCiscoIKEv2Marker: Bool {
        switch self {
        case .ciscoDeleteReason, .flexVPNSupported, .ciscoDynamicRoute, .ciscoCopyright: true
        default: false
        }
    }

    /// The known vendor `vendorID` names, if any.
    public init?(matching vendorID: [UInt8]) {
        for candidate in Self.allCases {
            let pattern = candidate.bytes
            if candidate.matchesByPrefix ? vendorID.starts(with: pattern) : vendorID == pattern {
                self = candidate
                return
            }
        }
        return nil
    }

    private static func hex(_ text: String) -> [UInt8] { Hex.decode(text) ?? [] }
}
