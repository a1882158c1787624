import IKECrypto

/// CERT payload encoding 12, "Hash and URL of X.509 certificate" (RFC 7296 §3.6): a
/// 20-octet SHA-1 hash of the DER certificate followed by an http URL where it can be
/// fetched. A peer may send it only after our HTTP_CERT_LOOKUP_SUPPORTED notify.
public enum HashAndURLCertificate {
    /// The SHA-1 hash and the URL of CERT data with encoding 12.
    public static func decode(_ data: [UInt8]) throws(PKIError) -> (hash: [UInt8], url: String) {
        guard data.count > 20 else {
            throw .decoding(what: "hash-and-URL CERT data", reason: "\(data.count) octets; need a 20-octet hash and a URL")
        }
        let url = String(decoding: data[20...], as: UTF8.self)
        guard url.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7f }) else {
            throw .decoding(what: "hash-and-URL CERT data", reason: "the URL is not printable ASCII")
        }
        return (Array(data[0..<20]), url)
    }

    /// Fetches the certificate named by CERT data with encoding 12 and checks that its
    /// SHA-1 is the hash given; returns its DER (use it as an encoding-4 CERT).
    public static func fetch(_ data: [UInt8], client: HTTPClient = HTTPClient()) throws(PKIError) -> [UInt8] {
        let (hash, url) = try decode(data)
        let body = try client.get(url)
        let digest: [UInt8]
        do {
            digest = try MessageDigest.sha1.hash(body)
        } catch {
            throw .crypto("SHA-1 of the certificate from \(url): \(error)")
        }
        guard digest == hash else {
            throw .http(url: url, reason: "the certificate's SHA-1 does not match the hash in the CERT payload")
        }
        _ = try Certificate(der: body)
        return body
    }
}
