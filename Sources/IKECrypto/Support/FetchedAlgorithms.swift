internal import COpenSSL

// Algorithm objects fetched once from the default provider and shared by every context
// (fetching per call costs a provider lookup). `EVP_CIPHER`, `EVP_MD` and `EVP_MAC` are
// immutable after fetch and documented as safe to share between threads.

/// A fetched `EVP_CIPHER`; `nil` pointer when this OpenSSL lacks the cipher.
final class FetchedCipher: @unchecked Sendable {
    let name: String
    let pointer: OpaquePointer?

    init(_ name: StaticString) {
        self.name = name.description
        pointer = EVP_CIPHER_fetch(nil, name.cString, nil)
    }

    func required() throws(IKECryptoError) -> OpaquePointer {
        guard let pointer else { throw .unsupportedAlgorithm(name) }
        return pointer
    }

    deinit { if let pointer { EVP_CIPHER_free(pointer) } }
}

/// A fetched `EVP_MD`.
final class FetchedDigest: @unchecked Sendable {
    let name: StaticString
    let pointer: OpaquePointer?

    init(_ name: StaticString) {
        self.name = name
        pointer = EVP_MD_fetch(nil, name.cString, nil)
    }

    func required() throws(IKECryptoError) -> OpaquePointer {
        guard let pointer else { throw .unsupportedAlgorithm(name.description) }
        return pointer
    }

    deinit { if let pointer { EVP_MD_free(pointer) } }
}

/// A fetched `EVP_MAC`.
final class FetchedMAC: @unchecked Sendable {
    let name: StaticString
    let pointer: OpaquePointer?

    init(_ name: StaticString) {
        self.name = name
        pointer = EVP_MAC_fetch(nil, name.cString, nil)
    }

    func required() throws(IKECryptoError) -> OpaquePointer {
        guard let pointer else { throw .unsupportedAlgorithm(name.description) }
        return pointer
    }

    deinit { if let pointer { EVP_MAC_free(pointer) } }
}

/// The algorithms IKECrypto uses, each fetched on first use (Swift `static let` is
/// initialised once, thread-safely).
enum Algorithms {
    static let aes128ECB = FetchedCipher("AES-128-ECB")
    static let aes128CBC = FetchedCipher("AES-128-CBC")
    static let aes192CBC = FetchedCipher("AES-192-CBC")
    static let aes256CBC = FetchedCipher("AES-256-CBC")
    static let aes128CTR = FetchedCipher("AES-128-CTR")
    static let aes192CTR = FetchedCipher("AES-192-CTR")
    static let aes256CTR = FetchedCipher("AES-256-CTR")
    static let aes128GCM = FetchedCipher("AES-128-GCM")
    static let aes192GCM = FetchedCipher("AES-192-GCM")
    static let aes256GCM = FetchedCipher("AES-256-GCM")
    static let chacha20Poly1305 = FetchedCipher("ChaCha20-Poly1305")

    static let sha1 = FetchedDigest("SHA1")
    static let sha256 = FetchedDigest("SHA2-256")
    static let sha384 = FetchedDigest("SHA2-384")
    static let sha512 = FetchedDigest("SHA2-512")

    static let hmac = FetchedMAC("HMAC")
    static let cmac = FetchedMAC("CMAC")
}
