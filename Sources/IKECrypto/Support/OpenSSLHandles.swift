internal import COpenSSL

// One wrapper class per OpenSSL object: it owns the pointer and frees it in `deinit`.
// Callers keep the wrapper alive across every C call that uses `pointer` (pass the
// wrapper, not the pointer, and use `withExtendedLifetime` where the last use is the C
// call), because Swift may release a wrapper right after its last Swift-visible use.

/// Owns an `EVP_PKEY`. Immutable after creation, so it may be shared between threads.
final class EVPKey: @unchecked Sendable {
    let pointer: OpaquePointer

    init(taking pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit { EVP_PKEY_free(pointer) }
}

/// Owns an `EVP_PKEY_CTX`. Not thread-safe; used within one call.
final class EVPKeyContext {
    let pointer: OpaquePointer

    init(for key: EVPKey) throws(IKECryptoError) {
        clearOpenSSLErrors()
        guard let context = withExtendedLifetime(key, { EVP_PKEY_CTX_new_from_pkey(nil, key.pointer, nil) }) else {
            throw .openSSLFailure("EVP_PKEY_CTX_new_from_pkey")
        }
        pointer = context
    }

    init(algorithmName: StaticString) throws(IKECryptoError) {
        clearOpenSSLErrors()
        guard let context = EVP_PKEY_CTX_new_from_name(nil, algorithmName.cString, nil) else {
            throw .openSSLFailure("EVP_PKEY_CTX_new_from_name")
        }
        pointer = context
    }

    deinit { EVP_PKEY_CTX_free(pointer) }
}

/// Owns an `EVP_CIPHER_CTX`. Not thread-safe: one owner at a time.
final class EVPCipherContext {
    let pointer: OpaquePointer

    init() throws(IKECryptoError) {
        clearOpenSSLErrors()
        guard let context = EVP_CIPHER_CTX_new() else { throw .openSSLFailure("EVP_CIPHER_CTX_new") }
        pointer = context
    }

    deinit { EVP_CIPHER_CTX_free(pointer) }
}

/// Owns an `EVP_MAC_CTX`. Not thread-safe: one owner at a time.
final class EVPMACContext {
    let pointer: OpaquePointer

    init(taking pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit { EVP_MAC_CTX_free(pointer) }
}

/// Owns an `EVP_MD_CTX`. Not thread-safe; used within one call.
final class EVPDigestContext {
    let pointer: OpaquePointer

    init() throws(IKECryptoError) {
        clearOpenSSLErrors()
        guard let context = EVP_MD_CTX_new() else { throw .openSSLFailure("EVP_MD_CTX_new") }
        pointer = context
    }

    deinit { EVP_MD_CTX_free(pointer) }
}

/// Owns a `BIGNUM`.
final class BigNumber {
    let pointer: OpaquePointer

    init(bigEndian bytes: UnsafeRawBufferPointer) throws(IKECryptoError) {
        clearOpenSSLErrors()
        guard let number = BN_bin2bn(bytes.cBytes, Int32(bytes.count), nil) else {
            throw .openSSLFailure("BN_bin2bn")
        }
        pointer = number
    }

    init(taking pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit { BN_clear_free(pointer) }
}

/// Owns an `OSSL_PARAM_BLD` and the `OSSL_PARAM` array it builds.
final class ParameterBuilder {
    private let builder: OpaquePointer
    /// Values pushed by pointer stay referenced here until `build` copies them.
    private var keepAlive: [AnyObject] = []

    init() throws(IKECryptoError) {
        clearOpenSSLErrors()
        guard let builder = OSSL_PARAM_BLD_new() else { throw .openSSLFailure("OSSL_PARAM_BLD_new") }
        self.builder = builder
    }

    deinit { OSSL_PARAM_BLD_free(builder) }

    func push(_ key: StaticString, utf8 value: StaticString) throws(IKECryptoError) {
        guard OSSL_PARAM_BLD_push_utf8_string(builder, key.cString, value.cString, 0) == 1 else {
            throw .openSSLFailure("OSSL_PARAM_BLD_push_utf8_string")
        }
    }

    func push(_ key: StaticString, number: BigNumber) throws(IKECryptoError) {
        keepAlive.append(number)
        guard OSSL_PARAM_BLD_push_BN(builder, key.cString, number.pointer) == 1 else {
            throw .openSSLFailure("OSSL_PARAM_BLD_push_BN")
        }
    }

    /// Pushes an octet string; OpenSSL copies `value` during this call.
    func push(_ key: StaticString, octets value: UnsafeRawBufferPointer) throws(IKECryptoError) {
        guard OSSL_PARAM_BLD_push_octet_string(builder, key.cString, value.baseAddress, value.count) == 1 else {
            throw .openSSLFailure("OSSL_PARAM_BLD_push_octet_string")
        }
    }

    /// Runs `body` with the finished `OSSL_PARAM` array, freed afterwards.
    func withParameters<Result>(
        _ body: (UnsafeMutablePointer<OSSL_PARAM>) throws(IKECryptoError) -> Result
    ) throws(IKECryptoError) -> Result {
        guard let parameters = OSSL_PARAM_BLD_to_param(builder) else {
            throw .openSSLFailure("OSSL_PARAM_BLD_to_param")
        }
        defer { OSSL_PARAM_free(parameters) }
        return try withExtendedLifetime(keepAlive) { () throws(IKECryptoError) -> Result in
            try body(parameters)
        }
    }
}

extension StaticString {
    /// The literal as a NUL-terminated C string. Static storage, so OpenSSL may keep the
    /// pointer (as `OSSL_PARAM` does) without it dangling.
    var cString: UnsafePointer<CChar> {
        UnsafeRawPointer(utf8Start).assumingMemoryBound(to: CChar.self)
    }

    /// The same pointer typed `char *` for OpenSSL parameters that are not `const`.
    var mutableCString: UnsafeMutablePointer<CChar> {
        UnsafeMutablePointer(mutating: cString)
    }
}
