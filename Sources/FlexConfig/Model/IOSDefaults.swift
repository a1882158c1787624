/// The objects IOS creates by itself ("IKEv2 smart defaults"), which a configuration may
/// use without defining them, and may redefine.
///
/// Source: Cisco IOS XE "Configuring Internet Key Exchange Version 2 (IKEv2) and FlexVPN
/// Site-to-Site", section "IKEv2 Smart Defaults" (`show crypto ikev2 proposal default`,
/// `show crypto ipsec transform-set default`, `show crypto ipsec profile default`, IOS XE
/// 16.x, where DH groups 1/2/5 and MD5 were dropped from the defaults). The IPsec lifetimes
/// are in `IPsecConfiguration`; the EAP time-out (90 s) and reconnect time-out (1800 s)
/// come from the seed articles.
enum IOSDefaults {
    static let proposal = IKEv2Proposal(
        name: "default",
        encryption: ["aes-cbc-256", "aes-cbc-192", "aes-cbc-128"],
        integrity: ["sha512", "sha384", "sha256", "sha1"],
        prf: [],
        groups: [19, 20, 14, 21],
        isBuiltIn: true)

    static let policy = IKEv2Policy(name: "default", proposals: ["default"], localAddresses: [], matchFVRF: "any", isBuiltIn: true)

    static let transformSet = TransformSet(
        name: "default",
        transforms: [.init(name: "esp-aes", keyBits: nil), .init(name: "esp-sha-hmac", keyBits: nil)],
        mode: .tunnel,
        isBuiltIn: true)

    static let ipsecProfile: IPsecProfile = {
        var profile = IPsecProfile(name: "default")
        profile.transformSets = ["default"]
        profile.isBuiltIn = true
        return profile
    }()

    /// RFC 7296 leaves the EAP wait to the responder; the seed gives IOS's 90 s.
    static let eapTimeoutSeconds = 90
}
