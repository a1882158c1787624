import HubVocabulary
import IKECrypto
import IKEWire
import PKI

/// How the load initiator checks a responder that authenticates with a certificate
/// (`authentication local ecdsa-sig | rsa-sig`, strongSwan `local { auth = pubkey }`):
/// the X.509 CERT payloads (encoding 4, end entity first, RFC 7296 §3.6) must chain to
/// one of the trusted CAs, be bound to IDr, allow IKE use, and their key must verify the
/// AUTH signature over the responder's signed octets (RFC 7296 §2.15; methods 1, 9–11
/// and 14, RFC 7427). The checks are PKI's `PeerCertificateVerifier`, the one the auth
/// broker runs on clients; no revocation is checked (a load run has no CRL server).
public struct GatewayCertificateCheck: Sendable {
    private let verifier: PeerCertificateVerifier
    private let clock: any WallClock

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
        let signature = PeerSignature(authMethod: authentication.method.rawValue,
                                      authenticationData: authentication.authenticationData,
                                      signedOctets: AuthenticationOctets(bytes: signedOctets))
        let verified: VerifiedPeerCertificate
        do throws(PKIError) {
            verified = try verifier.verify(certificates: ders, identity: identity, signature: signature, clock: clock)
        } catch {
            throw .responderAuthentication("\(error)")
        }
        guard let method = verified.authenticationMethod else {
            throw .responderAuthentication("no AUTH signature was checked")
        }
        return method
    }
}
