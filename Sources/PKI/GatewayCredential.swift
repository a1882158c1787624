public import FlexConfig
public import IKECrypto

/// The sign side of a `crypto pki trustpoint`: this headend's private key and certificate
/// chain, loaded by the auth broker only (DESIGN.md §1: the signing oracle).
public final class GatewayCredential: Sendable {
    public let trustpoint: String
    public let privateKey: PrivateKey
    /// Our end-entity certificate.
    public let certificate: Certificate
    /// What our CERT payloads carry (RFC 7296 §3.6): our certificate, then the
    /// intermediate CAs up to (not including) a self-issued root.
    public let chain: [Certificate]
    /// SHA-1 of the SubjectPublicKeyInfo of every CA above our certificate that we know
    /// (from `certificate-file` and `ca-certificate-file`): matched against the
    /// Certification Authority hashes of the peer's CERTREQ (RFC 7296 §3.7).
    public let authorityHashes: [[UInt8]]

    /// Reads `private-key-file` and `certificate-file` (our certificate first, then its
    /// chain), and `ca-certificate-file` when present, to find our issuers. Every failure
    /// names the trustpoint and the file.
    public init(loading trustpoint: Trustpoint) throws(PKIError) {
        self.trustpoint = trustpoint.name
        guard let keyPath = trustpoint.privateKeyFile else {
            throw .trustpoint(name: trustpoint.name, file: "private-key-file", reason: "not configured; it is needed to sign")
        }
        guard let certificatePath = trustpoint.certificateFile else {
            throw .trustpoint(name: trustpoint.name, file: "certificate-file", reason: "not configured; it is needed to sign")
        }
        do {
            privateKey = try PrivateKey(pemFile: keyPath)
        } catch {
            throw .trustpoint(name: trustpoint.name, file: keyPath, reason: error.description)
        }
        let fileChain: [Certificate]
        do {
            fileChain = try Certificate.certificates(pemFile: certificatePath)
        } catch {
            throw .trustpoint(name: trustpoint.name, file: certificatePath, reason: error.description)
        }
        let ours = fileChain[0]
        certificate = ours
        let publicKeyInfo: [UInt8]
        do {
            publicKeyInfo = try privateKey.publicKey.subjectPublicKeyInfo
        } catch {
            throw .trustpoint(name: trustpoint.name, file: keyPath, reason: error.description)
        }
        guard publicKeyInfo == ours.subjectPublicKeyInfo else {
            throw .trustpoint(name: trustpoint.name, file: keyPath,
                              reason: "the private key does not belong to \"\(ours.subject.rfc4514)\", the first certificate of \(certificatePath)")
        }
        var pool = Array(fileChain.dropFirst())
        if let caPath = trustpoint.caCertificateFile {
            do {
                pool += try Certificate.certificates(pemFile: caPath)
            } catch {
                throw .trustpoint(name: trustpoint.name, file: caPath, reason: error.description)
            }
        }
        // Walk up by issuer signature: the path we can show, and the CA keys above us.
        var path = [ours]
        var hashes: [[UInt8]] = []
        while let current = path.last, !current.isSelfIssued || path.count == 1,
              let issuer = pool.first(where: { current.isIssued(by: $0) && !path.contains($0) }) {
            hashes.append(try issuer.subjectPublicKeyInfoSHA1())
            path.append(issuer)
            if issuer.isSelfIssued { break }
        }
        chain = path.filter { $0 == ours || !$0.isSelfIssued }
        authorityHashes = hashes
    }

    /// True when one of `requested` (CERTREQ CA hashes) is a CA above our certificate.
    public func matches(requestedAuthorities requested: [[UInt8]]) -> Bool {
        requested.contains { authorityHashes.contains($0) }
    }

    /// The AUTH method to sign with: `authMethod` 1, 9–11 or 14 as asked; 14 uses
    /// `algorithmIdentifier` when given, else a hash from `peerHashes` (the peer's
    /// SIGNATURE_HASH_ALGORITHMS, RFC 7427 §4) that suits the key — SHA-256 first, the
    /// curve's own hash first for ECDSA — and RSASSA-PSS when `rsaPSS`. `authMethod` 0
    /// picks 14 when the peer sent hashes, else the classic method of the key.
    public func signatureMethod(
        authMethod: UInt8, algorithmIdentifier: [UInt8]?, peerHashes: [SignatureHash], rsaPSS: Bool
    ) throws(PKIError) -> SignatureAuthenticationMethod {
        let kind = privateKey.kind
        switch authMethod {
        case 1: return .rsaDigitalSignature
        case 9: return .ecdsaSHA256P256
        case 10: return .ecdsaSHA384P384
        case 11: return .ecdsaSHA512P521
        case 14:
            if let identifier = algorithmIdentifier, !identifier.isEmpty {
                guard let algorithm = SignatureAlgorithm(algorithmIdentifier: identifier) else {
                    throw .crypto("trustpoint \(trustpoint): unknown RFC 7427 AlgorithmIdentifier")
                }
                return .digitalSignature(algorithm)
            }
            var preference: [SignatureHash] = [.sha256, .sha384, .sha512]
            if case .ecdsa(let curve) = kind {
                let own: SignatureHash = curve == .p256 ? .sha256 : curve == .p384 ? .sha384 : .sha512
                preference = [own] + preference.filter { $0 != own }
            }
            let hash = preference.first { peerHashes.isEmpty || peerHashes.contains($0) } ?? .sha256
            switch kind {
            case .rsa: return .digitalSignature(rsaPSS ? .rsaPSS(hash) : .rsaPKCS1v15(hash))
            case .ecdsa: return .digitalSignature(.ecdsa(hash))
            case .ed25519: return .digitalSignature(.ed25519)
            case .unsupported(let reason): throw .crypto("trustpoint \(trustpoint): cannot sign with \(reason)")
            }
        case 0:
            if !peerHashes.isEmpty {
                return try signatureMethod(authMethod: 14, algorithmIdentifier: nil, peerHashes: peerHashes, rsaPSS: rsaPSS)
            }
            switch kind {
            case .rsa: return .rsaDigitalSignature
            case .ecdsa(.p256): return .ecdsaSHA256P256
            case .ecdsa(.p384): return .ecdsaSHA384P384
            case .ecdsa(.p521): return .ecdsaSHA512P521
            default: return try signatureMethod(authMethod: 14, algorithmIdentifier: nil, peerHashes: [.sha256], rsaPSS: rsaPSS)
            }
        default:
            throw .crypto("trustpoint \(trustpoint): Auth Method \(authMethod) is not a signature method")
        }
    }

    /// Our AUTH payload's Authentication Data over `octets` (RFC 7296 §2.15).
    public func authenticationData(signing octets: AuthenticationOctets, method: SignatureAuthenticationMethod) throws(PKIError) -> [UInt8] {
        do {
            return try SignatureAuthentication.authenticationData(signing: octets, with: privateKey, method: method)
        } catch {
            throw .crypto("trustpoint \(trustpoint) signing with \(method): \(error)")
        }
    }
}

/// The gateway credentials of every trustpoint that has a `private-key-file`.
public struct GatewayCredentialSet: Sendable {
    public let credentials: [GatewayCredential]

    public init(credentials: [GatewayCredential]) {
        self.credentials = credentials
    }

    /// Loads each trustpoint with a `private-key-file` (and its `certificate-file`); the
    /// first failure is thrown.
    public init(trustpoints: [Trustpoint]) throws(PKIError) {
        var loaded: [GatewayCredential] = []
        // A trustpoint without a key only verifies (its certificate-file alone cannot sign).
        for trustpoint in trustpoints where trustpoint.privateKeyFile != nil {
            loaded.append(try GatewayCredential(loading: trustpoint))
        }
        credentials = loaded
    }

    public func credential(named name: String) -> GatewayCredential? {
        credentials.first { $0.trustpoint == name }
    }

    /// The credential whose chain answers the peer's CERTREQ: among `trustpoints` (the
    /// profile's sign trustpoints in order; all when empty) the first whose CA matches a
    /// requested hash, else the first of them (RFC 7296 §3.7: the responder may send
    /// any certificate when none matches).
    public func select(trustpoints: [String], requestedAuthorities: [[UInt8]]) throws(PKIError) -> GatewayCredential {
        let candidates = trustpoints.isEmpty ? credentials : try trustpoints.map { (name) throws(PKIError) in
            guard let credential = credential(named: name) else {
                throw PKIError.configuration("trustpoint \(name) has no private-key-file and certificate-file loaded")
            }
            return credential
        }
        guard let first = candidates.first else { throw .configuration("no trustpoint with a private key is configured") }
        return candidates.first { $0.matches(requestedAuthorities: requestedAuthorities) } ?? first
    }
}
