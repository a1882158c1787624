import Foundation
import HubTestSupport
import HubVocabulary
@testable import IKECrypto
import Testing

/// Peer-controlled inputs must end in a typed error, never a trap: mutated SK payloads,
/// random KE data, random AUTH data and DER (RFC 7296 §2: a malformed message is
/// dropped or answered, the daemon keeps running).
@Suite struct HostileInputTests {
    /// Truncates, extends, overwrites length fields or flips bits of `message`.
    static func mutate(_ message: [UInt8], using generator: inout SplitMix64) -> [UInt8] {
        var mutated = message
        switch Int.random(in: 0..<5, using: &generator) {
        case 0:
            mutated = Array(mutated.prefix(Int.random(in: 0..<mutated.count, using: &generator)))
        case 1:
            mutated += (0..<Int.random(in: 1..<40, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        case 2:
            // SK Payload Length (offsets 30, 31) or IKE Length (24–27).
            let field = [24, 25, 26, 27, 30, 31].randomElement(using: &generator) ?? 30
            mutated[field] = UInt8.random(in: 0...255, using: &generator)
        case 3:
            for _ in 0..<Int.random(in: 1..<8, using: &generator) {
                let index = Int.random(in: 0..<mutated.count, using: &generator)
                mutated[index] ^= UInt8(1 << Int.random(in: 0..<8, using: &generator))
            }
        default:
            mutated = (0..<Int.random(in: 0..<120, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        }
        return mutated
    }

    @Test(arguments: 0..<EncryptedPayloadRunner.suites.count)
    func testOpen_throwsTypedErrorsOnMutatedMessages(_ index: Int) throws {
        let cipher = try EncryptedPayloadRunner.makeCipher(EncryptedPayloadRunner.suites[index])
        let prefix = EncryptedPayloadRunner.prefix(dataLength: cipher.encryptedDataLength(innerPayloadsLength: 33))
        let message = try cipher.seal(authenticatedPrefix: prefix, innerPayloads: [UInt8](repeating: 3, count: 33),
                                      random: SystemRandom())
        var generator = SplitMix64(seed: UInt64(index) &+ 0x1ce)
        var rejected = 0
        for _ in 0..<500 {
            let mutated = HostileInputTests.mutate(message, using: &generator)
            guard mutated != message else { continue }
            let offset = [28, 28, 28, Int.random(in: -4..<80, using: &generator)].randomElement(using: &generator) ?? 28
            do {
                _ = try cipher.open(message: mutated, encryptedPayloadOffset: offset)
                Issue.record("a mutated message opened (mutation of suite \(index))")
            } catch {
                rejected += 1
            }
        }
        #expect(rejected > 400)
    }

    @Test(arguments: [DiffieHellmanGroup.modp2048, .ecp256, .ecp521, .curve25519, .curve448])
    func testSharedSecret_handlesRandomPeerValues(_ group: DiffieHellmanGroup) throws {
        let ours = try KeyExchange(group: group)
        var generator = SplitMix64(seed: UInt64(group.rawValue))
        for round in 0..<60 {
            let length = round % 3 == 0 ? Int.random(in: 0...140, using: &generator) : group.keyExchangeDataLength
            let value = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            // Random MODP and Montgomery values are usually valid; random ECP points almost never are.
            // Either outcome is fine here; the requirement is a value or a typed error.
            let result = Result { () throws(IKECryptoError) -> SecretBytes in try ours.sharedSecret(peer: value) }
            if case .success(let secret) = result { #expect(secret.count == group.sharedSecretLength) }
            if length != group.keyExchangeDataLength, case .success = result {
                Issue.record("\(group): accepted \(length) octets of KE data")
            }
        }
    }

    @Test func testSignatureVerify_rejectsRandomAuthenticationData() throws {
        let directory = try OpenSSLCommandLine.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let key = try PrivateKey(pemEncoded: Array(OpenSSLCommandLine.run(
            ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"], in: directory)))
        let publicKey = try key.publicKey
        let octets = AuthenticationOctets(bytes: Array(0..<64))
        var generator = SplitMix64(seed: 14)
        let identifier = SignatureAlgorithm.ecdsa(.sha256).algorithmIdentifier ?? []
        for round in 0..<300 {
            var data = (0..<Int.random(in: 0...100, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if round % 2 == 0 { data = [UInt8(identifier.count)] + identifier + data }
            let method: UInt8 = [1, 9, 10, 11, 14, 14, 2].randomElement(using: &generator) ?? 14
            #expect(throws: IKECryptoError.self) {
                try SignatureAuthentication.verify(authenticationData: data, authMethod: method, octets: octets,
                                                   publicKey: publicKey)
            }
        }
    }

    @Test func testDERReader_neverTrapsOnRandomInput() {
        var generator = SplitMix64(seed: 0xde7)
        for _ in 0..<2000 {
            var der = (0..<Int.random(in: 0...20, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if !der.isEmpty, Bool.random(using: &generator) { der[0] = 0x30 }
            if let raw = try? ECDSASignatureEncoding.raw(fromDER: der, coordinateLength: 32) {
                #expect(raw.count == 64)
            }
        }
    }
}
