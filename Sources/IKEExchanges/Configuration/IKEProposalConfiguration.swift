import IKECrypto

/// One `crypto ikev2 proposal`: sets of transforms of which any combination is
/// acceptable. With an AEAD encryption the integrity set is not used (RFC 5282 §8).
public struct IKEProposalConfiguration: Hashable, Sendable, CustomStringConvertible {
    public var name: String
    /// Encryption transforms in our order of preference.
    public var encryptions: [EncryptionTransform]
    /// Integrity algorithms for the non-AEAD encryptions, in order of preference.
    public var integrities: [IntegrityAlgorithm]
    public var prfs: [PseudorandomFunction]
    /// Key exchange groups in order of preference; the first is what INVALID_KE_PAYLOAD asks for.
    public var groups: [DiffieHellmanGroup]

    public init(name: String, encryptions: [EncryptionTransform], integrities: [IntegrityAlgorithm] = [],
                prfs: [PseudorandomFunction], groups: [DiffieHellmanGroup]) {
        self.name = name
        self.encryptions = encryptions
        self.integrities = integrities
        self.prfs = prfs
        self.groups = groups
    }

    /// The IOS default proposal (`show crypto ikev2 proposal default`): AES-CBC-256/192/128,
    /// SHA-512/384/256/SHA-1 (as integrity and PRF), groups 19, 20, 14 … as listed.
    public static func iosDefault() -> IKEProposalConfiguration {
        IKEProposalConfiguration(
            name: "default",
            encryptions: [256, 192, 128].compactMap { try? EncryptionTransform(.aesCBC, keyLengthBits: $0) },
            integrities: [.hmacSHA512_256, .hmacSHA384_192, .hmacSHA256_128, .hmacSHA1_96],
            prfs: [.hmacSHA512, .hmacSHA384, .hmacSHA256, .hmacSHA1],
            groups: [.ecp256, .ecp384, .modp2048])
    }

    public var description: String {
        "\(name): \(encryptions.map(\.description).joined(separator: " ")) / \(integrities.map(\.description).joined(separator: " ")) / "
            + "\(prfs.map(\.description).joined(separator: " ")) / \(groups.map(\.description).joined(separator: " "))"
    }
}

/// One IPsec transform set / ESP proposal for CHILD_SAs (`crypto ipsec transform-set`,
/// plus the profile's `set pfs`).
public struct ChildProposalConfiguration: Hashable, Sendable, CustomStringConvertible {
    public var name: String
    public var encryptions: [EncryptionTransform]
    /// Used only with non-AEAD encryptions.
    public var integrities: [IntegrityAlgorithm]
    /// Acceptable Extended Sequence Numbers settings in order of preference
    /// (`true` = ESN, RFC 4303 §2.2.1).
    public var extendedSequenceNumbers: [Bool]
    /// The PFS group for CREATE_CHILD_SA (`set pfs groupN`); `nil` = no PFS required.
    /// Never used in IKE_AUTH, whose CHILD_SA takes its keys from the IKE SA (RFC 7296 §1.2).
    public var pfsGroup: DiffieHellmanGroup?

    public init(name: String, encryptions: [EncryptionTransform], integrities: [IntegrityAlgorithm] = [],
                extendedSequenceNumbers: [Bool] = [false, true], pfsGroup: DiffieHellmanGroup? = nil) {
        self.name = name
        self.encryptions = encryptions
        self.integrities = integrities
        self.extendedSequenceNumbers = extendedSequenceNumbers
        self.pfsGroup = pfsGroup
    }

    public var description: String {
        "\(name): \(encryptions.map(\.description).joined(separator: " ")) / \(integrities.map(\.description).joined(separator: " "))"
            + (pfsGroup.map { " pfs \($0)" } ?? "")
    }
}
