import HubVocabulary
@testable import IKECrypto
import Testing

/// One real IKE SA published by the Android IKE library's tests, end to end: g^ir and
/// nonces → SKEYSEED → SK_* → first CHILD_SA KEYMAT; SK_ei/SK_ai open the real IKE_AUTH
/// request, whose AUTH payload is the published PSK AUTH; plus two more SKEYSEED cases.
@Suite struct AndroidSessionRunner {
    static let vectors = VectorFile.cases("aosp-ike-key-schedule.txt")

    @Test func testVectorFileLoaded() {
        #expect(AndroidSessionRunner.vectors.count == 3)
    }

    @Test(arguments: vectors)
    func testSKEYSEED_matchesPublishedValue(_ vector: VectorCase) throws {
        let prf = try #require(PseudorandomFunction.named(vector.string("algorithm")))
        let skeyseed = try IKEKeyMaterial.skeyseed(prf: prf, sharedSecret: vector.secret("gir"),
                                                   initiatorNonce: vector.bytes("Ni"), responderNonce: vector.bytes("Nr"))
        #expect(skeyseed == vector.secret("SKEYSEED"))
    }

    @Test(arguments: vectors.filter { $0.has("maced_id") })
    func testMACedID_matchesPublishedValue(_ vector: VectorCase) throws {
        let prf = try #require(PseudorandomFunction.named(vector.string("algorithm")))
        let key = vector.has("SK_pi") ? vector.bytes("SK_pi") : vector.bytes("sk_p")
        let octets = try AuthenticationOctets(realMessage: [], peerNonce: [], prf: prf, identityKey: SecretBytes(key),
                                              restOfIDPayload: vector.bytes("rest_of_id_payload"))
        #expect(octets.bytes == vector.bytes("maced_id"))
    }

    @Test func testRealSession_keysOpenTheIKEAuthRequestAndItsPSKAuthVerifies() throws {
        let session = try #require(AndroidSessionRunner.vectors.first)
        let transforms = try NegotiatedIKETransforms(
            encryption: EncryptionTransform(.aesCBC, keyLengthBits: 128), prf: .hmacSHA1,
            integrity: .hmacSHA1_96, group: .modp1024)
        let keys = try IKEKeyMaterial.deriveInitialKeys(
            transforms: transforms, sharedSecret: session.secret("gir"),
            initiatorNonce: session.bytes("Ni"), responderNonce: session.bytes("Nr"),
            initiatorSPI: try #require(IKESPI(bytes: session.bytes("SPIi"))),
            responderSPI: try #require(IKESPI(bytes: session.bytes("SPIr"))))
        #expect(keys.skD == session.secret("SK_d"))
        #expect(keys.skAi == session.secret("SK_ai"))
        #expect(keys.skAr == session.secret("SK_ar"))
        #expect(keys.skEi == session.secret("SK_ei"))
        #expect(keys.skEr == session.secret("SK_er"))
        #expect(keys.skPi == session.secret("SK_pi"))
        #expect(keys.skPr == session.secret("SK_pr"))

        let child = try ChildKeyMaterial.derive(
            transforms: ChildSATransforms(encryption: EncryptionTransform(.aesCBC, keyLengthBits: 128),
                                          integrity: .hmacSHA1_96),
            prf: .hmacSHA1, skD: keys.skD, initiatorNonce: session.bytes("Ni"), responderNonce: session.bytes("Nr"))
        #expect(child.initiatorToResponder.encryption == session.secret("child_encr_i"))
        #expect(child.initiatorToResponder.integrity == session.secret("child_integ_i"))
        #expect(child.responderToInitiator.encryption == session.secret("child_encr_r"))
        #expect(child.responderToInitiator.integrity == session.secret("child_integ_r"))

        // The IKE_AUTH request of this session, opened with the derived keys.
        let request = try #require(VectorFile.cases("aosp-ike-encrypted-payload.txt").first)
        let inbound = try EncryptedPayloadCipher(transforms: transforms, keys: keys, sender: .originalInitiator)
        let inner = try inbound.open(message: request.bytes("message"), encryptedPayloadOffset: 28)
        #expect(inner == request.bytes("inner_payloads"))
        // Its payloads are IDi (12 octets), IDr (12 octets), then AUTH (header, method 2, data).
        let auth = try #require(VectorFile.cases("aosp-ike-auth.txt").first)
        let authBody = auth.bytes("auth_payload_body")
        #expect(Array(inner[(24 + 4)..<(24 + 4 + authBody.count)]) == authBody)
        let octets = try AuthenticationOctets.initiatorSigned(
            realMessage1: auth.bytes("real_message"), responderNonce: session.bytes("Nr"), prf: .hmacSHA1,
            skPi: keys.skPi, restOfInitiatorIDPayload: Array(inner[4..<12]))
        #expect(try SharedKeyAuthentication.isValid(authenticationData: Array(authBody.dropFirst(4)),
                                                    secret: auth.secret("secret"), octets: octets, prf: .hmacSHA1))
    }
}
