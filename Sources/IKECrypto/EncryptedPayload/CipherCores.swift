internal import COpenSSL

// The raw cipher operations under `EncryptedPayloadCipher`, one OpenSSL context each,
// keyed once; each message only sets a new IV (re-running the AES key schedule per
// packet costs about a third of GCM throughput, per the measurements in
// reference/swift-on-linux.md §5). Not thread-safe: the owning cipher serialises use.

/// AES-CBC or AES-CTR in one direction, no padding (IKE pads itself, RFC 7296 §3.14).
final class BlockModeCore {
    private let context: EVPCipherContext

    init(cipher: FetchedCipher, key: UnsafeRawBufferPointer, encrypting: Bool) throws(IKECryptoError) {
        context = try EVPCipherContext()
        guard EVP_CipherInit_ex2(context.pointer, try cipher.required(), key.cBytes, nil, encrypting ? 1 : 0, nil) == 1 else {
            throw .openSSLFailure("EVP_CipherInit_ex2")
        }
        guard EVP_CIPHER_CTX_set_padding(context.pointer, 0) == 1 else {
            throw .openSSLFailure("EVP_CIPHER_CTX_set_padding")
        }
    }

    /// Transforms `input` into `output` (same length; may be the same memory) under the
    /// 16-octet `iv` (the CBC IV, or the CTR initial counter block).
    func run(iv: UnsafeRawBufferPointer, input: UnsafeRawBufferPointer, output: UnsafeMutableRawBufferPointer) throws(IKECryptoError) {
        precondition(iv.count == 16 && output.count == input.count, "BlockModeCore sizes")
        clearOpenSSLErrors()
        guard EVP_CipherInit_ex2(context.pointer, nil, nil, iv.cBytes, -1, nil) == 1 else {
            throw .openSSLFailure("EVP_CipherInit_ex2")
        }
        var written: Int32 = 0
        if input.count > 0 {
            guard EVP_CipherUpdate(context.pointer, output.cMutableBytes, &written, input.cBytes, Int32(input.count)) == 1 else {
                throw .openSSLFailure("EVP_CipherUpdate")
            }
        }
        var tail: Int32 = 0
        guard EVP_CipherFinal_ex(context.pointer, output.cMutableBytes + Int(written), &tail) == 1,
              Int(written + tail) == input.count else {
            throw .openSSLFailure("EVP_CipherFinal_ex")
        }
    }
}

/// AES-GCM or ChaCha20-Poly1305 in one direction with a 12-octet nonce.
final class AEADCore {
    private let context: EVPCipherContext
    let tagLength: Int

    init(cipher: FetchedCipher, key: UnsafeRawBufferPointer, tagLength: Int, encrypting: Bool) throws(IKECryptoError) {
        context = try EVPCipherContext()
        self.tagLength = tagLength
        guard EVP_CipherInit_ex2(context.pointer, try cipher.required(), key.cBytes, nil, encrypting ? 1 : 0, nil) == 1 else {
            throw .openSSLFailure("EVP_CipherInit_ex2")
        }
    }

    /// Encrypts `plaintext` into `ciphertext` (may be the same memory) and writes the
    /// tag, truncated to `tagLength`, into `tag`.
    func seal(
        nonce: UnsafeRawBufferPointer, aad: UnsafeRawBufferPointer, plaintext: UnsafeRawBufferPointer,
        ciphertext: UnsafeMutableRawBufferPointer, tag: UnsafeMutableRawBufferPointer
    ) throws(IKECryptoError) {
        try start(nonce: nonce, aad: aad)
        try process(plaintext, into: ciphertext)
        guard EVP_CIPHER_CTX_ctrl(context.pointer, EVP_CTRL_AEAD_GET_TAG, Int32(tagLength), tag.baseAddress) == 1 else {
            throw .openSSLFailure("EVP_CIPHER_CTX_ctrl(GET_TAG)")
        }
    }

    /// Decrypts into `plaintext` and returns whether the tag verified (OpenSSL compares
    /// tags in constant time). On `false` the plaintext must be discarded.
    func open(
        nonce: UnsafeRawBufferPointer, aad: UnsafeRawBufferPointer, ciphertext: UnsafeRawBufferPointer,
        tag: UnsafeRawBufferPointer, plaintext: UnsafeMutableRawBufferPointer
    ) throws(IKECryptoError) -> Bool {
        try start(nonce: nonce, aad: aad)
        var tagCopy = Array(tag)
        guard EVP_CIPHER_CTX_ctrl(context.pointer, EVP_CTRL_AEAD_SET_TAG, Int32(tagLength), &tagCopy) == 1 else {
            throw .openSSLFailure("EVP_CIPHER_CTX_ctrl(SET_TAG)")
        }
        do {
            try process(ciphertext, into: plaintext)
        } catch {
            ERR_clear_error()
            return false
        }
        return true
    }

    private func start(nonce: UnsafeRawBufferPointer, aad: UnsafeRawBufferPointer) throws(IKECryptoError) {
        precondition(nonce.count == 12, "AEAD nonce is salt(4) ‖ IV(8)")
        clearOpenSSLErrors()
        guard EVP_CipherInit_ex2(context.pointer, nil, nil, nonce.cBytes, -1, nil) == 1 else {
            throw .openSSLFailure("EVP_CipherInit_ex2")
        }
        var written: Int32 = 0
        guard EVP_CipherUpdate(context.pointer, nil, &written, aad.cBytes, Int32(aad.count)) == 1 else {
            throw .openSSLFailure("EVP_CipherUpdate(AAD)")
        }
    }

    /// Update plus Final; Final is where decryption checks the tag.
    private func process(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws(IKECryptoError) {
        var written: Int32 = 0
        if input.count > 0 {
            guard EVP_CipherUpdate(context.pointer, output.cMutableBytes, &written, input.cBytes, Int32(input.count)) == 1 else {
                throw .openSSLFailure("EVP_CipherUpdate")
            }
        }
        var tail: Int32 = 0
        guard EVP_CipherFinal_ex(context.pointer, output.cMutableBytes + Int(written), &tail) == 1 else {
            throw .openSSLFailure("EVP_CipherFinal_ex")
        }
    }
}
