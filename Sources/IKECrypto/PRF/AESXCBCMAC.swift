internal import COpenSSL

/// AES-XCBC-MAC (RFC 3566 §4) with a 16-octet key. OpenSSL has no XCBC, so this runs the
/// construction over single-block AES-128-ECB encryptions:
/// K1 = E(K, 0x01…), K2 = E(K, 0x02…), K3 = E(K, 0x03…); CBC-MAC under K1, the last block
/// XORed with K2 if it is complete, else padded with 0x80 00… and XORed with K3.
final class AESXCBCMAC: KeyedMAC {
    private let blockCipher: EVPCipherContext   // AES-128-ECB under K1
    private let k2 = WipedBuffer(count: 16)
    private let k3 = WipedBuffer(count: 16)
    let outputLength = 16

    init(key: UnsafeRawBufferPointer) throws(IKECryptoError) {
        guard key.count == 16 else { throw .invalidKeyLength(algorithm: "AES-XCBC-MAC", expected: 16, actual: key.count) }
        let derivation = try AESXCBCMAC.ecbContext(key: key)
        let k1 = WipedBuffer(count: 16)
        for (constant, destination) in [(UInt8(1), k1), (2, k2), (3, k3)] {
            let input = WipedBuffer(count: 16)
            input.bytes.initializeMemory(as: UInt8.self, repeating: constant)
            try AESXCBCMAC.encryptBlock(derivation, UnsafeRawBufferPointer(input.bytes), into: destination.bytes)
        }
        blockCipher = try AESXCBCMAC.ecbContext(key: UnsafeRawBufferPointer(k1.bytes))
    }

    func compute(_ parts: [MACInput], into output: UnsafeMutableRawBufferPointer) throws(IKECryptoError) {
        let state = WipedBuffer(count: 16)      // E_K1 chaining value
        let pending = WipedBuffer(count: 16)    // the block not yet known to be the last
        var pendingCount = 0
        for part in parts {
            try part.withBytes { (bytes) throws(IKECryptoError) in
                for byte in bytes {
                    if pendingCount == 16 {
                        for index in 0..<16 { state[index] ^= pending[index] }
                        try AESXCBCMAC.encryptBlock(blockCipher, UnsafeRawBufferPointer(state.bytes), into: state.bytes)
                        pendingCount = 0
                    }
                    pending[pendingCount] = byte
                    pendingCount += 1
                }
            }
        }
        if pendingCount == 16 {
            for index in 0..<16 { state[index] ^= pending[index] ^ k2[index] }
        } else {
            // Padding 0x80 00… (RFC 3566 §4 step 3b); an empty message is one padded block.
            pending[pendingCount] = 0x80
            for index in (pendingCount + 1)..<16 { pending[index] = 0 }
            for index in 0..<16 { state[index] ^= pending[index] ^ k3[index] }
        }
        try AESXCBCMAC.encryptBlock(blockCipher, UnsafeRawBufferPointer(state.bytes), into: state.bytes)
        UnsafeMutableRawBufferPointer(rebasing: output[0..<16]).copyMemory(from: UnsafeRawBufferPointer(state.bytes))
    }

    private static func ecbContext(key: UnsafeRawBufferPointer) throws(IKECryptoError) -> EVPCipherContext {
        let context = try EVPCipherContext()
        let cipher = try Algorithms.aes128ECB.required()
        guard EVP_EncryptInit_ex2(context.pointer, cipher, key.cBytes, nil, nil) == 1 else {
            throw .openSSLFailure("EVP_EncryptInit_ex2")
        }
        guard EVP_CIPHER_CTX_set_padding(context.pointer, 0) == 1 else {
            throw .openSSLFailure("EVP_CIPHER_CTX_set_padding")
        }
        return context
    }

    /// One AES block; `input` and `output` may be the same memory (ECB works in place).
    private static func encryptBlock(
        _ context: EVPCipherContext, _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) throws(IKECryptoError) {
        var written: Int32 = 0
        guard EVP_EncryptUpdate(context.pointer, output.cMutableBytes, &written, input.cBytes, 16) == 1,
              written == 16 else {
            throw .openSSLFailure("EVP_EncryptUpdate")
        }
    }
}
