public import HubVocabulary
public import IKECrypto

/// The peer's AUTH payload that the certificate must have produced.
public struct PeerSignature: Sendable {
    /// Auth Method octet (1, 9, 10, 11 or 14; RFC 7296 §3.8, RFC 4754, RFC 7427).
    public var authMethod: UInt8
    /// Authentication Data of the AUTH payload.
    public var authenticationData: [UInt8]
    /// The peer's signed octets (RFC 7296 §2.15).
    public var signedOctets: AuthenticationOctets

    public init(authMethod: UInt8, authenticationData: [UInt8], signedOctets: AuthenticationOctets) {
        self.authMethod = authMethod
        self.authenticationData = authenticationData
        self.signedOctets = signedOctets
    }
}

/// What a verified peer certificate establishes.
public struct VerifiedPeerCertificate: Sendable {
    /// The end-entity certificate.
    public let certificate: Certificate
    /// The path: end entity first, trustpoint CA last.
    public let chain: [Certificate]
    /// The trustpoint whose CA anchors the path.
    public let trustpoint: String
    /// The AUTH method the peer used, `nil` when no AUTH was checked.
    public let authenticationMethod: SignatureAuthenticationMethod?
    public let revocation: RevocationStatus

    public var subject: DistinguishedName { certificate.subject }
    public var subjectAlternativeNames: [SubjectAlternativeName] { certificate.subjectAlternativeNames }
}

/// Verifies an IKE peer's certificate authentication (`authentication remote rsa-sig |
/// ecdsa-sig`): a pure service over its inputs; the only I/O is what `revocationSource`
/// does (CRL fetches), and time comes from the clock passed in.
///
/// Order of the checks, cheapest and most telling first; the first failure is thrown as
/// a `CertificateRejection` naming its rule:
/// 1. the CERT payloads decode (**malformed**); the first is the end entity;
/// 2. IDi is bound to it (`IdentityBinding`, **identity mismatch**);
/// 3. its key usage allows IKE (`IKECertificatePolicy`, **wrong EKU/key usage**);
/// 4. a path to a CA of one of the trustpoints, in their order, valid at the clock's
///    time (**untrusted issuer**, **expired**, **not yet valid**); when no trustpoint
///    anchors it, the most specific failure is reported (expired over untrusted);
/// 5. the AUTH signature verifies with the certificate's key (**AUTH signature**);
/// 6. revocation under the anchoring trustpoint's policy (**revoked**, **CRL
///    unavailable**): last, so a forged AUTH never costs a CRL fetch.
public struct PeerCertificateVerifier: Sendable {
    public let trustpoints: [VerificationTrustpoint]
    public let revocationSource: any RevocationListSource

    /// `trustpoints` in the profile's order (`pki trustpoint NAME [verify]`).
    public init(trustpoints: [VerificationTrustpoint], revocationSource: any RevocationListSource) {
        self.trustpoints = trustpoints
        self.revocationSource = revocationSource
    }

    /// Verifies `certificates` (CERT payload DERs, end entity first) for `identity`, and
    /// `signature` when given.
    public func verify(
        certificates: [[UInt8]], identity: PeerIdentity, signature: PeerSignature?, clock: any WallClock
    ) throws(PKIError) -> VerifiedPeerCertificate {
        let time = clock.now()
        guard let first = certificates.first else {
            throw PKIError.reject(.malformed, "", "no CERT payload with an X.509 certificate")
        }
        let leaf: Certificate
        do {
            leaf = try Certificate(der: first)
        } catch {
            throw PKIError.reject(.malformed, "", "end-entity CERT payload: \(error)")
        }
        var intermediates: [Certificate] = []
        for (index, der) in certificates.dropFirst().enumerated() {
            do {
                intermediates.append(try Certificate(der: der))
            } catch {
                throw PKIError.reject(.malformed, leaf.subject.rfc4514, "CERT payload \(index + 2): \(error)")
            }
        }
        try IdentityBinding.check(identity, boundTo: leaf)
        try IKECertificatePolicy.check(leaf)
        let (chain, trustpoint) = try anchoredPath(leaf, intermediates: intermediates, at: time)
        var method: SignatureAuthenticationMethod?
        if let signature {
            let key = try leaf.publicKey()
            do {
                method = try SignatureAuthentication.verify(
                    authenticationData: signature.authenticationData, authMethod: signature.authMethod,
                    octets: signature.signedOctets, publicKey: key)
            } catch {
                throw PKIError.reject(.authenticationSignature, leaf.subject.rfc4514,
                                      "AUTH method \(signature.authMethod): \(error)")
            }
        }
        let revocation = try RevocationChecker.check(chain: chain, policy: trustpoint.revocation,
                                                     source: sourceWithFile(of: trustpoint), at: time)
        return VerifiedPeerCertificate(certificate: leaf, chain: chain, trustpoint: trustpoint.name,
                                       authenticationMethod: method, revocation: revocation)
    }

    private func anchoredPath(
        _ leaf: Certificate, intermediates: [Certificate], at time: WallTime
    ) throws(PKIError) -> ([Certificate], VerificationTrustpoint) {
        guard !trustpoints.isEmpty else {
            throw PKIError.reject(.untrustedIssuer, leaf.subject.rfc4514, "the profile names no trustpoint to verify with")
        }
        var best: CertificateRejection?
        for trustpoint in trustpoints {
            do throws(PKIError) {
                let chain = try ChainVerifier.verify(leaf, intermediates: intermediates, anchors: trustpoint.authorities, at: time)
                return (chain, trustpoint)
            } catch {
                guard let rejection = error.rejection else { throw error }
                let annotated = CertificateRejection(rejection.rule, subject: rejection.subject,
                                                     "\(rejection.reason) (trustpoint \(trustpoint.name))")
                if best == nil || (best?.rule == .untrustedIssuer && rejection.rule != .untrustedIssuer) { best = annotated }
            }
        }
        throw PKIError.rejected(best!)
    }

    private func sourceWithFile(of trustpoint: VerificationTrustpoint) -> any RevocationListSource {
        guard let list = trustpoint.revocationList else { return revocationSource }
        return FileBackedRevocationSource(file: list, next: revocationSource)
    }
}

/// A trustpoint's `crl-file` CRL in front of the shared source.
private struct FileBackedRevocationSource: RevocationListSource {
    let file: CertificateRevocationList
    let next: any RevocationListSource

    func revocationLists(for certificate: Certificate, issuer: Certificate, at time: WallTime) -> RevocationListLookup {
        if file.issuer.matches(issuer.subject), file.isCurrent(at: time) {
            return RevocationListLookup(lists: [file])
        }
        var lookup = next.revocationLists(for: certificate, issuer: issuer, at: time)
        if file.issuer.matches(issuer.subject) { lookup.lists.insert(file, at: 0) }
        return lookup
    }
}
