import Testing
import HubVocabulary
@testable import ESPDataPlane

/// ESP packets and cipher outputs from published documents, byte for byte.
struct PublishedVectorTests {
    // MARK: - RFC 7634 Appendix A: ChaCha20-Poly1305 ESP packet

    static let rfc7634Key = SecretBytes(hex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f a0a1a2a3"))
    static let rfc7634Inner = hex("""
        45000054a6f200004001e778c6336405c000020508005b7a3a080000553bec10
        0007362708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20212223
        2425262728292a2b2c2d2e2f3031323334353637
        """)
    /// SPI 01020304, sequence 5, IV 1011121314151617, then the published ciphertext ‖ tag.
    static let rfc7634Packet = hex("01020304 00000005 1011121314151617") + hex("""
        24039428b97f417e3c13753a4f05087b67c352e6a7fab1b982d466ef407ae5c6
        14ee8099d52844eb61aa95dfab4c02f72aa71e7c4c4f64c9befe2facc638e8f3
        cbec163fac469b502773f6fb94e664da9165b82829f641e076aaa8266b7fb0f7
        b11b369907e1ad43
        """)

    @Test func testRFC7634AppendixA_opensThePublishedESPPacket() throws {
        let suite = try ESPCipherSuite(encryption: .chaCha20Poly1305)
        let sa = try ESPInboundSA(spi: 0x0102_0304, suite: suite, keys: ESPKeyMaterial(encryptionKey: Self.rfc7634Key), installedAt: testInstant)
        #expect(try open(Self.rfc7634Packet, with: sa).get() == Self.rfc7634Inner)
        #expect(sa.counters.packets == 1)
        #expect(sa.counters.bytes == 84)
    }

    @Test func testRFC7634AppendixA_sealReproducesThePublishedPacket() throws {
        let suite = try ESPCipherSuite(encryption: .chaCha20Poly1305)
        let sa = try ESPOutboundSA(spi: 0x0102_0304, suite: suite, keys: ESPKeyMaterial(encryptionKey: Self.rfc7634Key),
                                   extendedSequenceNumbers: false, lifetime: .unlimited, installedAt: testInstant,
                                   lastSequenceNumber: 4, ivGeneration: .counter, firstIV: 0x1011_1213_1415_1617)
        #expect(try seal(Self.rfc7634Inner, with: sa) == Self.rfc7634Packet)
    }

    // MARK: - draft-mcgrew-gcm-test-01 §4: AES-GCM ESP packets (RFC 4106 layout)

    /// One ESP test case: key ‖ salt, SPI, full sequence number, IV, plaintext (payload ‖
    /// trailer) and ciphertext ‖ ICV. These plaintexts carry next header 1 (they predate any
    /// tunnel-mode check), so the SA must authenticate them and then refuse next header 1.
    struct GCMCase: CustomTestStringConvertible, Sendable {
        let name: String
        let keyAndSalt: [UInt8]
        let spi: UInt32
        let sequence: UInt64
        let extendedSequenceNumbers: Bool
        let iv: [UInt8]
        let plaintext: [UInt8]
        let ciphertextAndICV: [UInt8]
        var testDescription: String { name }
        var packet: [UInt8] {
            var header = [UInt8](repeating: 0, count: 8)
            for index in 0..<4 { header[index] = UInt8(truncatingIfNeeded: spi >> (24 - 8 * index)) }
            for index in 0..<4 { header[4 + index] = UInt8(truncatingIfNeeded: sequence >> (24 - 8 * index)) }
            return header + iv + ciphertextAndICV
        }
        var keySize: AESKeySize { AESKeySize(rawValue: (keyAndSalt.count - 4) * 8)! }
    }

    static let gcmCases: [GCMCase] = [
        GCMCase(name: "test case 1 (AES-128, ESN)",
                keyAndSalt: hex("4c80cdefbb5d10da906ac73c3613a634 2e443b68"), spi: 0x0000_4321, sequence: 0x8765_4321_0000_0000,
                extendedSequenceNumbers: true, iv: hex("4956ed7e3b244cfe"),
                plaintext: hex("""
                    45000048699a000080114db7c0a80102c0a801010a9bf15638d3010000010000
                    00000000045f736970045f756470037369700963796265726369747902646b00
                    0021000101020201
                    """),
                ciphertextAndICV: hex("""
                    fecf537e729d5b07dc30df528dd22b768d1b98736696a6fd348509fa13ceac34
                    cfa2436f14a3f3cf65925bf1f4a13c5d15b21e1884f5ff6247aeabb786b93bce
                    61bc17d768fd9732459018148f6cbe722fd04796562dfdb4
                    """)),
        GCMCase(name: "test case 2 (AES-192)",
                keyAndSalt: hex("feffe9928665731c6d6a8f9467308308feffe9928665731c cafebabe"), spi: 0x0000_a5f8, sequence: 10,
                extendedSequenceNumbers: false, iv: hex("facedbaddecaf888"),
                plaintext: hex("45000028a4ad4000400678800a01038f0a010612802306b8cb712602dd6bb03e501016d075680001"),
                ciphertextAndICV: hex("""
                    a5b1f8066029aea40e598b8122de02420938b3ab33f828e687b8858b5bfbdbd0315b27452144cc77
                    95457b9652037f5318027b5b4cd7a636
                    """)),
        GCMCase(name: "test case 3 (AES-256)",
                keyAndSalt: hex("abbccddef00112233445566778899aababbccddef00112233445566778899aab 11223344"), spi: 0x4a2c_bfe3,
                sequence: 2, extendedSequenceNumbers: false, iv: hex("0102030405060708"),
                plaintext: hex("""
                    4500003069a6400080062690c0a801029389155e0a9e008b2dc57ee000000000
                    7002400020bf0000020405b40101040201020201
                    """),
                ciphertextAndICV: hex("""
                    ff425c9b724599df7a3bcd510194e00d6a78107f1b0b1cbf06efae9d65a5d763
                    748a637985771d347f0545659f14e99def842d8e b335f4eecfdbf831824b4c4915956c96
                    """)),
        GCMCase(name: "test case 5 (AES-128, empty payload, sequence 2^32-1)",
                keyAndSalt: hex("7d773d00c144c525ac619d18c84a3f47 d9664267"), spi: 0x3354_67ae, sequence: 0xffff_ffff,
                extendedSequenceNumbers: false, iv: hex("43457e9182443bc6"),
                plaintext: hex("01020201"),
                ciphertextAndICV: hex("437f866b cb3f699fe9b0822bac961c4504bef270")),
    ]

    private func inboundSA(for vector: GCMCase) throws -> ESPInboundSA {
        let suite = try ESPCipherSuite(encryption: .aesGCM(vector.keySize, icv: .octets16))
        // A window just below the packet so that ESN inference lands on the published high half.
        let top = vector.sequence > 100 && vector.extendedSequenceNumbers ? vector.sequence - 100 : 0
        return try ESPInboundSA(spi: vector.spi, suite: suite, keys: ESPKeyMaterial(encryptionKey: SecretBytes(vector.keyAndSalt)),
                                extendedSequenceNumbers: vector.extendedSequenceNumbers, installedAt: testInstant, replayWindowTop: top)
    }

    @Test(arguments: gcmCases)
    func testGCMDraftVector_decryptsToThePublishedPayloadAndTrailer(_ vector: GCMCase) throws {
        let suite = try ESPCipherSuite(encryption: .aesGCM(vector.keySize, icv: .octets16))
        let cryptor = try ESPCryptor(spi: vector.spi, suite: suite, keys: ESPKeyMaterial(encryptionKey: SecretBytes(vector.keyAndSalt)),
                                     encrypting: false, extendedSequenceNumbers: vector.extendedSequenceNumbers)
        let (opened, buffer) = try withMutableCopy(of: vector.packet) { try cryptor.open(buffer: $0, sequence: vector.sequence) }
        let trailerPadLength = Int(vector.plaintext[vector.plaintext.count - 2])
        #expect(Array(buffer[opened.payload]) == Array(vector.plaintext.dropLast(2 + trailerPadLength)))
        #expect(opened.nextHeader == vector.plaintext.last)
    }

    @Test(arguments: gcmCases)
    func testGCMDraftVector_sealReproducesThePublishedCiphertext(_ vector: GCMCase) throws {
        let suite = try ESPCipherSuite(encryption: .aesGCM(vector.keySize, icv: .octets16))
        let cryptor = try ESPCryptor(spi: vector.spi, suite: suite, keys: ESPKeyMaterial(encryptionKey: SecretBytes(vector.keyAndSalt)),
                                     encrypting: true, extendedSequenceNumbers: vector.extendedSequenceNumbers)
        let padLength = Int(vector.plaintext[vector.plaintext.count - 2])
        let payload = Array(vector.plaintext.dropLast(2 + padLength))
        var buffer = [UInt8](repeating: 0, count: vector.packet.count)
        buffer.replaceSubrange(16..<(16 + payload.count), with: payload)
        let length = try buffer.withUnsafeMutableBytes {
            try cryptor.seal(buffer: $0, payloadLength: payload.count, nextHeader: vector.plaintext.last!, sequence: vector.sequence,
                             iv: .fixed(vector.iv), ivCounter: 0)
        }
        #expect(length == vector.packet.count)
        #expect(buffer == vector.packet)
    }

    @Test(arguments: gcmCases)
    func testGCMDraftVector_authenticatesThenRefusesNextHeaderOneInTunnelMode(_ vector: GCMCase) throws {
        let sa = try inboundSA(for: vector)
        #expect(open(vector.packet, with: sa) == .failure(.unsupportedNextHeader(spi: vector.spi, nextHeader: 1)))
        // Authenticated, so the window moved: the same packet is now a replay.
        #expect(open(vector.packet, with: sa) == .failure(.replayed(spi: vector.spi, sequenceNumber: vector.sequence)))
    }

    @Test(arguments: gcmCases)
    func testGCMDraftVector_oneFlippedCiphertextBitFailsTheICV(_ vector: GCMCase) throws {
        let sa = try inboundSA(for: vector)
        var tampered = vector.packet
        tampered[16] ^= 0x01
        #expect(open(tampered, with: sa) == .failure(.authenticationFailed(spi: vector.spi, sequenceNumber: vector.sequence)))
        #expect(sa.counters.drops[.authenticationFailed] == 1)
    }

    // MARK: - McGrew–Viega GCM spec cases in RFC 4106 layout (test-vectors.md §4.3)

    struct GCMPrimitiveCase: CustomTestStringConvertible, Sendable {
        let name: String
        let key: [UInt8]
        let nonce: [UInt8]
        let aad: [UInt8]
        let plaintext: [UInt8]
        let output: [UInt8]
        var testDescription: String { name }
    }

    static let spec3Plain = hex("""
        d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72
        1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255
        """)
    static let gcmPrimitiveCases: [GCMPrimitiveCase] = [
        GCMPrimitiveCase(name: "TC3", key: hex("feffe9928665731c6d6a8f9467308308"), nonce: hex("cafebabe facedbaddecaf888"), aad: [],
                         plaintext: spec3Plain, output: hex("""
                            42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e
                            21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985
                            4d5c2af327cd64a62cf35abd2ba6fab4
                            """)),
        GCMPrimitiveCase(name: "TC4", key: hex("feffe9928665731c6d6a8f9467308308"), nonce: hex("cafebabe facedbaddecaf888"),
                         aad: hex("feedfacedeadbeeffeedfacedeadbeefabaddad2"), plaintext: Array(spec3Plain.prefix(60)), output: hex("""
                            42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e
                            21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091
                            5bc94fbc3221a5db94fae95ae7121a47
                            """)),
        GCMPrimitiveCase(name: "TC15", key: hex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308"),
                         nonce: hex("cafebabe facedbaddecaf888"), aad: [], plaintext: spec3Plain, output: hex("""
                            522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa
                            8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad
                            b094dac5d93471bdec1a502270e3cc6c
                            """)),
    ]

    @Test(arguments: gcmPrimitiveCases)
    func testGCMSpecCase_contextReuseMatchesThePublishedOutput(_ vector: GCMPrimitiveCase) throws {
        let name = "AES-\(vector.key.count * 8)-GCM"
        let sealer = try vector.key.withUnsafeBytes { try AEADCipherContext(cipherName: name, key: $0, encrypting: true, tagLength: 16) }
        let opener = try vector.key.withUnsafeBytes { try AEADCipherContext(cipherName: name, key: $0, encrypting: false, tagLength: 16) }
        // Twice through the same contexts: a reused context must give the same answer.
        for _ in 0..<2 {
            var data = vector.plaintext
            var tag = [UInt8](repeating: 0, count: 16)
            let sealed = vector.nonce.withUnsafeBufferPointer { nonce in
                vector.aad.withUnsafeBytes { aad in
                    data.withUnsafeMutableBufferPointer { data in
                        tag.withUnsafeMutableBufferPointer { tag in
                            sealer.seal(nonce: nonce.baseAddress!, aad: aad, data: data.baseAddress!, length: data.count, tag: tag.baseAddress!)
                        }
                    }
                }
            }
            #expect(sealed)
            #expect(data + tag == vector.output)
            let opened = vector.nonce.withUnsafeBufferPointer { nonce in
                vector.aad.withUnsafeBytes { aad in
                    data.withUnsafeMutableBufferPointer { data in
                        tag.withUnsafeBufferPointer { tag in
                            opener.open(nonce: nonce.baseAddress!, aad: aad, data: data.baseAddress!, length: data.count, tag: tag.baseAddress!)
                        }
                    }
                }
            }
            #expect(opened)
            #expect(data == vector.plaintext)
        }
    }

    // MARK: - RFC 3602 §4 cases 5–8: AES-CBC ESP packets (no ICV in the RFC)

    struct CBCCase: CustomTestStringConvertible, Sendable {
        let name: String
        let key: [UInt8]
        let payload: [UInt8]
        let nextHeader: UInt8
        let sequence: UInt64
        /// The RFC's ESP packet: SPI ‖ sequence ‖ IV ‖ ciphertext.
        let packet: [UInt8]
        var testDescription: String { name }
        var spi: UInt32 { packet[0..<4].reduce(0) { $0 << 8 | UInt32($1) } }
        var iv: [UInt8] { Array(packet[8..<24]) }
    }

    static let cbcCases: [CBCCase] = [
        CBCCase(name: "case 5 (transport, ICMP)", key: hex("90d382b410eeba7ad938c46cec1a82bf"),
                payload: hex("08000ebda70a00008e9c083db95b070008090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637"),
                nextHeader: 1, sequence: 1,
                packet: hex("0000432100000001e96e8c08ab465763fd098d45dd3ff893f663c25d325c18c6a9453e194e120849a4870b66cc6b9965330013b4898dc856a4699e523a55db080b59ec3a8e4b7e52775b07d1db34ed9c538ab50c551b874aa269add047ad2d5913ac19b7cfbad4a6")),
        CBCCase(name: "case 6 (transport, ICMP)", key: hex("90d382b410eeba7ad938c46cec1a82bf"),
                payload: hex("0800b5e8a80a0500a69c083d0b660e00777777777777777777777777"), nextHeader: 1, sequence: 8,
                packet: hex("000043210000000869d08df7d203329db093fc4924e5bd80f51995881ec4e0c4488987ce742e8109689bb379d2d750c0d915dca346a89f75")),
        CBCCase(name: "case 7 (tunnel, IPv4)", key: hex("0123456789abcdef0123456789abcdef"),
                payload: hex("45000054090400004001f988c0a87b03c0a87bc808009f76a90a0100b49c083d02a2040008090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637"),
                nextHeader: 4, sequence: 2,
                packet: hex("0000876500000002f4e765244f6407adf13dc1380f673f37773b5241a4c449225e4f3ce5ed611b0c237ca96cf74a93013c1b0ea1a0cf70f8e4ecaec78ac53aad7a0f022b859243c647752e94a859352b8a4d4d2decd136e5c177f132ad3fbfb2201ac9904c74ee0a109e0ca1e4dfe9d5a100b842f1c22f0d")),
        CBCCase(name: "case 8 (tunnel, IPv4)", key: hex("0123456789abcdef0123456789abcdef"),
                payload: hex("45000044090c00004001f990c0a87b03c0a87bc80800d63caa0a0200c69c083da3de0300ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"),
                nextHeader: 4, sequence: 5,
                packet: hex("000087650000000585d47224b5f3dd5d2101d4ea8dffab2215b92683819596a8047232cc00f7048fe45318e11f8a0f62ede3c3fc61203bb50f980a08c9843fd3a1b06d5c07ff9639b7eb7dfb3512e5de435e7207ed971ef3d2726d9b5ef6affc6d17a0decbb13892")),
    ]

    /// The RFC's packets carry no ICV; we seal with HMAC-SHA2-256-128 (checked separately
    /// against RFC 4868) and require the RFC's bytes up to the ICV, and that ICV = the HMAC.
    @Test(arguments: cbcCases)
    func testRFC3602Case_sealReproducesThePublishedPacketBeforeTheICV(_ vector: CBCCase) throws {
        let suite = try ESPCipherSuite(encryption: .aesCBC(.bits128), integrity: .hmacSHA2_256_128)
        let integrityKey = [UInt8](repeating: 0x0b, count: 32)
        let keys = ESPKeyMaterial(encryptionKey: SecretBytes(vector.key), integrityKey: SecretBytes(integrityKey))
        let sa = try ESPOutboundSA(spi: vector.spi, suite: suite, keys: keys, extendedSequenceNumbers: false, lifetime: .unlimited,
                                   installedAt: testInstant, lastSequenceNumber: vector.sequence - 1, ivGeneration: .fixed(vector.iv), firstIV: 0)
        let sealed = try seal(vector.payload, with: sa, nextHeader: vector.nextHeader)
        #expect(Array(sealed.dropLast(16)) == vector.packet)
        let mac = try integrityKey.withUnsafeBytes { try HMACContext(digestName: "SHA256", key: $0) }
        var digest = [UInt8](repeating: 0, count: 32)
        _ = vector.packet.withUnsafeBytes { body in
            digest.withUnsafeMutableBufferPointer { mac.authenticate(body, UnsafeRawBufferPointer(start: nil, count: 0), into: $0.baseAddress!) }
        }
        #expect(Array(sealed.suffix(16)) == Array(digest.prefix(16)))

        // And back: the inbound side recovers the payload (tunnel cases) or refuses next header 1.
        let inbound = try ESPInboundSA(spi: vector.spi, suite: suite, keys: keys, installedAt: testInstant)
        if vector.nextHeader == 4 {
            #expect(try open(sealed, with: inbound).get() == vector.payload)
        } else {
            #expect(open(sealed, with: inbound) == .failure(.unsupportedNextHeader(spi: vector.spi, nextHeader: 1)))
        }
    }

    // MARK: - RFC 4868 §2.7 (HMAC-SHA2 truncated) and RFC 2202 §3 (HMAC-SHA1)

    struct HMACCase: CustomTestStringConvertible, Sendable {
        let integrity: ESPIntegrity
        let key: [UInt8]
        let data: [UInt8]
        let icv: [UInt8]
        var testDescription: String { "\(integrity)" }
    }

    static let hiThere = Array("Hi There".utf8)
    static let hmacCases: [HMACCase] = [
        HMACCase(integrity: .hmacSHA1_96, key: [UInt8](repeating: 0x0b, count: 20), data: hiThere,
                 icv: hex("b617318655057264e28bc0b6")),
        HMACCase(integrity: .hmacSHA2_256_128, key: [UInt8](repeating: 0x0b, count: 32), data: hiThere,
                 icv: hex("198a607eb44bfbc69903a0f1cf2bbdc5")),
        HMACCase(integrity: .hmacSHA2_256_128, key: Array(String(repeating: "Jefe", count: 8).utf8),
                 data: Array("what do ya want for nothing?".utf8), icv: hex("167f928588c5cc2eef8e3093caa0e87c")),
        HMACCase(integrity: .hmacSHA2_384_192, key: [UInt8](repeating: 0x0b, count: 48), data: hiThere,
                 icv: hex("b6a8d5636f5c6a7224f9977dcf7ee6c7fb6d0c48cbdee973")),
        HMACCase(integrity: .hmacSHA2_512_256, key: [UInt8](repeating: 0x0b, count: 64), data: hiThere,
                 icv: hex("637edc6e01dce7e6742a99451aae82df23da3e92439e590e43e761b33e910fb8")),
    ]

    @Test(arguments: hmacCases)
    func testHMACContext_reusedKeyGivesThePublishedTruncatedICV(_ vector: HMACCase) throws {
        let mac = try vector.key.withUnsafeBytes { try HMACContext(digestName: vector.integrity.openSSLDigest, key: $0) }
        for _ in 0..<2 {
            var digest = [UInt8](repeating: 0, count: mac.digestLength)
            let done = vector.data.withUnsafeBytes { data in
                digest.withUnsafeMutableBufferPointer { mac.authenticate(data, UnsafeRawBufferPointer(start: nil, count: 0), into: $0.baseAddress!) }
            }
            #expect(done)
            #expect(Array(digest.prefix(vector.integrity.icvLength)) == vector.icv)
        }
    }
}
