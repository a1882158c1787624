import HubVocabulary

/// Protects and checks SK / SKF payloads of one IKE SA direction (RFC 7296 §3.14,
/// RFC 5282 for AEAD, RFC 7383 §2.5 for fragments), working on raw message bytes.
///
/// What is authenticated, precisely:
/// - CBC/CTR + HMAC/XCBC/CMAC: the ICV covers the message from the first octet of the
///   IKE header to the last octet of the ciphertext (so any unencrypted payloads, the
///   SK/SKF header and the IV are covered; the ICV itself is not).
/// - AEAD (GCM, ChaCha20-Poly1305): the AAD is the message from the first octet of the
///   IKE header to the last octet of the SK header (4 octets) or SKF header (8 octets,
///   with Fragment Number and Total Fragments); the IV is the 8-octet explicit nonce
///   part, the nonce is salt(4, from the key material) ‖ IV.
///
/// Plaintext layout: inner payloads ‖ padding ‖ Pad Length (1 octet). We pad with zeros
/// to the cipher's alignment (16 for CBC, none for CTR and AEAD).
///
/// Thread ownership: one cipher holds one OpenSSL context for sealing and one for
/// opening and changes only the IV per message. It is `Sendable` so it can move with
/// its IKE SA between tasks, but it must not be used by two threads at once; the IKE SA
/// that owns it serialises its messages anyway.
public final class EncryptedPayloadCipher: @unchecked Sendable {
    /// The negotiated ENCR transform.
    public let encryption: EncryptionTransform
    /// The negotiated INTEG transform; `nil` with an AEAD.
    public let integrity: IntegrityAlgorithm?

    private enum Engine {
        case blockMode(sealer: BlockModeCore, opener: BlockModeCore, mac: any KeyedMAC)
        case aead(sealer: AEADCore, opener: AEADCore)
    }

    private let engine: Engine
    /// The salt (AEAD) or nonce (CTR) taken from the end of the key material. It goes
    /// into every nonce; RFC 4106 §8.1 needs it unpredictable, not secret.
    private let salt: [UInt8]

    /// A cipher for one direction. `encryptionKey` is SK_e (key followed by any salt),
    /// `integrityKey` is SK_a (empty with an AEAD).
    public init(
        encryption: EncryptionTransform, integrity: IntegrityAlgorithm?,
        encryptionKey: SecretBytes, integrityKey: SecretBytes
    ) throws(IKECryptoError) {
        try NegotiatedIKETransforms.checkPairing(encryption, integrity)
        guard encryptionKey.count == encryption.keyMaterialLength else {
            throw .invalidKeyLength(algorithm: encryption.description, expected: encryption.keyMaterialLength,
                                    actual: encryptionKey.count)
        }
        let keyLength = encryption.cipherKeyLength
        self.encryption = encryption
        self.integrity = integrity
        salt = encryptionKey.slice(keyLength..<encryptionKey.count).revealedBytes()
        engine = try encryptionKey.withBytes { (material) throws(IKECryptoError) -> Engine in
            let key = UnsafeRawBufferPointer(rebasing: material[0..<keyLength])
            switch encryption.algorithm {
            case .aesCBC, .aesCTR:
                guard let integrity else { throw .invalidTransformCombination("\(encryption) needs INTEG") }
                let cipher = EncryptedPayloadCipher.blockCipher(encryption)
                let mac = try integrityKey.withBytes { (bytes) throws(IKECryptoError) in try integrity.makeMAC(key: bytes) }
                return .blockMode(sealer: try BlockModeCore(cipher: cipher, key: key, encrypting: true),
                                  opener: try BlockModeCore(cipher: cipher, key: key, encrypting: false),
                                  mac: mac)
            case .aesGCM8, .aesGCM12, .aesGCM16, .chacha20Poly1305:
                let cipher = EncryptedPayloadCipher.aeadCipher(encryption)
                let tag = encryption.aeadICVLength
                return .aead(sealer: try AEADCore(cipher: cipher, key: key, tagLength: tag, encrypting: true),
                             opener: try AEADCore(cipher: cipher, key: key, tagLength: tag, encrypting: false))
            case .null:
                throw .unsupportedAlgorithm("ENCR_NULL cannot protect IKE messages")
            }
        }
    }

    /// The cipher for the messages `sender` sends on an IKE SA with `keys`.
    public convenience init(transforms: NegotiatedIKETransforms, keys: IKEKeys, sender: IKEMessageSender) throws(IKECryptoError) {
        switch sender {
        case .originalInitiator:
            try self.init(encryption: transforms.encryption, integrity: transforms.integrity,
                          encryptionKey: keys.skEi, integrityKey: keys.skAi)
        case .originalResponder:
            try self.init(encryption: transforms.encryption, integrity: transforms.integrity,
                          encryptionKey: keys.skEr, integrityKey: keys.skAr)
        }
    }

    /// Octets of the IV at the start of the encrypted data.
    public var ivLength: Int { encryption.ivLength }
    /// Octets of the ICV at the end of the payload.
    public var icvLength: Int { integrity?.icvLength ?? encryption.aeadICVLength }

    /// Octets that follow the SK/SKF header for `innerPayloadsLength` octets of inner
    /// payloads: IV ‖ ciphertext (payloads, padding, Pad Length) ‖ ICV. The caller needs
    /// it to fill in the SK Payload Length and the IKE header Length before sealing.
    public func encryptedDataLength(innerPayloadsLength: Int) -> Int {
        ivLength + paddedPlaintextLength(innerPayloadsLength) + icvLength
    }

    private func paddedPlaintextLength(_ payloadsLength: Int) -> Int {
        let alignment = encryption.paddingAlignment
        let unpadded = payloadsLength + 1
        return (unpadded + alignment - 1) / alignment * alignment
    }

    // MARK: - Seal

    /// The complete message: `authenticatedPrefix` ‖ IV ‖ ciphertext ‖ ICV, with a fresh IV
    /// from `random` (unpredictable for CBC, RFC 7296 §3.14; unique per key for AEAD,
    /// where a random 64-bit IV is unique with overwhelming probability over an IKE SA's
    /// few thousand messages).
    public func seal(
        authenticatedPrefix: [UInt8], innerPayloads: [UInt8], kind: EncryptedPayloadKind = .encrypted,
        random: some RandomSource
    ) throws(IKECryptoError) -> [UInt8] {
        let iv = try random.bytes(count: ivLength)
        return try seal(authenticatedPrefix: authenticatedPrefix, innerPayloads: innerPayloads, kind: kind, iv: iv)
    }

    /// As `seal(authenticatedPrefix:innerPayloads:kind:random:)` with a given IV.
    ///
    /// `authenticatedPrefix` is the message up to and including the SK/SKF header, with
    /// the IKE header Length and the payload's Payload Length already final
    /// (see `encryptedDataLength(innerPayloadsLength:)`); both are checked here.
    public func seal(
        authenticatedPrefix: [UInt8], innerPayloads: [UInt8], kind: EncryptedPayloadKind = .encrypted, iv: [UInt8]
    ) throws(IKECryptoError) -> [UInt8] {
        guard iv.count == ivLength else { throw .invalidIVLength(expected: ivLength, actual: iv.count) }
        let plaintextLength = paddedPlaintextLength(innerPayloads.count)
        let dataLength = ivLength + plaintextLength + icvLength
        try checkLengthFields(prefix: authenticatedPrefix, kind: kind, dataLength: dataLength)

        let ivStart = authenticatedPrefix.count
        let plaintextStart = ivStart + ivLength
        let ciphertextEnd = plaintextStart + plaintextLength
        var message = authenticatedPrefix
        message.reserveCapacity(ciphertextEnd + icvLength)
        message.append(contentsOf: iv)
        message.append(contentsOf: innerPayloads)
        let padLength = plaintextLength - innerPayloads.count - 1
        message.append(contentsOf: repeatElement(0, count: padLength))
        message.append(UInt8(padLength))
        message.append(contentsOf: repeatElement(0, count: icvLength))

        let engine = self.engine
        let nonceOrCounter = counterBlock(iv: iv)
        let icvLength = self.icvLength
        try message.withMutableBytes { (buffer) throws(IKECryptoError) in
            let plaintext = UnsafeMutableRawBufferPointer(rebasing: buffer[plaintextStart..<ciphertextEnd])
            let icv = UnsafeMutableRawBufferPointer(rebasing: buffer[ciphertextEnd...])
            switch engine {
            case .blockMode(let sealer, _, let mac):
                try nonceOrCounter.withBytes { (block) throws(IKECryptoError) in
                    try sealer.run(iv: block, input: UnsafeRawBufferPointer(plaintext), output: plaintext)
                }
                let covered = UnsafeRawBufferPointer(rebasing: buffer[0..<ciphertextEnd])
                let tag = try mac.tag([.raw(covered)])
                tag.withUnsafeBytes { icv.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[0..<icvLength])) }
            case .aead(let sealer, _):
                let aad = UnsafeRawBufferPointer(rebasing: buffer[0..<ivStart])
                try nonceOrCounter.withBytes { (nonce) throws(IKECryptoError) in
                    try sealer.seal(nonce: nonce, aad: aad, plaintext: UnsafeRawBufferPointer(plaintext),
                                    ciphertext: plaintext, tag: icv)
                }
            }
        }
        return message
    }

    // MARK: - Open

    /// The inner payloads of the SK/SKF payload that starts at `encryptedPayloadOffset`
    /// (its generic header's first octet) in `message`, the whole received datagram
    /// from the IKE header on (no non-ESP marker). The payload must end the message, as
    /// RFC 7296 §3.14 requires. Verifies the ICV (constant time) before decrypting and
    /// checks the Pad Length; errors name the offset.
    public func open(
        message: [UInt8], encryptedPayloadOffset offset: Int, kind: EncryptedPayloadKind = .encrypted
    ) throws(IKECryptoError) -> [UInt8] {
        let headerLength = kind.headerLength
        guard offset >= 28, offset <= message.count - headerLength else {
            throw .malformedEncryptedPayload(offset: offset, reason: "header outside the message of \(message.count) octets")
        }
        let payloadLength = Int(message[offset + 2]) << 8 | Int(message[offset + 3])
        guard offset + payloadLength == message.count else {
            throw .malformedEncryptedPayload(
                offset: offset, reason: "Payload Length \(payloadLength) does not end the \(message.count)-octet message")
        }
        let ivStart = offset + headerLength
        let ciphertextStart = ivStart + ivLength
        let ciphertextEnd = message.count - icvLength
        let ciphertextLength = ciphertextEnd - ciphertextStart
        guard ciphertextLength >= 1 else {
            throw .malformedEncryptedPayload(offset: offset, reason: "no room for IV, Pad Length and \(icvLength)-octet ICV")
        }
        guard ciphertextLength % encryption.paddingAlignment == 0 else {
            throw .malformedEncryptedPayload(
                offset: ciphertextStart,
                reason: "ciphertext of \(ciphertextLength) octets is not a multiple of \(encryption.paddingAlignment)")
        }

        let iv = Array(message[ivStart..<ciphertextStart])
        let nonceOrCounter = counterBlock(iv: iv)
        var plaintext = [UInt8](repeating: 0, count: ciphertextLength)
        let engine = self.engine
        let icvLength = self.icvLength
        try message.withBytes { (buffer) throws(IKECryptoError) in
            let ciphertext = UnsafeRawBufferPointer(rebasing: buffer[ciphertextStart..<ciphertextEnd])
            let icv = UnsafeRawBufferPointer(rebasing: buffer[ciphertextEnd...])
            switch engine {
            case .blockMode(_, let opener, let mac):
                let tag = try mac.tag([.raw(UnsafeRawBufferPointer(rebasing: buffer[0..<ciphertextEnd]))])
                guard constantTimeEquals(tag.prefix(icvLength), icv) else {
                    throw .integrityCheckFailed(offset: offset)
                }
                try plaintext.withMutableBytes { (output) throws(IKECryptoError) in
                    try nonceOrCounter.withBytes { (block) throws(IKECryptoError) in
                        try opener.run(iv: block, input: ciphertext, output: output)
                    }
                }
            case .aead(_, let opener):
                let aad = UnsafeRawBufferPointer(rebasing: buffer[0..<ivStart])
                let valid = try plaintext.withMutableBytes { (output) throws(IKECryptoError) -> Bool in
                    try nonceOrCounter.withBytes { (nonce) throws(IKECryptoError) -> Bool in
                        try opener.open(nonce: nonce, aad: aad, ciphertext: ciphertext, tag: icv, plaintext: output)
                    }
                }
                guard valid else { throw .integrityCheckFailed(offset: offset) }
            }
        }

        // RFC 7296 §3.14: the last octet is the Pad Length; padding content is not checked.
        let padLength = Int(plaintext[plaintext.count - 1])
        guard padLength + 1 <= plaintext.count else {
            throw .invalidPadding(offset: offset, padLength: padLength, plaintextLength: plaintext.count)
        }
        plaintext.removeLast(padLength + 1)
        return plaintext
    }

    // MARK: - Helpers

    /// CBC: the IV itself. CTR: nonce ‖ IV ‖ 00000001 (RFC 3686 §4). AEAD: salt ‖ IV.
    private func counterBlock(iv: [UInt8]) -> [UInt8] {
        switch encryption.algorithm {
        case .aesCBC: iv
        case .aesCTR: salt + iv + [0, 0, 0, 1]
        default: salt + iv
        }
    }

    /// The SK/SKF Payload Length and IKE Length in `prefix` must describe the sealed message.
    private func checkLengthFields(prefix: [UInt8], kind: EncryptedPayloadKind, dataLength: Int) throws(IKECryptoError) {
        let headerStart = prefix.count - kind.headerLength
        guard headerStart >= 28 else {
            throw .malformedEncryptedPayload(offset: max(headerStart, 0), reason: "prefix shorter than IKE header + payload header")
        }
        let payloadLength = Int(prefix[headerStart + 2]) << 8 | Int(prefix[headerStart + 3])
        guard payloadLength == kind.headerLength + dataLength else {
            throw .malformedEncryptedPayload(
                offset: headerStart, reason: "Payload Length \(payloadLength), sealed payload is \(kind.headerLength + dataLength)")
        }
        let messageLength = prefix[24..<28].reduce(0) { $0 << 8 | Int($1) }
        guard messageLength == prefix.count + dataLength else {
            throw .malformedEncryptedPayload(
                offset: 24, reason: "IKE header Length \(messageLength), sealed message is \(prefix.count + dataLength)")
        }
    }

    private static func blockCipher(_ encryption: EncryptionTransform) -> FetchedCipher {
        switch (encryption.algorithm, encryption.keyLengthBits) {
        case (.aesCBC, 128): Algorithms.aes128CBC
        case (.aesCBC, 192): Algorithms.aes192CBC
        case (.aesCBC, _): Algorithms.aes256CBC
        case (_, 128): Algorithms.aes128CTR
        case (_, 192): Algorithms.aes192CTR
        default: Algorithms.aes256CTR
        }
    }

    private static func aeadCipher(_ encryption: EncryptionTransform) -> FetchedCipher {
        switch (encryption.algorithm, encryption.keyLengthBits) {
        case (.chacha20Poly1305, _): Algorithms.chacha20Poly1305
        case (_, 128): Algorithms.aes128GCM
        case (_, 192): Algorithms.aes192GCM
        default: Algorithms.aes256GCM
        }
    }
}
