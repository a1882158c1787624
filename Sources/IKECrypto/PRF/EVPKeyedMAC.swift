internal import COpenSSL

/// HMAC or CMAC through OpenSSL's `EVP_MAC`: a keyed template context is built once and
/// duplicated per tag, which skips the key schedule (HMAC inner/outer pads) per message.
final class EVPKeyedMAC: KeyedMAC {
    private let template: EVPMACContext
    let outputLength: Int

    /// HMAC with `digest` (an `EVP_MD` name such as "SHA2-256").
    static func hmac(digest: StaticString, outputLength: Int, key: UnsafeRawBufferPointer) throws(IKECryptoError) -> EVPKeyedMAC {
        try EVPKeyedMAC(mac: Algorithms.hmac, parameterName: "digest", parameterValue: digest,
                        outputLength: outputLength, key: key)
    }

    /// AES-CMAC (RFC 4493) with a 16-octet key.
    static func aes128CMAC(key: UnsafeRawBufferPointer) throws(IKECryptoError) -> EVPKeyedMAC {
        guard key.count == 16 else { throw .invalidKeyLength(algorithm: "AES-CMAC", expected: 16, actual: key.count) }
        return try EVPKeyedMAC(mac: Algorithms.cmac, parameterName: "cipher", parameterValue: "AES-128-CBC",
                               outputLength: 16, key: key)
    }

    private init(
        mac: FetchedMAC, parameterName: StaticString, parameterValue: StaticString,
        outputLength: Int, key: UnsafeRawBufferPointer
    ) throws(IKECryptoError) {
        let algorithm = try mac.required()
        clearOpenSSLErrors()
        guard let context = EVP_MAC_CTX_new(algorithm) else { throw .openSSLFailure("EVP_MAC_CTX_new") }
        template = EVPMACContext(taking: context)
        // StaticString storage outlives the call, as OSSL_PARAM requires (it keeps pointers).
        var parameters = [
            OSSL_PARAM_construct_utf8_string(parameterName.cString, parameterValue.mutableCString, 0),
            OSSL_PARAM_construct_end(),
        ]
        guard EVP_MAC_init(context, key.cBytes, key.count, &parameters) == 1 else {
            throw .openSSLFailure("EVP_MAC_init")
        }
        self.outputLength = outputLength
    }

    func compute(_ parts: [MACInput], into output: UnsafeMutableRawBufferPointer) throws(IKECryptoError) {
        precondition(output.count >= outputLength, "MAC output buffer too small")
        clearOpenSSLErrors()
        guard let duplicate = EVP_MAC_CTX_dup(template.pointer) else { throw .openSSLFailure("EVP_MAC_CTX_dup") }
        let context = EVPMACContext(taking: duplicate)
        // Keep the wrapper alive until every C call using its pointer has returned.
        defer { withExtendedLifetime(context) {} }
        for part in parts {
            let updated = try part.withBytes { (bytes) throws(IKECryptoError) -> Bool in
                EVP_MAC_update(context.pointer, bytes.cBytes, bytes.count) == 1
            }
            guard updated else { throw .openSSLFailure("EVP_MAC_update") }
        }
        var written = 0
        guard EVP_MAC_final(context.pointer, output.cMutableBytes, &written, output.count) == 1,
              written == outputLength else {
            throw .openSSLFailure("EVP_MAC_final")
        }
    }
}
