import HubVocabulary
@testable import IKECrypto
import Testing

/// RFC 7748 §6 X25519/X448 and RFC 8031 vectors, and the all-zero rejection of RFC 8031 §2.
@Suite struct MontgomeryRunner {
    static let vectors = VectorFile.cases("rfc7748-rfc8031-montgomery.txt")

    @Test func testVectorFileLoaded() {
        #expect(MontgomeryRunner.vectors.count == 3)
    }

    @Test(arguments: vectors)
    func testBothSides_matchPublishedValues(_ vector: VectorCase) throws {
        let group = try #require(DiffieHellmanGroup(transformID: UInt16(vector.integer("group"))))
        let initiator = try KeyExchange(group: group, privateValue: vector.secret("i"))
        let responder = try KeyExchange(group: group, privateValue: vector.secret("r"))
        #expect(initiator.publicValue == vector.bytes("gi"))
        #expect(responder.publicValue == vector.bytes("gr"))
        #expect(try initiator.sharedSecret(peer: vector.bytes("gr")) == vector.secret("gir"))
        #expect(try responder.sharedSecret(peer: vector.bytes("gi")) == vector.secret("gir"))
    }

    @Test(arguments: [DiffieHellmanGroup.curve25519, .curve448])
    func testGeneratedKeys_agree(_ group: DiffieHellmanGroup) throws {
        let a = try KeyExchange(group: group)
        let b = try KeyExchange(group: group)
        #expect(try a.sharedSecret(peer: b.publicValue) == b.sharedSecret(peer: a.publicValue))
    }

    @Test(arguments: [DiffieHellmanGroup.curve25519, .curve448])
    func testLowOrderPeerValues_giveAllZeroSecretAndAreRejected(_ group: DiffieHellmanGroup) throws {
        let ours = try KeyExchange(group: group)
        let length = group.keyExchangeDataLength
        // u = 0 and u = 1 are points of small order on both curves (RFC 7748 §6).
        let zero = [UInt8](repeating: 0, count: length)
        let one = [1] + [UInt8](repeating: 0, count: length - 1)
        for value in [zero, one] {
            #expect(throws: IKECryptoError.allZeroSharedSecret(group: group)) {
                _ = try ours.sharedSecret(peer: value)
            }
        }
        #expect(throws: IKECryptoError.invalidKeyExchangeLength(group: group, expected: length, actual: length + 1)) {
            _ = try ours.sharedSecret(peer: ours.publicValue + [0])
        }
    }
}
