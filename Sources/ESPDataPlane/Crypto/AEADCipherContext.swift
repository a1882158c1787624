internal import COpenSSL

/// One keyed AES-GCM or ChaCha20-Poly1305 `EVP_CIPHER_CTX` for one SA direction. The key
/// schedule is computed once here; per packet only the 12-octet nonce changes (measured at
/// ~2.5 GB/s for AES-256-GCM on 1400-octet packets, against 1.7 GB/s re-keying per packet).
///
/// Not thread-safe: its SA uses it only while holding the SA's lock.
final class AEADCipherContext {
    private let context: OpaquePointer
    private let encrypting: Int32
    /// ICV octets appended (GCM: 8, 12 or 16; ChaCha20-Poly1305: 16).
    let tagLength: Int

    init(cipherName: String, key: UnsafeRawBufferPointer, encrypting: Bool, tagLength: Int) throws(ESPSetupError) {
        let cipher = try OpenSSLAlgorithms.shared.cipher(named: cipherName)
        guard Int(EVP_CIPHER_get_key_length(cipher)) == key.count else {
            throw ESPSetupError(operation: "\(cipherName) key", reason: "\(key.count) octets, need \(EVP_CIPHER_get_key_length(cipher))")
        }
        guard let context = EVP_CIPHER_CTX_new() else {
            throw ESPSetupError(operation: "EVP_CIPHER_CTX_new", reason: OpenSSLAlgorithms.lastErrorText())
        }
        self.context = context
        self.encrypting = encrypting ? 1 : 0
        self.tagLength = tagLength
        let keyed = EVP_CipherInit_ex2(context, cipher, key.baseAddress?.assumingMemoryBound(to: UInt8.self), nil, self.encrypting, nil)
        guard keyed == 1 else {
            throw ESPSetupError(operation: "EVP_CipherInit_ex2 \(cipherName)", reason: OpenSSLAlgorithms.lastErrorText())
        }
    }

    deinit { EVP_CIPHER_CTX_free(context) }

    /// Encrypts `length` octets at `data` in place under `nonce` (12 octets) and `aad`, and
    /// writes the ICV to `tag`. False only if OpenSSL fails (it does not for valid input).
    func seal(nonce: UnsafePointer<UInt8>, aad: UnsafeRawBufferPointer, data: UnsafeMutablePointer<UInt8>, length: Int,
              tag: UnsafeMutablePointer<UInt8>) -> Bool {
        var written: Int32 = 0
        guard EVP_CipherInit_ex2(context, nil, nil, nonce, encrypting, nil) == 1,
              EVP_CipherUpdate(context, nil, &written, aad.baseAddress?.assumingMemoryBound(to: UInt8.self), Int32(aad.count)) == 1,
              EVP_CipherUpdate(context, data, &written, data, Int32(length)) == 1,
              EVP_CipherFinal_ex(context, data + Int(written), &written) == 1,
              EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_AEAD_GET_TAG, Int32(tagLength), tag) == 1
        else {
            ERR_clear_error()
            return false
        }
        return true
    }

    /// Decrypts `length` octets at `data` in place and checks `tag`. False if the ICV does not
    /// verify; the plaintext left in `data` must then be discarded.
    func open(nonce: UnsafePointer<UInt8>, aad: UnsafeRawBufferPointer, data: UnsafeMutablePointer<UInt8>, length: Int,
              tag: UnsafePointer<UInt8>) -> Bool {
        var written: Int32 = 0
        guard EVP_CipherInit_ex2(context, nil, nil, nonce, encrypting, nil) == 1,
              EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_AEAD_SET_TAG, Int32(tagLength), UnsafeMutableRawPointer(mutating: tag)) == 1,
              EVP_CipherUpdate(context, nil, &written, aad.baseAddress?.assumingMemoryBound(to: UInt8.self), Int32(aad.count)) == 1,
              EVP_CipherUpdate(context, data, &written, data, Int32(length)) == 1,
              EVP_CipherFinal_ex(context, data + Int(written), &written) == 1
        else {
            ERR_clear_error()
            return false
        }
        return true
    }
}
