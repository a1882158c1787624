import HubVocabulary
import IKECrypto
import IKEWire

/// An IKE proposal we accepted.
struct SelectedIKEProposal: Hashable, Sendable {
    /// The number of the offered proposal, echoed in SAr (RFC 7296 §3.3.1).
    var number: UInt8
    var transforms: NegotiatedIKETransforms
    var configurationName: String
    /// The peer's SPI in the proposal (8 octets in an IKE rekey, else empty).
    var peerSPI: [UInt8]

    /// The single proposal of our SA payload.
    func responseProposal(spi: [UInt8] = []) -> Proposal {
        var list = [encryptionTransform(transforms.encryption),
                    Transform(type: .pseudorandomFunction, id: transforms.prf.transformID)]
        if let integrity = transforms.integrity { list.append(Transform(type: .integrity, id: integrity.transformID)) }
        list.append(Transform(type: .keyExchangeMethod, id: transforms.group.transformID))
        return Proposal(number: number, protocolID: .ike, spi: spi, transforms: list)
    }
}

/// An ESP proposal we accepted.
struct SelectedChildProposal: Hashable, Sendable {
    var number: UInt8
    /// The SPI the peer receives on: our outbound SPI.
    var peerSPI: UInt32
    var transforms: ChildSATransforms
    var extendedSequenceNumbers: Bool
    /// The PFS group, when the exchange carries KE payloads.
    var group: DiffieHellmanGroup?
    var configurationName: String

    func responseProposal(spi: UInt32) -> Proposal {
        var list: [Transform] = []
        if let encryption = transforms.encryption { list.append(encryptionTransform(encryption)) }
        if let integrity = transforms.integrity { list.append(Transform(type: .integrity, id: integrity.transformID)) }
        if let group { list.append(Transform(type: .keyExchangeMethod, id: group.transformID)) }
        list.append(Transform(type: .sequenceNumbers, id: extendedSequenceNumbers ? 1 : 0))
        return Proposal(number: number, protocolID: .esp, spi: spiBytes(spi), transforms: list)
    }
}

func encryptionTransform(_ encryption: EncryptionTransform) -> Transform {
    encryption.algorithm.requiresKeyLengthAttribute
        ? Transform(type: .encryption, id: encryption.algorithm.transformID, keyLength: UInt16(encryption.keyLengthBits))
        : Transform(type: .encryption, id: encryption.algorithm.transformID)
}

func spiBytes(_ spi: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: spi >> (24 - 8 * $0)) } }

func spiValue(_ bytes: [UInt8]) -> UInt32? {
    bytes.count == 4 ? bytes.reduce(UInt32(0)) { $0 << 8 | UInt32($1) } : nil
}

/// Proposal selection: the first configured proposal the peer also offers (IOS order),
/// and within it our preferred transform of each type (RFC 7296 §2.7).
enum ProposalSelection {
    /// The outcome of a selection that may ask for another KE group.
    enum Outcome<Selected> {
        case selected(Selected)
        /// The proposal is acceptable with this group; answer INVALID_KE_PAYLOAD (RFC 7296 §1.2).
        case invalidKE(preferredGroup: DiffieHellmanGroup)
        case noProposal(reason: String)
    }

    /// RFC 7296 §3.3.6: a proposal with a transform type we do not know is unacceptable.
    private static func onlyKnownTypes(_ proposal: Proposal, allowed: Set<UInt8>) -> Bool {
        proposal.transforms.allSatisfy { allowed.contains($0.type.rawValue) }
    }

    private static func offers(_ proposal: Proposal, _ encryption: EncryptionTransform) -> Bool {
        proposal.transforms(ofType: .encryption).contains { transform in
            guard transform.id == encryption.algorithm.transformID else { return false }
            let bits = transform.keyLength.map(Int.init)
            return encryption.algorithm.requiresKeyLengthAttribute ? bits == encryption.keyLengthBits
                : (bits == nil || bits == encryption.keyLengthBits)
        }
    }

    private static func offeredIDs(_ proposal: Proposal, _ type: TransformType) -> [UInt16] {
        proposal.transforms(ofType: type).map(\.id)
    }

    /// AEAD needs no INTEG, or INTEG NONE (RFC 5282 §8); otherwise our first INTEG offered.
    private static func integrity(for encryption: EncryptionTransform, configured: [IntegrityAlgorithm],
                                  offered: [UInt16]) -> IntegrityAlgorithm?? {
        if encryption.algorithm.isAEAD {
            return offered.isEmpty || offered.contains(0) ? .some(nil) : nil
        }
        guard let chosen = configured.first(where: { offered.contains($0.transformID) }) else { return nil }
        return .some(chosen)
    }

    // MARK: - IKE

    /// The first configured proposal the peer also offers is selected; if the KE payload's
    /// group is not among the groups it allows, the answer is INVALID_KE_PAYLOAD with its
    /// preferred group (RFC 7296 §1.2), even when a later proposal would fit the KE.
    static func selectIKE(offered: [Proposal], configured: [IKEProposalConfiguration],
                          keyExchangeGroup: UInt16?) -> Outcome<SelectedIKEProposal> {
        for configuration in configured {
            for proposal in offered where proposal.protocolID == .ike && onlyKnownTypes(proposal, allowed: [1, 2, 3, 4]) {
                let offeredGroups = offeredIDs(proposal, .keyExchangeMethod)
                let offeredPRFs = offeredIDs(proposal, .pseudorandomFunction)
                let offeredIntegrity = offeredIDs(proposal, .integrity)
                guard let prf = configuration.prfs.first(where: { offeredPRFs.contains($0.transformID) }) else { continue }
                let groups = configuration.groups.filter { offeredGroups.contains($0.transformID) }
                guard let firstGroup = groups.first else { continue }
                for encryption in configuration.encryptions where offers(proposal, encryption) {
                    guard let integrity = integrity(for: encryption, configured: configuration.integrities,
                                                    offered: offeredIntegrity) else { continue }
                    // The group the initiator already sent a KE for, if this proposal allows it.
                    let group = groups.first { $0.transformID == keyExchangeGroup } ?? firstGroup
                    guard let transforms = try? NegotiatedIKETransforms(encryption: encryption, prf: prf,
                                                                        integrity: integrity, group: group) else { continue }
                    if let keyExchangeGroup, keyExchangeGroup != group.transformID {
                        return .invalidKE(preferredGroup: group)
                    }
                    return .selected(SelectedIKEProposal(number: proposal.number, transforms: transforms,
                                                         configurationName: configuration.name, peerSPI: proposal.spi))
                }
            }
        }
        return .noProposal(reason: "none of \(offered.count) offered IKE proposals matches \(configured.map(\.name))")
    }

    // MARK: - ESP

    /// `keyExchangeGroup` is the KE payload's group in CREATE_CHILD_SA (nil in IKE_AUTH,
    /// where KE transforms are ignored, and in a rekey without PFS).
    static func selectChild(offered: [Proposal], configured: [ChildProposalConfiguration], keyExchangeGroup: UInt16?,
                            inIKEAuth: Bool) -> Outcome<SelectedChildProposal> {
        var wantedGroup: DiffieHellmanGroup?
        for configuration in configured {
            for proposal in offered where proposal.protocolID == .esp && onlyKnownTypes(proposal, allowed: [1, 3, 4, 5]) {
                guard let peerSPI = spiValue(proposal.spi) else { continue }
                let offeredIntegrity = offeredIDs(proposal, .integrity)
                let offeredESN = offeredIDs(proposal, .sequenceNumbers)
                let offeredGroups = offeredIDs(proposal, .keyExchangeMethod)
                guard let esn = configuration.extendedSequenceNumbers.first(where: {
                    (offeredESN.isEmpty ? [0] : offeredESN).contains($0 ? 1 : 0)
                }) else { continue }
                var group: DiffieHellmanGroup?
                if !inIKEAuth {
                    if let required = configuration.pfsGroup {
                        guard offeredGroups.contains(required.transformID) else { continue }
                        guard keyExchangeGroup == required.transformID else {
                            if keyExchangeGroup != nil { wantedGroup = wantedGroup ?? required }
                            continue
                        }
                        group = required
                    } else if let keyExchangeGroup {
                        guard offeredGroups.contains(keyExchangeGroup),
                              let supported = DiffieHellmanGroup(transformID: keyExchangeGroup) else { continue }
                        group = supported
                    } else if !offeredGroups.isEmpty, !offeredGroups.contains(0) {
                        continue   // the peer insists on PFS but sent no KE
                    }
                }
                for encryption in configuration.encryptions where offers(proposal, encryption) {
                    guard let integrity = integrity(for: encryption, configured: configuration.integrities,
                                                    offered: offeredIntegrity),
                          let transforms = try? ChildSATransforms(encryption: encryption, integrity: integrity) else { continue }
                    return .selected(SelectedChildProposal(number: proposal.number, peerSPI: peerSPI, transforms: transforms,
                                                           extendedSequenceNumbers: esn, group: group,
                                                           configurationName: configuration.name))
                }
            }
        }
        if let wantedGroup { return .invalidKE(preferredGroup: wantedGroup) }
        return .noProposal(reason: "none of \(offered.count) offered ESP proposals matches \(configured.map(\.name))")
    }
}
