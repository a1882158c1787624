internal import COpenSSL
import HubVocabulary

/// A private signing key (RSA or ECDSA), loaded from PEM or DER.
///
/// Immutable; signing creates its own contexts, so one key may be used from any thread.
public final class PrivateKey: @unchecked Sendable {
    let key: EVPKey
    /// RSA with its modulus size, or the ECDSA curve.
    public let kind: AsymmetricKeyKind

    /// Any PEM private key OpenSSL reads ("PRIVATE KEY", "ENCRYPTED PRIVATE KEY",
    /// "RSA PRIVATE KEY", "EC PRIVATE KEY"). Never prompts: a missing passphrase is
    /// treated as the empty one.
    public init(pemEncoded pem: [UInt8], passphrase: SecretBytes? = nil) throws(IKECryptoError) {
        let bio = try MemoryBIO(pem)
        // Keep the wrapper alive until every C call using its pointer has returned.
        defer { withExtendedLifetime(bio) {} }
        // NUL-terminated passphrase for OpenSSL's default callback (`u` argument).
        var phrase = (passphrase?.revealedBytes() ?? []).map { CChar(bitPattern: $0) } + [0]
        defer { phrase.withUnsafeMutableBufferPointer { OPENSSL_cleanse($0.baseAddress, $0.count) } }
        clearOpenSSLErrors()
        let loaded = phrase.withUnsafeMutableBufferPointer { buffer in
            PEM_read_bio_PrivateKey(bio.pointer, nil, nil, buffer.baseAddress)
        }
        guard let loaded else {
            throw .keyDecodingFailed(IKECryptoError.openSSLFailure("PEM_read_bio_PrivateKey").description)
        }
        key = EVPKey(taking: loaded)
        kind = AsymmetricKeyKind.of(key)
    }

    /// A DER private key (PKCS#8, or the traditional RSA/EC structures).
    public init(derEncoded der: [UInt8]) throws(IKECryptoError) {
        clearOpenSSLErrors()
        let loaded = der.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            return d2i_AutoPrivateKey(nil, &cursor, buffer.count)
        }
        guard let loaded else {
            throw .keyDecodingFailed(IKECryptoError.openSSLFailure("d2i_AutoPrivateKey").description)
        }
        key = EVPKey(taking: loaded)
        kind = AsymmetricKeyKind.of(key)
    }

    /// Reads a PEM private key file (for example the gateway's `trustpoint` key).
    public convenience init(pemFile path: String, passphrase: SecretBytes? = nil) throws(IKECryptoError) {
        var pem = try readFile(path)
        // The file holds the private key: clear our copy once OpenSSL has parsed it.
        defer { pem.withUnsafeMutableBytes { OPENSSL_cleanse($0.baseAddress, $0.count) } }
        try self.init(pemEncoded: pem, passphrase: passphrase)
    }

    /// The matching public key.
    public var publicKey: PublicKey {
        get throws(IKECryptoError) {
            // Re-encode the public half as SubjectPublicKeyInfo and read it back, so the
            // public key object holds no private material.
            var encoded: UnsafeMutablePointer<UInt8>?
            let length = withExtendedLifetime(key) { i2d_PUBKEY(key.pointer, &encoded) }
            guard length > 0, let encoded else { throw .openSSLFailure("i2d_PUBKEY") }
            defer { shim_OPENSSL_free(encoded) }
            return try PublicKey(subjectPublicKeyInfo: Array(UnsafeBufferPointer(start: encoded, count: Int(length))))
        }
    }
}

/// The whole file at `path`.
private func readFile(_ path: String) throws(IKECryptoError) -> [UInt8] {
    clearOpenSSLErrors()
    guard let bio = BIO_new_file(path, "rb") else {
        throw .keyDecodingFailed("cannot open \(path): \(IKECryptoError.openSSLFailure("BIO_new_file"))")
    }
    defer { BIO_free(bio) }
    var contents: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    defer { chunk.withUnsafeMutableBytes { OPENSSL_cleanse($0.baseAddress, $0.count) } }
    while true {
        let read = BIO_read(bio, &chunk, Int32(chunk.count))
        if read <= 0 { break }
        contents.append(contentsOf: chunk[0..<Int(read)])
        if contents.count > 1 << 20 { throw .keyDecodingFailed("\(path) is larger than 1 MiB") }
    }
    return contents
}
