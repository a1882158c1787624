internal import COpenSSL

/// A public verification key, from a PEM/DER SubjectPublicKeyInfo or an X.509 certificate.
/// Immutable; safe to share between threads.
public final class PublicKey: @unchecked Sendable {
    let key: EVPKey
    /// RSA with its modulus size, or the ECDSA curve.
    public let kind: AsymmetricKeyKind

    /// A PEM "PUBLIC KEY" (SubjectPublicKeyInfo).
    public init(pemEncoded pem: [UInt8]) throws(IKECryptoError) {
        let bio = try MemoryBIO(pem)
        // Keep the wrapper alive until every C call using its pointer has returned.
        defer { withExtendedLifetime(bio) {} }
        clearOpenSSLErrors()
        guard let loaded = PEM_read_bio_PUBKEY(bio.pointer, nil, nil, nil) else {
            throw .keyDecodingFailed(IKECryptoError.openSSLFailure("PEM_read_bio_PUBKEY").description)
        }
        key = EVPKey(taking: loaded)
        kind = AsymmetricKeyKind.of(key)
    }

    /// A DER SubjectPublicKeyInfo.
    public init(subjectPublicKeyInfo der: [UInt8]) throws(IKECryptoError) {
        clearOpenSSLErrors()
        let loaded = der.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            return d2i_PUBKEY(nil, &cursor, buffer.count)
        }
        guard let loaded else {
            throw .keyDecodingFailed(IKECryptoError.openSSLFailure("d2i_PUBKEY").description)
        }
        key = EVPKey(taking: loaded)
        kind = AsymmetricKeyKind.of(key)
    }

    /// The subject public key of a DER X.509 certificate (the CERT payload's data for
    /// encoding 4). Only the key is taken; chain validation is not done here.
    public init(certificateDER der: [UInt8]) throws(IKECryptoError) {
        clearOpenSSLErrors()
        let certificate = der.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            return d2i_X509(nil, &cursor, buffer.count)
        }
        guard let certificate else {
            throw .keyDecodingFailed(IKECryptoError.openSSLFailure("d2i_X509").description)
        }
        defer { X509_free(certificate) }
        guard let loaded = X509_get_pubkey(certificate) else {
            throw .keyDecodingFailed(IKECryptoError.openSSLFailure("X509_get_pubkey").description)
        }
        key = EVPKey(taking: loaded)
        kind = AsymmetricKeyKind.of(key)
    }

    /// The subject public key of a PEM X.509 certificate ("CERTIFICATE").
    public init(certificatePEM pem: [UInt8]) throws(IKECryptoError) {
        let bio = try MemoryBIO(pem)
        defer { withExtendedLifetime(bio) {} }
        clearOpenSSLErrors()
        guard let certificate = PEM_read_bio_X509(bio.pointer, nil, nil, nil) else {
            throw .keyDecodingFailed(IKECryptoError.openSSLFailure("PEM_read_bio_X509").description)
        }
        defer { X509_free(certificate) }
        guard let loaded = X509_get_pubkey(certificate) else {
            throw .keyDecodingFailed(IKECryptoError.openSSLFailure("X509_get_pubkey").description)
        }
        key = EVPKey(taking: loaded)
        kind = AsymmetricKeyKind.of(key)
    }

    /// The DER SubjectPublicKeyInfo (CERTREQ hashes it with SHA-1, RFC 7296 §3.7).
    public var subjectPublicKeyInfo: [UInt8] {
        get throws(IKECryptoError) {
            var encoded: UnsafeMutablePointer<UInt8>?
            let length = withExtendedLifetime(key) { i2d_PUBKEY(key.pointer, &encoded) }
            guard length > 0, let encoded else { throw .openSSLFailure("i2d_PUBKEY") }
            defer { shim_OPENSSL_free(encoded) }
            return Array(UnsafeBufferPointer(start: encoded, count: Int(length)))
        }
    }
}
