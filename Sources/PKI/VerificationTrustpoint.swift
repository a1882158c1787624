public import FlexConfig

/// The verify side of a `crypto pki trustpoint`: its CA certificates (the anchors for
/// peer chains), its `revocation-check` policy and its `crl-file`, loaded once.
public struct VerificationTrustpoint: Sendable {
    public let name: String
    /// The CA certificates of `ca-certificate-file`.
    public let authorities: [Certificate]
    public let revocation: RevocationPolicy
    /// The CRL of `crl-file`, if configured.
    public let revocationList: CertificateRevocationList?

    public init(name: String, authorities: [Certificate], revocation: RevocationPolicy,
                revocationList: CertificateRevocationList? = nil) {
        self.name = name
        self.authorities = authorities
        self.revocation = revocation
        self.revocationList = revocationList
    }

    /// Reads the trustpoint's `ca-certificate-file` (required) and `crl-file`; an error
    /// names the trustpoint and the file.
    public init(loading trustpoint: Trustpoint) throws(PKIError) {
        guard let path = trustpoint.caCertificateFile else {
            throw .trustpoint(name: trustpoint.name, file: "ca-certificate-file",
                              reason: "not configured; it is needed to verify peer certificates")
        }
        let authorities: [Certificate]
        do {
            authorities = try Certificate.certificates(pemFile: path)
        } catch {
            throw .trustpoint(name: trustpoint.name, file: path, reason: error.description)
        }
        for authority in authorities where !authority.isCertificateAuthority {
            throw .trustpoint(name: trustpoint.name, file: path,
                              reason: "\"\(authority.subject.rfc4514)\" is not a CA certificate (basicConstraints cA)")
        }
        var list: CertificateRevocationList?
        if let crlPath = trustpoint.crlFile {
            do {
                list = try CertificateRevocationList(file: crlPath)
            } catch {
                throw .trustpoint(name: trustpoint.name, file: crlPath, reason: error.description)
            }
        }
        self.init(name: trustpoint.name, authorities: authorities,
                  revocation: RevocationPolicy(trustpoint.revocationCheck), revocationList: list)
    }

    /// SHA-1 hashes of the CA SubjectPublicKeyInfos: the Certification Authority field of
    /// our CERTREQ for this trustpoint (RFC 7296 §3.7).
    public func certificateRequestHashes() throws(PKIError) -> [[UInt8]] {
        var hashes: [[UInt8]] = []
        for authority in authorities { hashes.append(try authority.subjectPublicKeyInfoSHA1()) }
        return hashes
    }
}
