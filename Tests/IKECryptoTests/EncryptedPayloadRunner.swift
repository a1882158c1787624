import HubVocabulary
@testable import IKECrypto
import Testing

/// The SK payload on whole messages: RFC 7634 Appendix B (decrypt the published IKEv2
/// message, and re-create it byte for byte), then the framing rules for every cipher.
@Suite struct EncryptedPayloadRunner {
    static let appendixB = VectorFile.cases("rfc7634-appendix-b-ikev2-message.txt")

    /// An IKE header (INFORMATIONAL, Message ID 1) plus an SK header (next payload Notify)
    /// whose length fields describe `dataLength` octets of IV ‖ ciphertext ‖ ICV.
    static func prefix(dataLength: Int, kind: EncryptedPayloadKind = .encrypted) -> [UInt8] {
        let headerLength = kind.headerLength
        let total = 28 + headerLength + dataLength
        let payloadLength = headerLength + dataLength
        var prefix: [UInt8] = [0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7,
                               0xd0, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7,
                               kind == .encrypted ? 46 : 53, 0x20, 37, 0x08, 0, 0, 0, 1]
        prefix += [UInt8(total >> 24 & 0xff), UInt8(total >> 16 & 0xff), UInt8(total >> 8 & 0xff), UInt8(total & 0xff)]
        prefix += [41, 0, UInt8(payloadLength >> 8), UInt8(payloadLength & 0xff)]
        if kind == .encryptedFragment { prefix += [0, 1, 0, 1] }
        return prefix
    }

    @Test func testRFC7634AppendixB_decryptsToSetWindowSizeNotify() throws {
        let vector = try #require(EncryptedPayloadRunner.appendixB.first)
        let cipher = try EncryptedPayloadCipher(
            encryption: EncryptionTransform(.chacha20Poly1305), integrity: nil,
            encryptionKey: vector.secret("encryption_key"), integrityKey: SecretBytes([]))
        let inner = try cipher.open(message: vector.bytes("message"),
                                    encryptedPayloadOffset: vector.integer("encrypted_payload_offset"))
        #expect(inner == vector.bytes("inner_payloads"))
    }

    @Test func testRFC7634AppendixB_sealReproducesThePublishedMessage() throws {
        let vector = try #require(EncryptedPayloadRunner.appendixB.first)
        let cipher = try EncryptedPayloadCipher(
            encryption: EncryptionTransform(.chacha20Poly1305), integrity: nil,
            encryptionKey: vector.secret("encryption_key"), integrityKey: SecretBytes([]))
        let message = vector.bytes("message")
        let offset = vector.integer("encrypted_payload_offset")
        let inner = vector.bytes("inner_payloads")
        #expect(offset + 4 + cipher.encryptedDataLength(innerPayloadsLength: inner.count) == message.count)
        let sealed = try cipher.seal(authenticatedPrefix: Array(message[0..<(offset + 4)]), innerPayloads: inner,
                                     iv: vector.bytes("iv"))
        #expect(sealed == message)
    }

    @Test func testRFC7634AppendixB_anyFlippedBitFailsIntegrity() throws {
        let vector = try #require(EncryptedPayloadRunner.appendixB.first)
        let cipher = try EncryptedPayloadCipher(
            encryption: EncryptionTransform(.chacha20Poly1305), integrity: nil,
            encryptionKey: vector.secret("encryption_key"), integrityKey: SecretBytes([]))
        let message = vector.bytes("message")
        // Header octets outside the length fields, the IV, the ciphertext and the tag.
        for index in [0, 17, 19, 20, 29, 32, 40, 55, message.count - 1] {
            var tampered = message
            tampered[index] ^= 0x04
            #expect(throws: IKECryptoError.integrityCheckFailed(offset: 28)) {
                _ = try cipher.open(message: tampered, encryptedPayloadOffset: 28)
            }
        }
    }

    static let suites: [(EncryptionAlgorithm, Int?, IntegrityAlgorithm?)] = [
        (.aesCBC, 128, .hmacSHA1_96), (.aesCBC, 256, .hmacSHA256_128), (.aesCBC, 192, .hmacSHA384_192),
        (.aesCBC, 256, .hmacSHA512_256), (.aesCBC, 128, .aesXCBC96), (.aesCBC, 128, .aesCMAC96),
        (.aesCTR, 256, .hmacSHA256_128), (.aesGCM16, 128, nil), (.aesGCM16, 256, nil), (.aesGCM12, 192, nil),
        (.aesGCM8, 256, nil), (.chacha20Poly1305, nil, nil),
    ]

    static func makeCipher(_ suite: (EncryptionAlgorithm, Int?, IntegrityAlgorithm?)) throws -> EncryptedPayloadCipher {
        let encryption = try EncryptionTransform(suite.0, keyLengthBits: suite.1)
        let random = SystemRandom()
        return try EncryptedPayloadCipher(
            encryption: encryption, integrity: suite.2,
            encryptionKey: random.secretBytes(count: encryption.keyMaterialLength),
            integrityKey: random.secretBytes(count: suite.2?.keyLength ?? 0))
    }

    @Test(arguments: 0..<suites.count)
    func testSealThenOpen_roundTripsForEveryPayloadLength(_ index: Int) throws {
        let cipher = try EncryptedPayloadRunner.makeCipher(EncryptedPayloadRunner.suites[index])
        for length in [0, 1, 14, 15, 16, 17, 100, 1400] {
            for kind in [EncryptedPayloadKind.encrypted, .encryptedFragment] {
                let payloads = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 7) }
                let dataLength = cipher.encryptedDataLength(innerPayloadsLength: length)
                let prefix = EncryptedPayloadRunner.prefix(dataLength: dataLength, kind: kind)
                let message = try cipher.seal(authenticatedPrefix: prefix, innerPayloads: payloads, kind: kind,
                                              random: SystemRandom())
                #expect(message.count == prefix.count + dataLength)
                let ciphertextLength = dataLength - cipher.ivLength - cipher.icvLength
                #expect(ciphertextLength % cipher.encryption.paddingAlignment == 0)
                #expect(try cipher.open(message: message, encryptedPayloadOffset: 28, kind: kind) == payloads)
            }
        }
    }

    @Test(arguments: 0..<suites.count)
    func testOpen_rejectsTamperingWithHeaderIVCiphertextAndICV(_ index: Int) throws {
        let cipher = try EncryptedPayloadRunner.makeCipher(EncryptedPayloadRunner.suites[index])
        let payloads = [UInt8](repeating: 0x5a, count: 40)
        let prefix = EncryptedPayloadRunner.prefix(dataLength: cipher.encryptedDataLength(innerPayloadsLength: 40))
        let message = try cipher.seal(authenticatedPrefix: prefix, innerPayloads: payloads, random: SystemRandom())
        for position in [3, 18, 28, 32, 32 + cipher.ivLength, message.count - cipher.icvLength - 1, message.count - 1] {
            var tampered = message
            tampered[position] ^= 0x10
            #expect(throws: IKECryptoError.integrityCheckFailed(offset: 28)) {
                _ = try cipher.open(message: tampered, encryptedPayloadOffset: 28)
            }
        }
    }

    @Test(arguments: 0..<suites.count)
    func testOpen_rejectsAnotherSAsKey(_ index: Int) throws {
        let sealer = try EncryptedPayloadRunner.makeCipher(EncryptedPayloadRunner.suites[index])
        let opener = try EncryptedPayloadRunner.makeCipher(EncryptedPayloadRunner.suites[index])
        let prefix = EncryptedPayloadRunner.prefix(dataLength: sealer.encryptedDataLength(innerPayloadsLength: 8))
        let message = try sealer.seal(authenticatedPrefix: prefix, innerPayloads: [1, 2, 3, 4, 5, 6, 7, 8],
                                      random: SystemRandom())
        #expect(throws: IKECryptoError.integrityCheckFailed(offset: 28)) {
            _ = try opener.open(message: message, encryptedPayloadOffset: 28)
        }
    }

    @Test func testOpen_rejectsMalformedFraming() throws {
        let cipher = try EncryptedPayloadRunner.makeCipher((.aesCBC, 128, .hmacSHA256_128))
        let prefix = EncryptedPayloadRunner.prefix(dataLength: cipher.encryptedDataLength(innerPayloadsLength: 20))
        let message = try cipher.seal(authenticatedPrefix: prefix, innerPayloads: [UInt8](repeating: 1, count: 20),
                                      random: SystemRandom())
        // Truncated datagram: Payload Length no longer ends the message.
        #expect(throws: IKECryptoError.self) { _ = try cipher.open(message: Array(message.dropLast()), encryptedPayloadOffset: 28) }
        // Offsets outside the message or inside the IKE header.
        for offset in [-1, 0, 27, message.count - 3, message.count, Int.max] {
            let caught = #expect(throws: IKECryptoError.self) { _ = try cipher.open(message: message, encryptedPayloadOffset: offset) }
            guard case .malformedEncryptedPayload = caught else {
                Issue.record("offset \(offset): expected malformedEncryptedPayload, got \(String(describing: caught))")
                continue
            }
        }
        // A ciphertext that is not a whole number of AES blocks.
        var shortened = Array(message[0..<(message.count - 17)]) + Array(message.suffix(16))
        let length = shortened.count - 28
        shortened[30] = UInt8(length >> 8)
        shortened[31] = UInt8(length & 0xff)
        let caught = #expect(throws: IKECryptoError.self) { _ = try cipher.open(message: shortened, encryptedPayloadOffset: 28) }
        guard case .malformedEncryptedPayload = caught else {
            Issue.record("expected malformedEncryptedPayload, got \(String(describing: caught))")
            return
        }
    }

    @Test func testOpen_rejectsPadLengthBeyondPlaintext() throws {
        // AEAD needs no alignment, so an authenticated plaintext can still claim more padding
        // than it has. Build one with the raw GCM core: AAD = IKE header ‖ SK header.
        let material = (0..<20).map { UInt8($0) }   // AES-128 key ‖ 4-octet salt
        let cipher = try EncryptedPayloadCipher(
            encryption: EncryptionTransform(.aesGCM16, keyLengthBits: 128), integrity: nil,
            encryptionKey: SecretBytes(material), integrityKey: SecretBytes([]))
        let iv: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8]
        let prefix = EncryptedPayloadRunner.prefix(dataLength: 8 + 2 + 16)
        let sealed = try CipherHelpers.aeadSeal(
            Algorithms.aes128GCM, key: Array(material[0..<16]), nonce: Array(material[16..<20]) + iv,
            aad: prefix, plaintext: [0x00, 0x20], tagLength: 16)
        let message = prefix + iv + sealed.ciphertext + sealed.tag
        #expect(throws: IKECryptoError.invalidPadding(offset: 28, padLength: 0x20, plaintextLength: 2)) {
            _ = try cipher.open(message: message, encryptedPayloadOffset: 28)
        }
        // The same construction with Pad Length 1 opens to the one payload octet.
        let valid = try CipherHelpers.aeadSeal(
            Algorithms.aes128GCM, key: Array(material[0..<16]), nonce: Array(material[16..<20]) + iv,
            aad: prefix, plaintext: [0x77, 0x01], tagLength: 16)
        #expect(try cipher.open(message: prefix + iv + valid.ciphertext + valid.tag, encryptedPayloadOffset: 28) == [])
    }

    @Test func testSeal_checksLengthFieldsOfPrefix() throws {
        let cipher = try EncryptedPayloadRunner.makeCipher((.aesGCM16, 128, nil))
        let right = cipher.encryptedDataLength(innerPayloadsLength: 10)
        #expect(throws: IKECryptoError.self) {
            _ = try cipher.seal(authenticatedPrefix: EncryptedPayloadRunner.prefix(dataLength: right + 1),
                                innerPayloads: [UInt8](repeating: 0, count: 10), random: SystemRandom())
        }
        #expect(throws: IKECryptoError.invalidIVLength(expected: 8, actual: 16)) {
            _ = try cipher.seal(authenticatedPrefix: EncryptedPayloadRunner.prefix(dataLength: right),
                                innerPayloads: [UInt8](repeating: 0, count: 10), iv: [UInt8](repeating: 0, count: 16))
        }
    }

    @Test func testCipherFromIKEKeys_opensWhatThePeerSealed() throws {
        let transforms = try NegotiatedIKETransforms(
            encryption: EncryptionTransform(.aesCBC, keyLengthBits: 256), prf: .hmacSHA256,
            integrity: .hmacSHA256_128, group: .modp2048)
        let random = SystemRandom()
        let keys = try IKEKeyMaterial.deriveKeys(
            transforms: transforms, skeyseed: random.secretBytes(count: 32),
            initiatorNonce: random.nonce(), responderNonce: random.nonce(),
            initiatorSPI: random.ikeSPI(), responderSPI: random.ikeSPI())
        let initiatorSends = try EncryptedPayloadCipher(transforms: transforms, keys: keys, sender: .originalInitiator)
        let responderReceives = try EncryptedPayloadCipher(transforms: transforms, keys: keys, sender: .originalInitiator)
        let responderSends = try EncryptedPayloadCipher(transforms: transforms, keys: keys, sender: .originalResponder)
        let prefix = EncryptedPayloadRunner.prefix(dataLength: initiatorSends.encryptedDataLength(innerPayloadsLength: 3))
        let message = try initiatorSends.seal(authenticatedPrefix: prefix, innerPayloads: [9, 8, 7], random: random)
        #expect(try responderReceives.open(message: message, encryptedPayloadOffset: 28) == [9, 8, 7])
        #expect(throws: IKECryptoError.integrityCheckFailed(offset: 28)) {
            _ = try responderSends.open(message: message, encryptedPayloadOffset: 28)
        }
    }
}
