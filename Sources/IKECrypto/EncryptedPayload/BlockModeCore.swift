internal import COpenSSL

// The raw cipher operations under `EncryptedPayloadCipher`, one OpenSSL context each,
// keyed once; each message only sets a new IV (re-running the AES key schedule per
// packet costs about a third of GCM throughput, per the measurements in
// reference/swift-on-linux.md §5). Not thread-safe: the owning cipher serialises use.

/// AES-CBC, 3DES-CBC or AES-CTR in one direction, no padding (IKE pads itself, RFC 7296 §3.14).
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
    /// `iv` (the 16- or 8-octet CBC IV, or the 16-octet CTR initial counter block).
    func run(iv: UnsafeRawBufferPointer, input: UnsafeRawBufferPointer, output: UnsafeMutableRawBufferPointer) throws(IKECryptoError) {
        precondition(output.count == input.count, "BlockModeCore sizes")
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
