import Testing
import HubVocabulary
import IKECrypto
import IKEWire

/// Real exchanges captured from strongSwan 5.9.8 and libreswan with the keys their logs
/// printed: our key schedule must derive the same keys, and our SK/SKF code must decrypt
/// every captured message to the plaintext the peer logged and parse it.
@Suite struct CapturedExchangeTests {
    /// The IKE SA (keys and transforms) a set of `prefix`ed values describes.
    struct CapturedSA {
        let transforms: NegotiatedIKETransforms
        let spiI: IKESPI
        let spiR: IKESPI
        let keys: IKEKeys
    }

    static func transforms(_ capture: KnownKeys) throws -> NegotiatedIKETransforms {
        let encryptionID = try #require(capture.integer("encr_id"))
        let algorithm = try #require(EncryptionAlgorithm(transformID: encryptionID))
        let keyMaterial = try #require(capture.hex("sk_ei")).count
        let salt = algorithm == .aesCBC ? 0 : 4
        let encryption = try EncryptionTransform(
            algorithm, keyLengthBits: algorithm == .chacha20Poly1305 ? nil : (keyMaterial - salt) * 8)
        let integrityID = capture.integer("integ_id") ?? 0
        let integrity = integrityID == 0 ? nil : IntegrityAlgorithm(transformID: integrityID)
        #expect(integrityID == 0 || integrity != nil)
        let prfID = try #require(capture.integer("prf_id"))
        let groupID = try #require(capture.integer("dh_id"))
        let prf = try #require(PseudorandomFunction(transformID: prfID))
        let group = try #require(DiffieHellmanGroup(transformID: groupID))
        return try NegotiatedIKETransforms(encryption: encryption, prf: prf, integrity: integrity, group: group)
    }

    static func keys(_ capture: KnownKeys, prefix: String) throws -> IKEKeys {
        func secret(_ name: String) throws -> SecretBytes { SecretBytes(capture.hex(prefix + name) ?? []) }
        return IKEKeys(skD: try secret("sk_d"), skAi: try secret("sk_ai"), skAr: try secret("sk_ar"),
                       skEi: try secret("sk_ei"), skEr: try secret("sk_er"), skPi: try secret("sk_pi"), skPr: try secret("sk_pr"))
    }

    static func securityAssociations(_ capture: KnownKeys) throws -> [CapturedSA] {
        let transforms = try transforms(capture)
        var result: [CapturedSA] = []
        for prefix in ["", "rekey1_", "rekey2_"] {
            guard let spiI = capture.hex(prefix + "spi_i").flatMap(IKESPI.init(bytes:)),
                  let spiR = capture.hex(prefix + "spi_r").flatMap(IKESPI.init(bytes:)) else { continue }
            result.append(CapturedSA(transforms: transforms, spiI: spiI, spiR: spiR, keys: try keys(capture, prefix: prefix)))
        }
        return result
    }

    @Test(arguments: KnownKeys.all)
    func testKeySchedule_derivesTheKeysThePeerLogged(capture: KnownKeys) throws {
        let transforms = try Self.transforms(capture)
        for prefix in ["", "rekey1_", "rekey2_"] {
            guard let ni = capture.hex(prefix + "ni"), let nr = capture.hex(prefix + "nr"),
                  let sharedSecret = capture.hex(prefix + "g_ir"), let expected = capture.hex(prefix + "skeyseed") else { continue }
            let skeyseed: SecretBytes
            if prefix.isEmpty {
                skeyseed = try IKEKeyMaterial.skeyseed(prf: transforms.prf, sharedSecret: SecretBytes(sharedSecret),
                                                       initiatorNonce: ni, responderNonce: nr)
            } else {
                // RFC 7296 §2.18: the rekeyed SA's SKEYSEED comes from the old SK_d.
                let old = prefix == "rekey1_" ? "" : "rekey1_"
                skeyseed = try IKEKeyMaterial.rekeyedSKEYSEED(
                    oldPRF: transforms.prf, oldSKd: SecretBytes(try #require(capture.hex(old + "sk_d"))),
                    sharedSecret: SecretBytes(sharedSecret), initiatorNonce: ni, responderNonce: nr)
            }
            #expect(skeyseed.revealedBytes() == expected, "SKEYSEED of \(prefix.isEmpty ? "IKE SA 1" : prefix)")
            let keys = try IKEKeyMaterial.deriveKeys(
                transforms: transforms, skeyseed: skeyseed, initiatorNonce: ni, responderNonce: nr,
                initiatorSPI: try #require(capture.hex(prefix + "spi_i").flatMap(IKESPI.init(bytes:))),
                responderSPI: try #require(capture.hex(prefix + "spi_r").flatMap(IKESPI.init(bytes:))))
            let logged = try Self.keys(capture, prefix: prefix)
            #expect(keys.skD == logged.skD)
            #expect(keys.skAi == logged.skAi)
            #expect(keys.skAr == logged.skAr)
            #expect(keys.skEi == logged.skEi)
            #expect(keys.skEr == logged.skEr)
            #expect(keys.skPi == logged.skPi)
            #expect(keys.skPr == logged.skPr)
        }
    }

    @Test(arguments: KnownKeys.all)
    func testChildKeyMaterial_matchesThePeersESPKeys(capture: KnownKeys) throws {
        let prf = try Self.transforms(capture).prf
        var checked = 0
        for index in 1...9 {
            let name = "child\(index)_"
            guard let seed = capture.hex(name + "keymat_seed"), let encryptionIToR = capture.hex(name + "encr_i2r"),
                  let encryptionRToI = capture.hex(name + "encr_r2i"), let algorithmName = capture.values[name + "encr_alg"] else { continue }
            let ikeSA = capture.values[name + "ike_sa"] ?? "ike1"
            // "ike1" is the IKE SA of IKE_SA_INIT, "ikeN" the one made by the (N−1)th rekey.
            let generation = Int(ikeSA.dropFirst(3)) ?? 1
            let skDName = generation == 1 ? "sk_d" : "rekey\(generation - 1)_sk_d"
            let skD = SecretBytes(try #require(capture.hex(skDName), "no \(skDName) for \(name)"))
            let algorithm: EncryptionAlgorithm = switch algorithmName {
            case "AES_GCM_16": .aesGCM16
            case "AES_CBC": .aesCBC
            case "CHACHA20_POLY1305": .chacha20Poly1305
            default: throw CaptureError.unknownAlgorithm(algorithmName)
            }
            let salt = algorithm == .aesCBC ? 0 : 4
            let encryption = try EncryptionTransform(
                algorithm, keyLengthBits: algorithm == .chacha20Poly1305 ? nil : (encryptionIToR.count - salt) * 8)
            let integrity: IntegrityAlgorithm? = switch capture.values[name + "integ_alg"] {
            case "HMAC_SHA2_256_128": .hmacSHA256_128
            case "HMAC_SHA2_384_192": .hmacSHA384_192
            case "HMAC_SHA2_512_256": .hmacSHA512_256
            case "HMAC_SHA1_96": .hmacSHA1_96
            case nil: nil
            case let other?: throw CaptureError.unknownAlgorithm(other)
            }
            // The logged seed is already g^ir (PFS) ‖ Ni ‖ Nr; prf+ only sees the concatenation.
            let keys = try ChildKeyMaterial.derive(
                transforms: ChildSATransforms(encryption: encryption, integrity: integrity), prf: prf, skD: skD,
                initiatorNonce: seed, responderNonce: [])
            #expect(keys.initiatorToResponder.encryption.revealedBytes() == encryptionIToR, "\(name) encryption i→r")
            #expect(keys.responderToInitiator.encryption.revealedBytes() == encryptionRToI, "\(name) encryption r→i")
            if let integrityIToR = capture.hex(name + "integ_i2r") {
                #expect(keys.initiatorToResponder.integrity.revealedBytes() == integrityIToR)
                #expect(keys.responderToInitiator.integrity.revealedBytes() == capture.hex(name + "integ_r2i"))
            }
            checked += 1
        }
        #expect(checked > 0 || capture.values["child1_encr_alg"] == nil)
    }

    @Test(arguments: KnownKeys.all)
    func testEveryEncryptedMessage_decryptsToThePlaintextThePeerLogged(capture: KnownKeys) throws {
        let associations = try Self.securityAssociations(capture)
        var reassemblers: [String: FragmentReassembler] = [:]
        var decrypted = 0
        for message in capture.messages() {
            let parsed = try IKEMessage.parse(message.bytes)
            guard parsed.encryptedPayload != nil || parsed.encryptedFragment != nil else { continue }
            let sa = try #require(associations.first {
                $0.spiI == parsed.header.initiatorSPI && $0.spiR == parsed.header.responderSPI
            }, "no keys for the SPIs of \(message.name)")
            let cipher = try EncryptedPayloadCipher(
                transforms: sa.transforms, keys: sa.keys,
                sender: parsed.header.isFromOriginalInitiator ? .originalInitiator : .originalResponder)
            let kind: EncryptedPayloadKind = parsed.encryptedPayload != nil ? .encrypted : .encryptedFragment
            let offset = try IKEMessage.associatedData(ofSerialized: message.bytes).count - kind.headerLength
            let inner = try cipher.open(message: message.bytes, encryptedPayloadOffset: offset, kind: kind)
            let logged = try #require(capture.hex("plain_" + message.number), "no plain_\(message.number)")
            #expect(inner == logged, "\(message.name)")
            decrypted += 1

            let payloads: [Payload]
            if let sk = parsed.encryptedPayload {
                payloads = try Payload.parseChain(inner, firstPayload: sk.innerFirstPayload)
            } else {
                let fragment = try #require(parsed.encryptedFragment)
                let key = "\(parsed.header.initiatorSPI)-\(parsed.header.messageID)-\(parsed.header.isResponse)"
                var reassembler = reassemblers[key] ?? FragmentReassembler()
                let outcome = try reassembler.add(fragment, content: inner)
                reassemblers[key] = reassembler
                guard case .complete(let first, let bytes) = outcome else { continue }
                payloads = try Payload.parseChain(bytes, firstPayload: first)
            }
            try Payload.validateChain(payloads)
            try MessageRules.verify(parsed, innerPayloads: payloads)
        }
        #expect(decrypted > 0)
    }
}

enum CaptureError: Error {
    case unknownAlgorithm(String)
}
