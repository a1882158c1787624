/// The key-usage rules for a certificate that authenticates an IKE peer, as IOS and
/// strongSwan apply them (RFC 4945 §5.1.3.2 and §5.1.3.12):
///
/// - **KeyUsage**: absent, or it has `digitalSignature` or `nonRepudiation` (the AUTH
///   payload is a signature).
/// - **ExtendedKeyUsage**: absent, or it contains at least one of `serverAuth`,
///   `clientAuth`, `id-kp-ipsecIKE` or `anyExtendedKeyUsage`. A certificate restricted
///   to other purposes only (e.g. `emailProtection`, `codeSigning`) is refused.
///
/// Both rules apply to the end-entity certificate only; CA certificates are held to
/// RFC 5280 (basicConstraints cA, keyCertSign) during path validation.
public enum IKECertificatePolicy {
    /// The EKU purposes that admit a certificate for IKE.
    public static let acceptedExtendedKeyUsages: Set<String> = [
        ExtendedKeyUsage.serverAuth, ExtendedKeyUsage.clientAuth, ExtendedKeyUsage.ipsecIKE, ExtendedKeyUsage.anyExtendedKeyUsage,
    ]

    /// Throws a `keyUsage` rejection when `certificate` may not authenticate IKE.
    public static func check(_ certificate: Certificate) throws(PKIError) {
        if let usage = certificate.keyUsage, usage.isDisjoint(with: [.digitalSignature, .nonRepudiation]) {
            throw PKIError.reject(.keyUsage, certificate.subject.rfc4514,
                                  "keyUsage lacks digitalSignature and nonRepudiation (RFC 4945 §5.1.3.2)")
        }
        if let purposes = certificate.extendedKeyUsage, acceptedExtendedKeyUsages.isDisjoint(with: purposes) {
            throw PKIError.reject(.keyUsage, certificate.subject.rfc4514,
                                  "extendedKeyUsage \(purposes.joined(separator: ",")) has none of serverAuth, clientAuth, ipsecIKE, anyExtendedKeyUsage")
        }
    }
}
