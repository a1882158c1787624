internal import COpenSSL

/// `EVP_DigestSign` / `EVP_DigestVerify` with the padding each algorithm needs.
enum SignatureEngine {
    static func sign(_ message: [UInt8], with key: EVPKey, algorithm: SignatureAlgorithm) throws(IKECryptoError) -> [UInt8] {
        let context = try EVPDigestContext()
        // Keep the wrapper alive until every C call using its pointer has returned.
        defer { withExtendedLifetime(context) {} }
        var keyContext: OpaquePointer?
        let digest = try algorithm.hash.digest.required()
        let started = withExtendedLifetime(key) {
            EVP_DigestSignInit(context.pointer, &keyContext, digest, nil, key.pointer)
        }
        guard started == 1, let keyContext else { throw .openSSLFailure("EVP_DigestSignInit") }
        try configurePadding(keyContext, algorithm: algorithm)
        var length = 0
        let sized = withCBytes(message) { EVP_DigestSign(context.pointer, nil, &length, $0, $1) }
        guard sized == 1 else { throw .openSSLFailure("EVP_DigestSign") }
        var signature = [UInt8](repeating: 0, count: length)
        let signed = withCBytes(message) { EVP_DigestSign(context.pointer, &signature, &length, $0, $1) }
        guard signed == 1 else { throw .openSSLFailure("EVP_DigestSign") }
        return Array(signature.prefix(length))
    }

    /// True when `signature` verifies; false when it does not (including malformed DER).
    static func verify(
        _ signature: [UInt8], of message: [UInt8], with key: EVPKey, algorithm: SignatureAlgorithm
    ) throws(IKECryptoError) -> Bool {
        let context = try EVPDigestContext()
        // Keep the wrapper alive until every C call using its pointer has returned.
        defer { withExtendedLifetime(context) {} }
        var keyContext: OpaquePointer?
        let digest = try algorithm.hash.digest.required()
        let started = withExtendedLifetime(key) {
            EVP_DigestVerifyInit(context.pointer, &keyContext, digest, nil, key.pointer)
        }
        guard started == 1, let keyContext else { throw .openSSLFailure("EVP_DigestVerifyInit") }
        try configurePadding(keyContext, algorithm: algorithm)
        let result = withCBytes(signature) { signatureBytes, signatureLength in
            withCBytes(message) { EVP_DigestVerify(context.pointer, signatureBytes, signatureLength, $0, $1) }
        }
        ERR_clear_error()
        return result == 1
    }

    private static func configurePadding(_ keyContext: OpaquePointer, algorithm: SignatureAlgorithm) throws(IKECryptoError) {
        switch algorithm {
        case .rsaPKCS1v15:
            guard EVP_PKEY_CTX_set_rsa_padding(keyContext, RSA_PKCS1_PADDING) == 1 else {
                throw .openSSLFailure("EVP_PKEY_CTX_set_rsa_padding")
            }
        case .rsaPSS(let hash):
            guard EVP_PKEY_CTX_set_rsa_padding(keyContext, RSA_PKCS1_PSS_PADDING) == 1 else {
                throw .openSSLFailure("EVP_PKEY_CTX_set_rsa_padding")
            }
            guard EVP_PKEY_CTX_set_rsa_pss_saltlen(keyContext, Int32(hash.length)) == 1 else {
                throw .openSSLFailure("EVP_PKEY_CTX_set_rsa_pss_saltlen")
            }
            guard EVP_PKEY_CTX_set_rsa_mgf1_md(keyContext, try hash.digest.required()) == 1 else {
                throw .openSSLFailure("EVP_PKEY_CTX_set_rsa_mgf1_md")
            }
        case .ecdsa:
            break
        }
    }

    /// `bytes` as a non-NULL pointer and length (OpenSSL rejects NULL even for length 0).
    private static func withCBytes<Result>(_ bytes: [UInt8], _ body: (UnsafePointer<UInt8>, Int) -> Result) -> Result {
        let storage = bytes.isEmpty ? [0] : bytes
        return storage.withUnsafeBufferPointer { body($0.baseAddress!, bytes.count) }
    }
}
