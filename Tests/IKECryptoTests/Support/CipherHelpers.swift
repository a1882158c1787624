import HubVocabulary
@testable import IKECrypto

/// Runs the internal cipher cores on vector inputs (published primitive vectors do not
/// come with IKE framing, so they are checked below `EncryptedPayloadCipher`).
enum CipherHelpers {
    static func blockMode(
        _ cipher: FetchedCipher, key: [UInt8], iv: [UInt8], input: [UInt8], encrypting: Bool
    ) throws(IKECryptoError) -> [UInt8] {
        let core = try key.withBytes { (bytes) throws(IKECryptoError) in
            try BlockModeCore(cipher: cipher, key: bytes, encrypting: encrypting)
        }
        var output = [UInt8](repeating: 0, count: input.count)
        try output.withMutableBytes { (out) throws(IKECryptoError) in
            try iv.withBytes { (ivBytes) throws(IKECryptoError) in
                try input.withBytes { (inBytes) throws(IKECryptoError) in try core.run(iv: ivBytes, input: inBytes, output: out) }
            }
        }
        return output
    }

    static func aeadSeal(
        _ cipher: FetchedCipher, key: [UInt8], nonce: [UInt8], aad: [UInt8], plaintext: [UInt8], tagLength: Int
    ) throws(IKECryptoError) -> (ciphertext: [UInt8], tag: [UInt8]) {
        let core = try key.withBytes { (bytes) throws(IKECryptoError) in
            try AEADCore(cipher: cipher, key: bytes, tagLength: tagLength, encrypting: true)
        }
        var ciphertext = [UInt8](repeating: 0, count: plaintext.count)
        var tag = [UInt8](repeating: 0, count: tagLength)
        try ciphertext.withMutableBytes { (out) throws(IKECryptoError) in
            try tag.withMutableBytes { (tagOut) throws(IKECryptoError) in
                try nonce.withBytes { (n) throws(IKECryptoError) in
                    try aad.withBytes { (a) throws(IKECryptoError) in
                        try plaintext.withBytes { (p) throws(IKECryptoError) in
                            try core.seal(nonce: n, aad: a, plaintext: p, ciphertext: out, tag: tagOut)
                        }
                    }
                }
            }
        }
        return (ciphertext, tag)
    }

    /// The plaintext, or `nil` when the tag does not verify.
    static func aeadOpen(
        _ cipher: FetchedCipher, key: [UInt8], nonce: [UInt8], aad: [UInt8], ciphertext: [UInt8], tag: [UInt8]
    ) throws(IKECryptoError) -> [UInt8]? {
        let core = try key.withBytes { (bytes) throws(IKECryptoError) in
            try AEADCore(cipher: cipher, key: bytes, tagLength: tag.count, encrypting: false)
        }
        var plaintext = [UInt8](repeating: 0, count: ciphertext.count)
        let valid = try plaintext.withMutableBytes { (out) throws(IKECryptoError) -> Bool in
            try nonce.withBytes { (n) throws(IKECryptoError) -> Bool in
                try aad.withBytes { (a) throws(IKECryptoError) -> Bool in
                    try ciphertext.withBytes { (c) throws(IKECryptoError) -> Bool in
                        try tag.withBytes { (t) throws(IKECryptoError) -> Bool in
                            try core.open(nonce: n, aad: a, ciphertext: c, tag: t, plaintext: out)
                        }
                    }
                }
            }
        }
        return valid ? plaintext : nil
    }
}
