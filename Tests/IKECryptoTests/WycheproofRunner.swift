import Foundation
import HubVocabulary
@testable import IKECrypto
import Testing

/// Project Wycheproof vectors (C2SP/wycheproof, filtered to the forms IKE uses; the
/// `source` field of each file says how) through one generic runner: ECDH on P-256/384/521
/// with uncompressed points, X25519, X448, AES-GCM and ChaCha20-Poly1305 with 96-bit nonces.
@Suite struct WycheproofRunner {
    struct File: Decodable {
        let algorithm: String
        let source: String
        let numberOfTests: Int
        let testGroups: [Group]
    }

    struct Group: Decodable {
        let curve: String?
        let keySize: Int?
        let tests: [Case]
    }

    struct Case: Decodable {
        let tcId: Int
        let comment: String
        let flags: [String]
        let result: String
        // Key agreement
        let `public`: String?
        let `private`: String?
        let shared: String?
        // AEAD
        let key: String?
        let iv: String?
        let aad: String?
        let msg: String?
        let ct: String?
        let tag: String?
    }

    /// One Wycheproof test with the file it came from, for parameterised tests.
    struct Vector: CustomTestStringConvertible, Sendable {
        let file: String
        let group: DiffieHellmanGroup?
        let keySize: Int
        let test: Case
        var testDescription: String { "\(file) tcId \(test.tcId) (\(test.result): \(test.comment))" }
    }

    static func load(_ name: String) -> [Vector] {
        guard let url = Bundle.module.url(forResource: "Vectors/wycheproof/\(name)", withExtension: nil),
              let data = try? Data(contentsOf: url),
              let file = try? JSONDecoder().decode(File.self, from: data) else {
            return []
        }
        return file.testGroups.flatMap { group in
            let dhGroup: DiffieHellmanGroup? = switch group.curve {
            case "secp256r1": .ecp256
            case "secp384r1": .ecp384
            case "secp521r1": .ecp521
            case "curve25519": .curve25519
            case "curve448": .curve448
            default: nil
            }
            return group.tests.map { Vector(file: name, group: dhGroup, keySize: group.keySize ?? 0, test: $0) }
        }
    }

    static let ecdh = ["ecdh_secp256r1_ecpoint_test.json", "ecdh_secp384r1_ecpoint_test.json",
                       "ecdh_secp521r1_ecpoint_test.json"].flatMap(load)
    static let montgomery = load("x25519_test.json") + load("x448_test.json")
    static let gcm = load("aes_gcm_test.json")
    static let chacha = load("chacha20_poly1305_test.json")

    static func hex(_ text: String?) -> [UInt8] { Hex.decode(text ?? "") ?? [] }

    @Test func testVectorFilesLoaded() {
        #expect(WycheproofRunner.ecdh.count == 346 + 787 + 648)
        #expect(WycheproofRunner.montgomery.count == 518 + 510)
        #expect(WycheproofRunner.gcm.count == 197)
        #expect(WycheproofRunner.chacha.count == 316)
    }

    @Test(arguments: ecdh)
    func testECDH(_ vector: Vector) throws {
        let group = try #require(vector.group)
        // Wycheproof privates are ASN.1-style integers: strip sign octets, pad to field size.
        let scalar = Array(WycheproofRunner.hex(vector.test.private).drop { $0 == 0 })
        let privateValue = [UInt8](repeating: 0, count: max(0, group.fieldLength - scalar.count)) + scalar
        let ours = try KeyExchange(group: group, privateValue: SecretBytes(privateValue))
        // KE data is x ‖ y: drop the SEC 1 0x04 prefix the file carries.
        let peer = Array(WycheproofRunner.hex(vector.test.public).dropFirst())
        switch vector.test.result {
        case "valid", "acceptable":
            #expect(try ours.sharedSecret(peer: peer).revealedBytes() == WycheproofRunner.hex(vector.test.shared))
        default:
            #expect(throws: IKECryptoError.self) { _ = try ours.sharedSecret(peer: peer) }
        }
    }

    @Test(arguments: montgomery)
    func testMontgomery(_ vector: Vector) throws {
        let group = try #require(vector.group)
        let ours = try KeyExchange(group: group, privateValue: SecretBytes(WycheproofRunner.hex(vector.test.private)))
        let peer = WycheproofRunner.hex(vector.test.public)
        let shared = WycheproofRunner.hex(vector.test.shared)
        if vector.test.result == "invalid" {
            #expect(throws: IKECryptoError.self) { _ = try ours.sharedSecret(peer: peer) }
        } else if shared.allSatisfy({ $0 == 0 }) {
            // RFC 8031 §2: IKE must reject the all-zero result Wycheproof marks acceptable.
            #expect(throws: IKECryptoError.allZeroSharedSecret(group: group)) { _ = try ours.sharedSecret(peer: peer) }
        } else {
            #expect(try ours.sharedSecret(peer: peer).revealedBytes() == shared)
        }
    }

    @Test(arguments: gcm + chacha)
    func testAEAD(_ vector: Vector) throws {
        let test = vector.test
        let key = WycheproofRunner.hex(test.key)
        let cipher: FetchedCipher = vector.file.hasPrefix("chacha") ? Algorithms.chacha20Poly1305
            : vector.keySize == 128 ? Algorithms.aes128GCM : vector.keySize == 192 ? Algorithms.aes192GCM : Algorithms.aes256GCM
        let nonce = WycheproofRunner.hex(test.iv)
        let aad = WycheproofRunner.hex(test.aad)
        let opened = try CipherHelpers.aeadOpen(cipher, key: key, nonce: nonce, aad: aad,
                                                ciphertext: WycheproofRunner.hex(test.ct), tag: WycheproofRunner.hex(test.tag))
        if test.result == "invalid" {
            #expect(opened == nil)
        } else {
            #expect(opened == WycheproofRunner.hex(test.msg))
            let sealed = try CipherHelpers.aeadSeal(cipher, key: key, nonce: nonce, aad: aad,
                                                    plaintext: WycheproofRunner.hex(test.msg), tagLength: 16)
            #expect(sealed.ciphertext == WycheproofRunner.hex(test.ct))
            #expect(sealed.tag == WycheproofRunner.hex(test.tag))
        }
    }
}
