internal import COpenSSL
import HubVocabulary

/// A NIST curve usable for ECDSA AUTH.
public enum EllipticCurve: Hashable, Sendable {
    case p256
    case p384
    case p521

    /// Octets of r and of s in the raw RFC 4754 encoding.
    public var coordinateLength: Int {
        switch self {
        case .p256: 32
        case .p384: 48
        case .p521: 66
        }
    }
}

/// What kind of signing key a `PrivateKey` or `PublicKey` holds.
public enum AsymmetricKeyKind: Hashable, Sendable {
    case rsa(bits: Int)
    case ecdsa(EllipticCurve)
    /// A key type IKECrypto does not sign with (Ed25519, DSA, other curves).
    case unsupported(String)

    static func of(_ key: EVPKey) -> AsymmetricKeyKind {
        withExtendedLifetime(key) {
            let bits = Int(EVP_PKEY_get_bits(key.pointer))
            switch EVP_PKEY_get_base_id(key.pointer) {
            case EVP_PKEY_RSA:
                return .rsa(bits: bits)
            case EVP_PKEY_EC:
                var name = [CChar](repeating: 0, count: 64)
                var length = 0
                guard EVP_PKEY_get_group_name(key.pointer, &name, name.count, &length) == 1 else {
                    return .unsupported("EC key without a named group")
                }
                let group = name.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
                switch group {
                case "prime256v1", "P-256", "secp256r1": return .ecdsa(.p256)
                case "secp384r1", "P-384": return .ecdsa(.p384)
                case "secp521r1", "P-521": return .ecdsa(.p521)
                default: return .unsupported("EC curve \(group)")
                }
            default:
                return .unsupported("key type \(EVP_PKEY_get_base_id(key.pointer))")
            }
        }
    }
}

/// Owns a memory `BIO` reading from a copy of the input octets.
private final class MemoryBIO {
    let pointer: OpaquePointer
    private let storage: UnsafeMutableRawBufferPointer

    init(_ bytes: [UInt8]) throws(IKECryptoError) {
        storage = .allocate(byteCount: max(bytes.count, 1), alignment: 1)
        storage.copyBytes(from: bytes)
        clearOpenSSLErrors()
        guard let bio = BIO_new_mem_buf(storage.baseAddress, Int32(bytes.count)) else {
            storage.deallocate()
            throw .openSSLFailure("BIO_new_mem_buf")
        }
        pointer = bio
    }

    deinit {
        BIO_free(pointer)
        OPENSSL_cleanse(storage.baseAddress, storage.count)
        storage.deallocate()
    }
}

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
        try self.init(pemEncoded: try readFile(path), passphrase: passphrase)
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
    while true {
        let read = BIO_read(bio, &chunk, Int32(chunk.count))
        if read <= 0 { break }
        contents.append(contentsOf: chunk[0..<Int(read)])
        if contents.count > 1 << 20 { throw .keyDecodingFailed("\(path) is larger than 1 MiB") }
    }
    return contents
}
