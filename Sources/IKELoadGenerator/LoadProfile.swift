import HubVocabulary
import IKECrypto
import IKEWire

/// What every IKE SA of one load run offers and asks for: one IKE proposal, PSK
/// authentication of the initiator, the responder's by PSK or by certificate, optionally
/// a CHILD_SA and a CFG_REQUEST (the remote-access case).
public struct LoadProfile: Sendable {
    /// The single IKE proposal the initiator offers and then uses.
    public struct Suite: Sendable, CustomStringConvertible {
        public var encryption: EncryptionTransform
        public var integrity: IntegrityAlgorithm?
        public var prf: PseudorandomFunction
        public var group: DiffieHellmanGroup

        public init(encryption: EncryptionTransform, integrity: IntegrityAlgorithm?, prf: PseudorandomFunction,
                    group: DiffieHellmanGroup) {
            self.encryption = encryption
            self.integrity = integrity
            self.prf = prf
            self.group = group
        }

        /// aes128-sha256-`group`: what the lab's strongSwan bench offers (lab/bench/gen-conns.sh).
        public static func aes128SHA256(group: DiffieHellmanGroup) throws -> Suite {
            Suite(encryption: try EncryptionTransform(.aesCBC, keyLengthBits: 128), integrity: .hmacSHA256_128,
                  prf: .hmacSHA256, group: group)
        }

        public var transforms: NegotiatedIKETransforms {
            get throws { try NegotiatedIKETransforms(encryption: encryption, prf: prf, integrity: integrity, group: group) }
        }

        public var description: String { "\(encryption)/\(integrity.map { "\($0)" } ?? "AEAD")/\(prf)/\(group)" }
    }

    public var suite: Suite
    /// Ask for one CHILD_SA in IKE_AUTH (SAi2, TSi, TSr); false = childless (RFC 6023).
    public var childSA: Bool
    /// Send CP(CFG_REQUEST) for INTERNAL_IP4_ADDRESS and INTERNAL_IP4_DNS.
    public var configurationRequest: Bool
    /// The pre-shared key both sides use.
    public var preSharedKey: [UInt8]
    /// IDi of SA number `index` is `<identityPrefix><index>.<identityDomain>` (FQDN), so
    /// every SA has its own identity (no unique-ID replacement on the responder).
    public var identityPrefix: String
    public var identityDomain: String
    /// The IDr we expect the responder to present; nil accepts any.
    public var expectedResponderIdentity: PeerIdentity?
    /// Claim a NAT in front of us (a NAT_DETECTION_SOURCE_IP that cannot match) and move
    /// to the NAT-T port for IKE_AUTH, as strongSwan's `encap = yes` does: the responder
    /// then installs ESP-in-UDP (RFC 3948), the only ESP a userspace data plane carries.
    public var forceNATTraversal: Bool
    /// The CHILD_SA's ESP transform (AES-GCM-16-128 unless told otherwise).
    public var espEncryption: EncryptionTransform
    /// TSi and TSr of the CHILD_SA request.
    public var initiatorSelectors: [TrafficSelector]
    public var responderSelectors: [TrafficSelector]
    /// Check the responder's AUTH (two PRF calls; off only to shave initiator CPU). A
    /// signature AUTH is always checked.
    public var verifyResponderAuthentication: Bool
    /// The responder authenticates with a certificate from these CAs (its AUTH must be a
    /// signature, RFC 7296 §2.15); nil = it uses the pre-shared key. With it, IKE_SA_INIT
    /// announces SIGNATURE_HASH_ALGORITHMS (RFC 7427 §4), as strongSwan clients do.
    public var gatewayCertificates: GatewayCertificateCheck?

    public init(suite: Suite, childSA: Bool = true, configurationRequest: Bool = true, preSharedKey: [UInt8],
                identityPrefix: String = "c", identityDomain: String = "bench.lab",
                expectedResponderIdentity: PeerIdentity? = nil, forceNATTraversal: Bool = true,
                espEncryption: EncryptionTransform? = nil, initiatorSelectors: [TrafficSelector] = [.allIPv4],
                responderSelectors: [TrafficSelector] = [.allIPv4], verifyResponderAuthentication: Bool = true,
                gatewayCertificates: GatewayCertificateCheck? = nil) throws {
        self.suite = suite
        self.childSA = childSA
        self.configurationRequest = configurationRequest
        self.preSharedKey = preSharedKey
        self.identityPrefix = identityPrefix
        self.identityDomain = identityDomain
        self.expectedResponderIdentity = expectedResponderIdentity
        self.forceNATTraversal = forceNATTraversal
        self.espEncryption = try espEncryption ?? EncryptionTransform(.aesGCM16, keyLengthBits: 128)
        self.initiatorSelectors = initiatorSelectors
        self.responderSelectors = responderSelectors
        self.verifyResponderAuthentication = verifyResponderAuthentication
        self.gatewayCertificates = gatewayCertificates
    }

    /// IDi of SA number `index`.
    public func identity(of index: Int) -> PeerIdentity {
        .fqdn("\(identityPrefix)\(index).\(identityDomain)")
    }
}
