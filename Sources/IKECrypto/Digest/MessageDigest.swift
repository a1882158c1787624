internal import COpenSSL

/// Unkeyed hash functions IKE needs outside the PRFs: SHA-1 for the NAT_DETECTION_*_IP
/// notifies (RFC 7296 §2.23), SHA-2 for RFC 7427 hash negotiation checks.
public enum MessageDigest: Hashable, Sendable, CustomStringConvertible {
    case sha1
    case sha256

    /// Octets of one digest.
    public var outputLength: Int { self == .sha1 ? 20 : 32 }

    /// The digest of the concatenation of `parts`.
    public func hash(_ parts: [[UInt8]]) throws(IKECryptoError) -> [UInt8] {
        let algorithm = try (self == .sha1 ? Algorithms.sha1 : Algorithms.sha256).required()
        let context = try EVPDigestContext()
        guard EVP_DigestInit_ex2(context.pointer, algorithm, nil) == 1 else { throw .openSSLFailure("EVP_DigestInit_ex2") }
        for part in parts where !part.isEmpty {
            let status = part.withUnsafeBytes { EVP_DigestUpdate(context.pointer, $0.baseAddress, $0.count) }
            guard status == 1 else { throw .openSSLFailure("EVP_DigestUpdate") }
        }
        var output = [UInt8](repeating: 0, count: outputLength)
        var written: UInt32 = 0
        guard EVP_DigestFinal_ex(context.pointer, &output, &written) == 1, Int(written) == outputLength else {
            throw .openSSLFailure("EVP_DigestFinal_ex")
        }
        return output
    }

    public var description: String { self == .sha1 ? "SHA1" : "SHA2-256" }
}
