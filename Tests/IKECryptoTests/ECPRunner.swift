import HubVocabulary
@testable import IKECrypto
import Testing

/// RFC 5903 §8 ECP groups 19/20/21 and the RFC 6989 peer checks.
@Suite struct ECPRunner {
    static let vectors = VectorFile.cases("rfc5903-ecp-groups.txt")

    @Test func testVectorFileLoaded() {
        #expect(ECPRunner.vectors.count == 3)
    }

    @Test(arguments: vectors)
    func testInitiatorSide_matchesRFC5903(_ vector: VectorCase) throws {
        let group = try #require(DiffieHellmanGroup(transformID: UInt16(vector.integer("group"))))
        let initiator = try KeyExchange(group: group, privateValue: vector.secret("i"))
        #expect(initiator.publicValue == vector.bytes("gi"))
        #expect(try initiator.sharedSecret(peer: vector.bytes("gr")) == vector.secret("gir"))
    }

    @Test(arguments: vectors)
    func testResponderSide_matchesRFC5903(_ vector: VectorCase) throws {
        let group = try #require(DiffieHellmanGroup(transformID: UInt16(vector.integer("group"))))
        let responder = try KeyExchange(group: group, privateValue: vector.secret("r"))
        #expect(responder.publicValue == vector.bytes("gr"))
        let secret = try responder.sharedSecret(peer: vector.bytes("gi"))
        #expect(secret == vector.secret("gir"))
        #expect(secret.count == group.sharedSecretLength)
    }

    @Test(arguments: [DiffieHellmanGroup.ecp256, .ecp384, .ecp521])
    func testGeneratedKeys_agree(_ group: DiffieHellmanGroup) throws {
        let a = try KeyExchange(group: group)
        let b = try KeyExchange(group: group)
        #expect(a.publicValue.count == group.keyExchangeDataLength)
        #expect(try a.sharedSecret(peer: b.publicValue) == b.sharedSecret(peer: a.publicValue))
    }

    @Test(arguments: vectors)
    func testPointOffTheCurve_isRejected(_ vector: VectorCase) throws {
        let group = try #require(DiffieHellmanGroup(transformID: UInt16(vector.integer("group"))))
        let ours = try KeyExchange(group: group, privateValue: vector.secret("i"))
        var tampered = vector.bytes("gr")
        tampered[tampered.count - 1] ^= 0x01
        let caught = #expect(throws: IKECryptoError.self) { _ = try ours.sharedSecret(peer: tampered) }
        if case .invalidPeerPublicValue(let rejected, _) = caught {
            #expect(rejected == group)
        } else {
            Issue.record("expected invalidPeerPublicValue, got \(String(describing: caught))")
        }
    }

    @Test(arguments: [DiffieHellmanGroup.ecp256, .ecp384, .ecp521])
    func testDegenerateValues_areRejected(_ group: DiffieHellmanGroup) throws {
        let ours = try KeyExchange(group: group)
        let length = group.keyExchangeDataLength
        for value in [[UInt8](repeating: 0, count: length), [UInt8](repeating: 0xff, count: length)] {
            let caught = #expect(throws: IKECryptoError.self) { _ = try ours.sharedSecret(peer: value) }
            guard case .invalidPeerPublicValue = caught else {
                Issue.record("expected invalidPeerPublicValue, got \(String(describing: caught))")
                continue
            }
        }
        #expect(throws: IKECryptoError.invalidKeyExchangeLength(group: group, expected: length, actual: length - 1)) {
            _ = try ours.sharedSecret(peer: Array(ours.publicValue.dropLast()))
        }
    }
}
