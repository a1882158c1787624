import Foundation
import HubVocabulary
@testable import IKECrypto
import Testing

/// MODP groups 2, 14, 15, 16: agreement, shared-secret length, and RFC 6989 §2.1 checks.
/// (No published known-answer vector exists for these groups; see test-vectors.md §2.3.)
@Suite struct MODPRunner {
    static let groups: [DiffieHellmanGroup] = [.modp1024, .modp2048, .modp3072, .modp4096]

    @Test(arguments: groups)
    func testGeneratedKeys_agreeOnPrimeLengthSecret(_ group: DiffieHellmanGroup) throws {
        let a = try KeyExchange(group: group)
        let b = try KeyExchange(group: group)
        #expect(a.publicValue.count == group.keyExchangeDataLength)
        let secret = try a.sharedSecret(peer: b.publicValue)
        #expect(secret.count == group.fieldLength)
        #expect(secret == (try b.sharedSecret(peer: a.publicValue)))
    }

    @Test(arguments: groups)
    func testOutOfRangePeerValues_areRejected(_ group: DiffieHellmanGroup) throws {
        let ours = try KeyExchange(group: group)
        let prime = GroupParameters.of(group).prime
        #expect(prime.count == group.fieldLength)
        var primeMinusOne = prime
        primeMinusOne[primeMinusOne.count - 1] -= 1
        let zero = [UInt8](repeating: 0, count: prime.count)
        var one = zero
        one[one.count - 1] = 1
        let allOnes = [UInt8](repeating: 0xff, count: prime.count)
        for value in [zero, one, primeMinusOne, prime, allOnes] {
            let caught = #expect(throws: IKECryptoError.self) { _ = try ours.sharedSecret(peer: value) }
            guard case .invalidPeerPublicValue(let rejected, _) = caught, rejected == group else {
                Issue.record("expected invalidPeerPublicValue for \(group), got \(String(describing: caught))")
                continue
            }
        }
        var two = zero
        two[two.count - 1] = 2
        #expect(throws: Never.self) { _ = try ours.sharedSecret(peer: two) }
        var primeMinusTwo = prime
        primeMinusTwo[primeMinusTwo.count - 1] -= 2
        #expect(throws: Never.self) { _ = try ours.sharedSecret(peer: primeMinusTwo) }
    }

    @Test(arguments: groups)
    func testWrongLengthPeerValue_isRejected(_ group: DiffieHellmanGroup) throws {
        let ours = try KeyExchange(group: group)
        let length = group.keyExchangeDataLength
        #expect(throws: IKECryptoError.invalidKeyExchangeLength(group: group, expected: length, actual: length - 1)) {
            _ = try ours.sharedSecret(peer: Array(ours.publicValue.dropFirst()))
        }
        #expect(throws: IKECryptoError.invalidKeyExchangeLength(group: group, expected: length, actual: length + 1)) {
            _ = try ours.sharedSecret(peer: [0] + ours.publicValue)
        }
    }

    @Test func testGroup2Prime_isTheRFC2409PrimeAndPrime() throws {
        // The RFC 2409 §6.2 prime is 2^1024 - 2^960 - 1 + 2^64 * ([2^894 pi] + 129093): its top
        // and bottom 64 bits are all ones; the openssl CLI confirms primality.
        let prime = GroupParameters.oakleyGroup2Prime
        #expect(prime.count == 128)
        #expect(prime.prefix(8).allSatisfy { $0 == 0xff } && prime.suffix(8).allSatisfy { $0 == 0xff })
        let directory = try OpenSSLCommandLine.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = try OpenSSLCommandLine.run(["prime", "-hex", Hex.encode(prime)], in: directory)
        #expect(String(decoding: output, as: UTF8.self).contains("is prime"))
    }

    @Test func testPrivateValueImport_isRefusedForMODP() {
        #expect(throws: IKECryptoError.self) {
            _ = try KeyExchange(group: .modp2048, privateValue: SecretBytes([UInt8](repeating: 7, count: 32)))
        }
    }
}
