import HubVocabulary

/// How an outbound SA makes its per-packet IVs.
enum IVGeneration: Sendable {
    /// AES-GCM / ChaCha20-Poly1305: a 64-bit counter, one value per packet, never repeated
    /// under a key (RFC 4106 §3.1, RFC 7634 §2). Starts at a random value.
    case counter
    /// AES-CBC: 16 unpredictable octets per packet from OpenSSL's DRBG (RFC 3602 §2.3).
    case random
    /// One given IV for every packet: only to reproduce published vectors in tests.
    case fixed([UInt8])
}

/// The cryptographic transform of one SA direction (RFC 4303 §3.3.2, §3.4.4), independent of
/// mode: frames SPI ‖ sequence ‖ IV ‖ ciphertext(payload ‖ padding ‖ pad length ‖ next
/// header) ‖ ICV in the caller's buffer, encrypting and decrypting in place.
///
/// Not thread-safe: owned by one SA, used under its lock.
final class ESPCryptor {
    private enum Engine {
        case aead(AEADCipherContext)
        case cbc(CBCCipherContext, HMACContext)
    }

    let spi: UInt32
    let suite: ESPCipherSuite
    let extendedSequenceNumbers: Bool
    private let engine: Engine
    /// The 4-octet salt of AEAD key material, in network order as an integer.
    private let salt: UInt32

    init(spi: UInt32, suite: ESPCipherSuite, keys: ESPKeyMaterial, encrypting: Bool, extendedSequenceNumbers: Bool) throws(ESPSetupError) {
        self.spi = spi
        self.suite = suite
        self.extendedSequenceNumbers = extendedSequenceNumbers
        let encryption = suite.encryption
        guard keys.encryptionKey.count == encryption.keyMaterialLength else {
            throw ESPSetupError(operation: "\(encryption) key material", reason: "\(keys.encryptionKey.count) octets, need \(encryption.keyMaterialLength)")
        }
        switch encryption {
        case .aesGCM, .chaCha20Poly1305:
            let keyLength = encryption.keyMaterialLength - 4
            var saltValue: UInt32 = 0
            let context = try keys.encryptionKey.withUnsafeBytes { material in
                saltValue = UnsafeRawPointer(material.baseAddress!).loadBigEndianUInt32(at: keyLength)
                return Result { () throws(ESPSetupError) in
                    try AEADCipherContext(cipherName: encryption.openSSLName, key: UnsafeRawBufferPointer(rebasing: material[0..<keyLength]),
                                          encrypting: encrypting, tagLength: suite.icvLength)
                }
            }.get()
            salt = saltValue
            engine = .aead(context)
        case .aesCBC:
            guard let integrity = suite.integrity, let integrityKey = keys.integrityKey else {
                throw ESPSetupError(operation: "\(suite) keys", reason: "integrity key missing")
            }
            guard integrityKey.count == integrity.keyLength else {
                throw ESPSetupError(operation: "\(integrity) key", reason: "\(integrityKey.count) octets, need \(integrity.keyLength)")
            }
            let cipher = try keys.encryptionKey.withUnsafeBytes { key in
                Result { () throws(ESPSetupError) in try CBCCipherContext(cipherName: encryption.openSSLName, key: key, encrypting: encrypting) }
            }.get()
            let mac = try integrityKey.withUnsafeBytes { key in
                Result { () throws(ESPSetupError) in try HMACContext(digestName: integrity.openSSLDigest, key: key) }
            }.get()
            salt = 0
            engine = .cbc(cipher, mac)
        }
    }

    /// The shortest packet that can be valid: header, IV, the smallest ciphertext, ICV.
    var minimumPacketLength: Int { suite.headerLength + (suite.encryption.isAEAD ? 4 : 16) + suite.icvLength }

    // MARK: - Outbound (RFC 4303 §3.3)

    /// Frames and seals the payload already at `buffer[headerLength ..< headerLength + payloadLength]`
    /// as sequence number `sequence`; returns the ESP packet length.
    func seal(buffer: UnsafeMutableRawBufferPointer, payloadLength: Int, nextHeader: UInt8, sequence: UInt64,
              iv: IVGeneration, ivCounter: UInt64) throws(ESPError) -> Int {
        let header = suite.headerLength
        let alignment = suite.encryption.alignment
        let ciphertextLength = (payloadLength + 2 + alignment - 1) / alignment * alignment
        let padLength = ciphertextLength - payloadLength - 2
        let total = header + ciphertextLength + suite.icvLength
        guard payloadLength >= 0, total <= buffer.count, let base = buffer.baseAddress else {
            throw .bufferTooSmall(needed: total, available: buffer.count)
        }
        base.storeBigEndian(spi, at: 0)
        base.storeBigEndian(UInt32(truncatingIfNeeded: sequence), at: 4)
        // RFC 4303 §2.4 default padding: 1, 2, 3, …
        let trailer = base + header + payloadLength
        for index in 0..<padLength { trailer.storeBytes(of: UInt8(index + 1), toByteOffset: index, as: UInt8.self) }
        trailer.storeBytes(of: UInt8(padLength), toByteOffset: padLength, as: UInt8.self)
        trailer.storeBytes(of: nextHeader, toByteOffset: padLength + 1, as: UInt8.self)

        let ciphertext = (base + header).assumingMemoryBound(to: UInt8.self)
        switch engine {
        case .aead(let context):
            if case .fixed(let bytes) = iv, bytes.count == 8 {
                bytes.withUnsafeBytes { (base + 8).copyMemory(from: $0.baseAddress!, byteCount: 8) }
            } else {
                base.storeBigEndian(ivCounter, at: 8)
            }
            let sealed = withNonceAndAAD(base: UnsafeRawPointer(base), sequence: sequence) { nonce, aad in
                context.seal(nonce: nonce, aad: aad, data: ciphertext, length: ciphertextLength,
                             tag: ciphertext + ciphertextLength)
            }
            guard sealed else { throw .cryptoFailure(spi: spi) }
        case .cbc(let cipher, let mac):
            let ivPointer = (base + 8).assumingMemoryBound(to: UInt8.self)
            if case .fixed(let bytes) = iv, bytes.count == 16 {
                bytes.withUnsafeBytes { (base + 8).copyMemory(from: $0.baseAddress!, byteCount: 16) }
            } else {
                guard fillRandom(ivPointer, count: 16) else { throw .cryptoFailure(spi: spi) }
            }
            guard cipher.transform(iv: ivPointer, data: ciphertext, length: ciphertextLength) else { throw .cryptoFailure(spi: spi) }
            let authenticated = UnsafeRawBufferPointer(start: base, count: header + ciphertextLength)
            guard computeICV(mac: mac, over: authenticated, sequence: sequence, into: ciphertext + ciphertextLength) else {
                throw .cryptoFailure(spi: spi)
            }
        }
        return total
    }

    // MARK: - Inbound (RFC 4303 §3.4)

    /// Verifies the ICV of the whole ESP packet in `buffer` (sequence number `sequence`, its
    /// high half inferred by the replay window), decrypts in place and strips the trailer.
    /// Returns the payload's range in `buffer` and the next header.
    func open(buffer: UnsafeMutableRawBufferPointer, sequence: UInt64) throws(ESPError) -> (payload: Range<Int>, nextHeader: UInt8) {
        let header = suite.headerLength
        let icvLength = suite.icvLength
        guard buffer.count >= minimumPacketLength, let base = buffer.baseAddress else {
            throw .truncated(length: buffer.count, needed: minimumPacketLength)
        }
        let ciphertextLength = buffer.count - header - icvLength
        let ciphertext = (base + header).assumingMemoryBound(to: UInt8.self)
        let icv = UnsafeRawPointer(ciphertext + ciphertextLength)
        switch engine {
        case .aead(let context):
            let opened = withNonceAndAAD(base: UnsafeRawPointer(base), sequence: sequence) { nonce, aad in
                context.open(nonce: nonce, aad: aad, data: ciphertext, length: ciphertextLength, tag: icv.assumingMemoryBound(to: UInt8.self))
            }
            guard opened else { throw .authenticationFailed(spi: spi, sequenceNumber: sequence) }
        case .cbc(let cipher, let mac):
            guard ciphertextLength % 16 == 0 else { throw .misalignedCiphertext(spi: spi, length: ciphertextLength) }
            // RFC 4303 §3.4.4: verify before decrypting.
            var digest = DigestScratch()
            let verified = withUnsafeMutableBytes(of: &digest) { scratch -> Bool in
                let output = scratch.baseAddress!.assumingMemoryBound(to: UInt8.self)
                guard computeFullDigest(mac: mac, over: UnsafeRawBufferPointer(start: base, count: header + ciphertextLength),
                                        sequence: sequence, into: output) else { return false }
                return constantTimeEqual(UnsafeRawPointer(output), icv, count: icvLength)
            }
            guard verified else { throw .authenticationFailed(spi: spi, sequenceNumber: sequence) }
            guard cipher.transform(iv: (base + 8).assumingMemoryBound(to: UInt8.self), data: ciphertext, length: ciphertextLength) else {
                throw .cryptoFailure(spi: spi)
            }
        }
        let padLength = Int(ciphertext[ciphertextLength - 2])
        let nextHeader = ciphertext[ciphertextLength - 1]
        guard padLength + 2 <= ciphertextLength else {
            throw .badPadding(spi: spi, sequenceNumber: sequence, offset: header + ciphertextLength - 2)
        }
        let payloadLength = ciphertextLength - 2 - padLength
        for index in 0..<padLength where ciphertext[payloadLength + index] != UInt8(index + 1) {
            throw .badPadding(spi: spi, sequenceNumber: sequence, offset: header + payloadLength + index)
        }
        return (header..<(header + payloadLength), nextHeader)
    }

    // MARK: - Helpers

    /// Room for the largest HMAC digest (SHA-512), on the stack.
    private struct DigestScratch {
        var words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
    }

    /// Calls `body` with nonce = salt ‖ IV (from the packet) and AAD = SPI ‖ [seq high ‖] seq
    /// low (RFC 4106 §5, RFC 7634 §2.1), both on the stack; SPI and low bits from the packet.
    private func withNonceAndAAD(base: UnsafeRawPointer, sequence: UInt64,
                                 _ body: (UnsafePointer<UInt8>, UnsafeRawBufferPointer) -> Bool) -> Bool {
        var nonce: (UInt64, UInt64) = (0, 0)
        var aad: (UInt64, UInt64) = (0, 0)
        return withUnsafeMutableBytes(of: &nonce) { nonceBytes in
            withUnsafeMutableBytes(of: &aad) { aadBytes in
                let noncePointer = nonceBytes.baseAddress!
                noncePointer.storeBigEndian(salt, at: 0)
                (noncePointer + 4).copyMemory(from: base + 8, byteCount: 8)
                // The SPI and low sequence bits as they are in the packet (so a packet whose
                // header was altered fails here even if it reached this SA).
                let aadPointer = aadBytes.baseAddress!
                let aadLength: Int
                if extendedSequenceNumbers {
                    aadPointer.copyMemory(from: base, byteCount: 4)
                    aadPointer.storeBigEndian(UInt32(truncatingIfNeeded: sequence >> 32), at: 4)
                    (aadPointer + 8).copyMemory(from: base + 4, byteCount: 4)
                    aadLength = 12
                } else {
                    aadPointer.copyMemory(from: base, byteCount: 8)
                    aadLength = 8
                }
                return body(UnsafePointer(noncePointer.assumingMemoryBound(to: UInt8.self)),
                            UnsafeRawBufferPointer(start: aadPointer, count: aadLength))
            }
        }
    }

    /// HMAC over `region` ‖ [seq high] (RFC 4303 §3.3.2.1: ESN high bits are authenticated but
    /// not sent), full digest into `output`.
    private func computeFullDigest(mac: HMACContext, over region: UnsafeRawBufferPointer, sequence: UInt64,
                                   into output: UnsafeMutablePointer<UInt8>) -> Bool {
        guard extendedSequenceNumbers else {
            return mac.authenticate(region, UnsafeRawBufferPointer(start: nil, count: 0), into: output)
        }
        var high = UInt32(truncatingIfNeeded: sequence >> 32).bigEndian
        return withUnsafeBytes(of: &high) { mac.authenticate(region, $0, into: output) }
    }

    /// The truncated ICV over `region` written at `destination`.
    private func computeICV(mac: HMACContext, over region: UnsafeRawBufferPointer, sequence: UInt64,
                            into destination: UnsafeMutablePointer<UInt8>) -> Bool {
        var digest = DigestScratch()
        return withUnsafeMutableBytes(of: &digest) { scratch in
            let output = scratch.baseAddress!.assumingMemoryBound(to: UInt8.self)
            guard computeFullDigest(mac: mac, over: region, sequence: sequence, into: output) else { return false }
            destination.update(from: output, count: suite.icvLength)
            return true
        }
    }
}
