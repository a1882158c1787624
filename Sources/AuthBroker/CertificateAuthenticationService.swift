import Foundation
public import FlexConfig
import HubIPC
public import HubVocabulary
import IKECrypto
import Logging
public import PKI

/// `auth.cert` served in the broker (next to the signing oracle, which it needs for the
/// responder AUTH) until a worker plugin offers it: a worker that registers `auth.cert`
/// takes over (BrokerCore+Signing.swift). One `AuthenticateRequest{signature}` does:
///
/// 1. the profile (`AuthenticateRequest.profile`) must allow `authentication remote
///    rsa-sig` or `ecdsa-sig`, for the kind of key the certificate has;
/// 2. `PeerCertificateVerifier` with the profile's verify trustpoints: chain, validity,
///    EKU, IDi binding, the initiator's AUTH signature, revocation;
/// 3. the profile's `match certificate` maps, when it has any;
/// 4. the responder AUTH over `responder_signed_octets` with the trustpoint named by
///    `responder_key_reference` (else the profile's first signing trustpoint).
///
/// The reply's `authenticated_name` is the subject DN (RFC 4514); `attributes` carry
/// `cert.subject`, `cert.issuer`, `cert.serial`, `cert.trustpoint`, `cert.san` (one per
/// subjectAltName, `DNS:`, `email:`, `IP:` …), `cert.map` and, for each name mangler of
/// the profile's `aaa authorization … cert … name-mangler M` with a `dn` part,
/// `name-mangler.M` = the mangled name. A REJECT's `reason` is the rejection: its rule
/// and the certificate's subject.
public final class CertificateAuthenticationService: Sendable {
    public let configuration: FlexConfiguration
    public let trustpoints: VerificationTrustpointSet
    public let signing: GatewaySigning
    public let revocationLists: RevocationListStore
    private let clock: any WallClock

    public init(configuration: FlexConfiguration, signing: GatewaySigning, clock: any WallClock = SystemWallClock(),
                revocationLists: RevocationListStore = RevocationListStore()) throws(PKIError) {
        self.configuration = configuration
        self.trustpoints = try VerificationTrustpointSet(configuration: configuration)
        self.signing = signing
        self.clock = clock
        self.revocationLists = revocationLists
    }

    public func answer(_ request: IPCv1AuthenticateRequest) -> IPCv1AuthenticateReply {
        do throws(PKIError) {
            return try authenticate(request)
        } catch {
            var reply = IPCv1AuthenticateReply()
            reply.verdict = .reject
            reply.reason = error.description
            return reply
        }
    }

    private func authenticate(_ request: IPCv1AuthenticateRequest) throws(PKIError) -> IPCv1AuthenticateReply {
        guard case .signature(let proof) = request.method else {
            throw .configuration("auth.cert takes an AuthenticateRequest with a SignatureProof")
        }
        guard let profile = configuration.ikev2.profiles.first(where: { $0.name == request.profile }) else {
            throw .configuration("ikev2 profile '\(request.profile)' is not configured")
        }
        let allowsRSA = profile.remoteAuthentication.contains(.rsaSignature)
        let allowsECDSA = profile.remoteAuthentication.contains(.ecdsaSignature)
        guard allowsRSA || allowsECDSA else {
            throw .configuration("ikev2 profile \(profile.name) has no 'authentication remote rsa-sig' or 'ecdsa-sig'")
        }
        let identity = PeerIdentity(kind: .init(rawValue: UInt8(clamping: request.peerIdentity.idType)),
                                    data: [UInt8](request.peerIdentity.value))
        let signature = PeerSignature(authMethod: UInt8(clamping: proof.method.rawValue),
                                      authenticationData: [UInt8](proof.initiatorAuth),
                                      signedOctets: AuthenticationOctets(bytes: [UInt8](proof.initiatorSignedOctets)))
        let verified = try trustpoints.verifier(for: profile, revocationSource: revocationLists)
            .verify(certificates: proof.certificates.map { [UInt8]($0) }, identity: identity, signature: signature, clock: clock)
        let kind = try verified.certificate.publicKey().kind
        if case .rsa = kind, !allowsRSA {
            throw PKIError.rejected(CertificateRejection(.authenticationSignature, subject: verified.subject.rfc4514,
                                  "an RSA key, and ikev2 profile \(profile.name) allows 'authentication remote ecdsa-sig' only"))
        }
        if case .ecdsa = kind, !allowsECDSA {
            throw PKIError.rejected(CertificateRejection(.authenticationSignature, subject: verified.subject.rfc4514,
                                  "an ECDSA key, and ikev2 profile \(profile.name) allows 'authentication remote rsa-sig' only"))
        }
        var map: (map: String, sequence: Int)?
        if !profile.certificateMaps.isEmpty {
            map = try CertificateMapEvaluator(maps: configuration.pki.certificateMaps)
                .firstMatch(among: profile.certificateMaps, for: verified.certificate)
        }
        var reply = IPCv1AuthenticateReply()
        reply.verdict = .accept
        reply.authenticatedName = verified.subject.rfc4514
        reply.attributes = attributes(of: verified, map: map, profile: profile)
        if !proof.responderSignedOctets.isEmpty {
            let keyReference = proof.responderKeyReference.isEmpty
                ? (profile.trustpoints.first { $0.usage != .verify }?.trustpoint ?? signing.credentials.credentials.first?.trustpoint ?? "")
                : proof.responderKeyReference
            let computed = signing.answer(IPCv1ComputeAuthRequest.with {
                $0.method = proof.responderSignatureAlgorithm.isEmpty ? proof.responderMethod : .digitalSignature
                $0.signedOctets = proof.responderSignedOctets
                $0.keyReference = keyReference
                $0.signatureAlgorithm = proof.responderSignatureAlgorithm
                $0.peerSignatureHashes = proof.peerSignatureHashes
                $0.rsaPss = proof.responderRsaPss
            })
            guard computed.reason.isEmpty else { throw .crypto("responder AUTH: \(computed.reason)") }
            reply.responderAuth = computed.authValue
            reply.responderAuthMethod = computed.method
        }
        return reply
    }

    private func attributes(of verified: VerifiedPeerCertificate, map: (map: String, sequence: Int)?, profile: IKEv2Profile) -> [IPCv1Attribute] {
        func attribute(_ name: String, _ value: String) -> IPCv1Attribute { .with { $0.name = name; $0.value = value } }
        var result = [
            attribute("cert.subject", verified.subject.rfc4514),
            attribute("cert.issuer", verified.certificate.issuer.rfc4514),
            attribute("cert.serial", verified.certificate.serialNumber),
            attribute("cert.trustpoint", verified.trustpoint),
            attribute("cert.revocation", verified.revocation.description),
        ]
        result += verified.subjectAlternativeNames.map { attribute("cert.san", $0.description) }
        if let map { result.append(attribute("cert.map", "\(map.map) \(map.sequence)")) }
        for authorization in profile.authorizations where authorization.method == .cert {
            guard case .nameMangler(let name) = authorization.username,
                  let mangler = configuration.ikev2.nameManglers.first(where: { $0.name == name }), let field = mangler.dn,
                  let value = try? DistinguishedNameMangler.name(from: verified.subject, field: field),
                  !result.contains(where: { $0.name == "name-mangler.\(name)" }) else { continue }
            result.append(attribute("name-mangler.\(name)", value))
        }
        return result
    }
}
