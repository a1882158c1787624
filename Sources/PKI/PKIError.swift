/// The rule a peer certificate failed. Each rejection names one, so the log line and
/// `show crypto session detail` history say why (issue 8 item 6).
public enum CertificateRule: String, Hashable, Sendable, CaseIterable {
    /// The certificate or a chain element cannot be decoded, or the chain is unusable.
    case malformed = "malformed certificate"
    /// The validation time is after notAfter (of the end entity or of a CA).
    case expired
    /// The validation time is before notBefore.
    case notYetValid = "not yet valid"
    /// A CRL of the issuer lists the certificate's serial number.
    case revoked
    /// No chain from the certificate to a CA of the trustpoints (or a signature in the
    /// chain does not verify).
    case untrustedIssuer = "untrusted issuer"
    /// IDi is not the subject DN nor a subjectAltName of its type.
    case identityMismatch = "identity mismatch"
    /// No sequence of the certificate map holds.
    case mapMismatch = "certificate map mismatch"
    /// Extended key usage or key usage does not allow IKE authentication.
    case keyUsage = "wrong EKU/key usage"
    /// `revocation-check crl` and no valid CRL could be had.
    case crlUnavailable = "CRL unavailable"
    /// The AUTH payload's signature does not verify with the certificate's key, or the
    /// key cannot make that kind of signature.
    case authenticationSignature = "AUTH signature"
}

/// A peer certificate that failed a rule: the rule, the subject (RFC 4514) of the
/// certificate concerned, and the detail to log.
public struct CertificateRejection: Error, Hashable, Sendable, CustomStringConvertible {
    public let rule: CertificateRule
    /// RFC 4514 subject of the certificate the rule failed on (end entity or CA).
    public let subject: String
    public let reason: String

    public init(_ rule: CertificateRule, subject: String, _ reason: String) {
        self.rule = rule
        self.subject = subject
        self.reason = reason
    }

    public var description: String { "certificate rejected, \(rule.rawValue): \"\(subject)\": \(reason)" }
}

/// Every failure the PKI module reports (`throws(PKIError)`).
public enum PKIError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A certificate failed a verification rule.
    case rejected(CertificateRejection)
    /// Octets that are not a certificate, CRL, key or name (`what` says which).
    case decoding(what: String, reason: String)
    /// A file could not be read.
    case file(path: String, reason: String)
    /// A trustpoint's file is missing, unreadable or inconsistent.
    case trustpoint(name: String, file: String, reason: String)
    /// An HTTP fetch (CRL distribution point) failed.
    case http(url: String, reason: String)
    /// OpenSSL or IKECrypto refused an operation.
    case crypto(String)
    /// The request names something the configuration lacks (trustpoint, map, mangler field).
    case configuration(String)

    public var description: String {
        switch self {
        case .rejected(let rejection): rejection.description
        case .decoding(let what, let reason): "cannot decode \(what): \(reason)"
        case .file(let path, let reason): "\(path): \(reason)"
        case .trustpoint(let name, let file, let reason): "crypto pki trustpoint \(name): \(file): \(reason)"
        case .http(let url, let reason): "GET \(url): \(reason)"
        case .crypto(let reason): "crypto failure: \(reason)"
        case .configuration(let reason): "configuration: \(reason)"
        }
    }

    /// The rejection, when this error is one.
    public var rejection: CertificateRejection? {
        if case .rejected(let rejection) = self { return rejection }
        return nil
    }

    @inline(never)
    static func reject(_ rule: CertificateRule, _ subject: String, _ reason: String) -> PKIError {
        .rejected(CertificateRejection(rule, subject: subject, reason))
    }
}
