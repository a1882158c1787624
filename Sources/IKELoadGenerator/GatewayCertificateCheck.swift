import HubVocabulary
import IKECrypto
import IKEWire
import PKI
import Synchronization

/// How the load initiator checks a responder that authenticates with a certificate
/// (`authentication local ecdsa-sig | rsa-sig`, strongSwan `local { auth = pubkey }`):
/// the X.509 CERT payloads (encoding 4, end entity first, RFC 7296 §3.6) must chain to
/// one of the trusted CAs, be bound to IDr, allow IKE use, and their key must verify the
/// AUTH signature over the responder's signed octets (RFC 7296 §2.15; methods 1, 9–11
/// and 14, RFC 7427). The checks are PKI's `PeerCertificateVerifier`, the one the auth
/// broker runs on clients; no revocation is checked (a load run has no CRL server).
///
/// Every SA of a run meets the same gateway certificate, so the path is validated in
/// full the first time a given CERT chain and IDr are seen; later SAs presenting the
/// same octets only have their AUTH signature verified with the key found then. This
/// keeps the initiator's CPU per SA near the PSK rows' (it shares the machine with the
/// responder under test); the responder's work is the same either way. A run lasts
/// minutes and the certificates days, so validity is not re-checked.
public struct GatewayCertificateCheck: Sendable {
    private let verifier: PeerCertificateVerifier
    private let clock: any WallClock
    /// Public keys of chains already validated, by their CERT octets and IDr.
    private let validated = ValidatedChains()

    /// Trusts the CA certificates of `authorities`.
    public init(authorities: [Certificate], clock: any WallClock = SystemWallClock()) {
        verifier = PeerCertificateVerifier(
            trustpoints: [VerificationTrustpoint(name: "load-initiator", authorities: authorities, revocation: .none)],
            revocationSource: RevocationListStore())
        self.clock = clock
    }

    /// Trusts the CA certificates of the PEM file at `path`.
    public init(authorityFile path: String) throws(LoadGeneratorError) {
        do {
            self.init(authorities: try Certificate.certificates(pemFile: path))
        } catch {
            throw .configuration("CA certificate file \(path): \(error)")
        }
    }

    /// Verifies the responder's certificates and AUTH payload for IDr `identity`;
    /// returns the signature method it used. Throws `responderAuthentication` naming the
    /// rule that failed.
    public func verify(
        certificates: [CertificatePayload], identity: PeerIdentity, authentication: AuthenticationPayload,
        signedOctets: [UInt8]
    ) throws(LoadGeneratorError) -> SignatureAuthenticationMethod {
        let ders = certificates.filter { $0.encoding == .x509Signature }.map(\.data)
        let octets = AuthenticationOctets(bytes: signedOctets)
        let chainKey = ValidatedChains.Key(identity: identity, certificates: ders)
        if let key = validated.key(for: chainKey) {
            do throws(IKECryptoError) {
                return try SignatureAuthentication.verify(authenticationData: authentication.authenticationData,
                                                          authMethod: authentication.method.rawValue, octets: octets, publicKey: key)
            } catch {
                throw .responderAuthentication("AUTH signature: \(error)")
            }
        }
        let signature = PeerSignature(authMethod: authentication.method.rawValue,
                                      authenticationData: authentication.authenticationData, signedOctets: octets)
        let verified: VerifiedPeerCertificate
        let key: PublicKey
        do throws(PKIError) {
            verified = try verifier.verify(certificates: ders, identity: identity, signature: signature, clock: clock)
            key = try verified.certificate.publicKey()
        } catch {
            throw .responderAuthentication("\(error)")
        }
        guard let method = verified.authenticationMethod else {
            throw .responderAuthentication("no AUTH signature was checked")
        }
        validated.remember(key, for: chainKey)
        return method
    }
}

/// The keys of validated chains, shared by the SAs of a run (bounded: a run meets one or
/// two gateway chains).
private final class ValidatedChains: Sendable {
    /// What was validated together: IDr and the CERT payloads' DER, in order.
    struct Key: Hashable, Sendable {
        var identity: PeerIdentity
        var certificates: [[UInt8]]
    }

    private static let capacity = 16
    private let keys = Mutex<[Key: PublicKey]>([:])

    func key(for chain: Key) -> PublicKey? { keys.withLock { $0[chain] } }

    func remember(_ key: PublicKey, for chain: Key) {
        keys.withLock { if $0.count < Self.capacity { $0[chain] = key } }
    }
}
