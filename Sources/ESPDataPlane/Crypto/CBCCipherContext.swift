internal import COpenSSL

/// One keyed AES-CBC `EVP_CIPHER_CTX` (RFC 3602) for one SA direction, OpenSSL padding off
/// (ESP pads itself, RFC 4303 §2.4). Per packet only the IV is set.
///
/// Not thread-safe: its SA uses it only while holding the SA's lock.
final class CBCCipherContext {
    private let context: OpaquePointer
    private let encrypting: Int32

    init(cipherName: String, key: UnsafeRawBufferPointer, encrypting: Bool) throws(ESPSetupError) {
        let cipher = try OpenSSLAlgorithms.shared.cipher(named: cipherName)
        guard Int(EVP_CIPHER_get_key_length(cipher)) == key.count else {
            throw ESPSetupError(operation: "\(cipherName) key", reason: "\(key.count) octets, need \(EVP_CIPHER_get_key_length(cipher))")
        }
        guard let context = EVP_CIPHER_CTX_new() else {
            throw ESPSetupError(operation: "EVP_CIPHER_CTX_new", reason: OpenSSLAlgorithms.lastErrorText())
        }
        self.context = context
        self.encrypting = encrypting ? 1 : 0
        guard EVP_CipherInit_ex2(context, cipher, key.baseAddress?.assumingMemoryBound(to: UInt8.self), nil, self.encrypting, nil) == 1,
              EVP_CIPHER_CTX_set_padding(context, 0) == 1 else {
            throw ESPSetupError(operation: "EVP_CipherInit_ex2 \(cipherName)", reason: OpenSSLAlgorithms.lastErrorText())
        }
    }

    deinit { EVP_CIPHER_CTX_free(context) }

    /// En- or decrypts `length` octets (a multiple of 16) at `data` in place under `iv`.
    func transform(iv: UnsafePointer<UInt8>, data: UnsafeMutablePointer<UInt8>, length: Int) -> Bool {
        var written: Int32 = 0
        guard EVP_CipherInit_ex2(context, nil, nil, iv, encrypting, nil) == 1,
              EVP_CipherUpdate(context, data, &written, data, Int32(length)) == 1,
              EVP_CipherFinal_ex(context, data + Int(written), &written) == 1
        else {
            ERR_clear_error()
            return false
        }
        return true
    }
}
