public import FlexConfig

/// Every `crypto pki trustpoint` with a `ca-certificate-file`, loaded once, and the
/// verifier a profile uses: its `pki trustpoint NAME [verify]` lines in order, or all
/// trustpoints when it names none (IOS uses the global trustpoints then).
public struct VerificationTrustpointSet: Sendable {
    public let trustpoints: [VerificationTrustpoint]

    public init(trustpoints: [VerificationTrustpoint]) {
        self.trustpoints = trustpoints
    }

    /// Loads the trustpoints of `configuration` that have a `ca-certificate-file`; the
    /// first that does not load is thrown, naming it and the file.
    public init(configuration: FlexConfiguration) throws(PKIError) {
        var loaded: [VerificationTrustpoint] = []
        for trustpoint in configuration.pki.trustpoints where trustpoint.caCertificateFile != nil {
            loaded.append(try VerificationTrustpoint(loading: trustpoint))
        }
        trustpoints = loaded
    }

    /// The trustpoints `profile` verifies peers with (usage `verify` or both).
    public func trustpoints(for profile: IKEv2Profile) throws(PKIError) -> [VerificationTrustpoint] {
        let named = profile.trustpoints.filter { $0.usage != .sign }.map(\.trustpoint)
        guard !named.isEmpty else { return trustpoints }
        return try named.map { (name) throws(PKIError) in
            guard let trustpoint = trustpoints.first(where: { $0.name == name }) else {
                throw PKIError.configuration("ikev2 profile \(profile.name): trustpoint \(name) has no ca-certificate-file loaded")
            }
            return trustpoint
        }
    }

    /// The verifier for `authentication remote rsa-sig|ecdsa-sig` of `profile`.
    public func verifier(for profile: IKEv2Profile, revocationSource: any RevocationListSource) throws(PKIError) -> PeerCertificateVerifier {
        PeerCertificateVerifier(trustpoints: try trustpoints(for: profile), revocationSource: revocationSource)
    }

    /// SHA-1 CA hashes for our CERTREQ to a peer of `profile` (RFC 7296 §3.7).
    public func certificateRequestHashes(for profile: IKEv2Profile) throws(PKIError) -> [[UInt8]] {
        var hashes: [[UInt8]] = []
        for trustpoint in try trustpoints(for: profile) { hashes += try trustpoint.certificateRequestHashes() }
        return hashes
    }
}
