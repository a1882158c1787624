internal import COpenSSL
import HubVocabulary

/// MD5 and HMAC-MD5 (RFC 1321, RFC 2104) through OpenSSL 3's EVP one-shot calls: the
/// only primitives RADIUS needs (RFC 2865 §3 authenticators, §5.2 User-Password hiding,
/// RFC 2868 §3.5 / RFC 2548 §2.4.2 salt encryption, RFC 3579 §3.2 Message-Authenticator).
enum RadiusCrypto {
    static func md5(_ parts: [UInt8]...) -> [UInt8] {
        md5(parts: parts)
    }

    static func md5(parts: [[UInt8]]) -> [UInt8] {
        let data = parts.flatMap { $0 }
        var digest = [UInt8](repeating: 0, count: 16)
        var size = 0
        let ok = data.withUnsafeBytes { input in
            EVP_Q_digest(nil, "MD5", nil, input.baseAddress, input.count, &digest, &size)
        }
        // MD5 is in OpenSSL's default provider; failing here means libcrypto is broken.
        precondition(ok == 1 && size == 16, "EVP_Q_digest(MD5) failed")
        return digest
    }

    static func hmacMD5(key: [UInt8], data: [UInt8]) -> [UInt8] {
        var mac = [UInt8](repeating: 0, count: 16)
        var size = 0
        let result = key.withUnsafeBytes { keyBytes in
            data.withUnsafeBytes { input in
                EVP_Q_mac(nil, "HMAC", nil, "MD5", nil, keyBytes.baseAddress, keyBytes.count,
                          input.baseAddress?.assumingMemoryBound(to: UInt8.self), input.count, &mac, 16, &size)
            }
        }
        precondition(result != nil && size == 16, "EVP_Q_mac(HMAC-MD5) failed")
        return mac
    }

    /// 16 octets from OpenSSL's CSPRNG (RFC 2865 §3: the Request Authenticator must be
    /// unpredictable).
    static func randomAuthenticator() -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 16)
        precondition(RAND_bytes(&bytes, 16) == 1, "RAND_bytes failed")
        return bytes
    }
}
