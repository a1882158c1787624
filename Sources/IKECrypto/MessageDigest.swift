internal import COpenSSL

/// A plain hash, for the places IKE hashes without a key: NAT_DETECTION_*_IP (SHA-1,
/// RFC 7296 §2.23), CERTREQ authority hashes (SHA-1 of SubjectPublicKeyInfo, §3.7) and
/// stateless cookies (§2.6).
public enum MessageDigest: Hashable, Sendable, CaseIterable {
    case sha1
    case sha256
    case sha384
    case sha512

    /// Octets of the output.
    public var length: Int {
        switch self {
        case .sha1: 20
        case .sha256: 32
        case .sha384: 48
        case .sha512: 64
        }
    }

    private var fetched: FetchedDigest {
        switch self {
        case .sha1: Algorithms.sha1
        case .sha256: Algorithms.sha256
        case .sha384: Algorithms.sha384
        case .sha512: Algorithms.sha512
        }
    }

    /// The hash of the concatenation of `parts`.
    public func hash(_ parts: [UInt8]...) throws(IKECryptoError) -> [UInt8] {
        try hash(parts: parts)
    }

    /// The hash of the concatenation of `parts`.
    public func hash(parts: [[UInt8]]) throws(IKECryptoError) -> [UInt8] {
        let context = try EVPDigestContext()
        defer { withExtendedLifetime(context) {} }
        guard EVP_DigestInit_ex2(context.pointer, try fetched.required(), nil) == 1 else {
            throw .openSSLFailure("EVP_DigestInit_ex2")
        }
        for part in parts where !part.isEmpty {
            let updated = part.withUnsafeBytes { EVP_DigestUpdate(context.pointer, $0.baseAddress, $0.count) }
            guard updated == 1 else { throw .openSSLFailure("EVP_DigestUpdate") }
        }
        var output = [UInt8](repeating: 0, count: length)
        var written: UInt32 = 0
        guard EVP_DigestFinal_ex(context.pointer, &output, &written) == 1, Int(written) == length else {
            throw .openSSLFailure("EVP_DigestFinal_ex")
        }
        return output
    }
}
