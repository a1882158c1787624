import HubVocabulary
import Testing
@testable import IKEWire

/// RFC 7296 §3.5 IDi/IDr and §3.8 AUTH, RFC 7427 signature AUTH data.
@Suite("ID and AUTH payloads")
struct IdentificationAndAuthenticationTests {
    static let identities: [(UInt8, [UInt8], Bool)] = [
        (1, [192, 0, 2, 1], true), (1, [192, 0, 2], false),
        (2, Array("vpn.example.com".utf8), true), (2, [], false), (2, Array("a\0b".utf8), false),
        (3, Array("alice@example.com".utf8), true), (3, Array("bob\r".utf8), false),
        (5, Array(repeating: 0x20, count: 16), true), (5, Array(repeating: 0, count: 4), false),
        (9, bytes("3011310f300d06035504030c0661626364656667"), true), (10, bytes("8203616263"), true),
        (11, bytes("deadbeef"), true), (11, [], false), (12, [1], true),
        (13, [], true), (13, [1], false), (200, [1, 2, 3], true),
    ]

    @Test(arguments: identities)
    func testIdentificationData_isCheckedAgainstItsType(type: UInt8, data: [UInt8], valid: Bool) throws {
        let body = [type, 0, 0, 0] + data
        guard case .identificationInitiator(let id) = try parseSinglePayload(type: 35, body: body) else {
            Issue.record("not IDi")
            return
        }
        #expect(id.identity.kind.rawValue == type)
        #expect(id.identity.data == data)
        #expect(id.bodyBytes == body)
        #expect((thrownError { () throws(IKEParseError) in try id.validate() } == nil) == valid)
    }

    @Test func testIdentificationReservedOctets_areKept() throws {
        let body = bytes("02 abcdef") + Array("gw".utf8)
        guard case .identificationResponder(let id) = try parseSinglePayload(type: 36, body: body) else {
            Issue.record("not IDr")
            return
        }
        #expect(id.reserved == 0xabcdef)
        #expect(id.identity == .fqdn("gw"))
        #expect(Payload.identificationResponder(id).bodyBytes == body)
    }

    @Test func testPSKAuth_decodesMethodAndData() throws {
        guard case .authentication(let auth) = try parseSinglePayload(type: 39, body: bytes("02 000000 0102030405")) else {
            Issue.record("not AUTH")
            return
        }
        #expect(auth.method == .sharedKeyMessageIntegrityCode)
        #expect(auth.authenticationData == [1, 2, 3, 4, 5])
        try auth.validate()
        #expect(thrownError { () throws(IKEParseError) in try AuthenticationPayload(method: .rsaDigitalSignature, authenticationData: []).validate() } != nil)
        #expect(thrownError { () throws(IKEParseError) in try auth.digitalSignature() } != nil)
    }

    /// The RFC 7427 Appendix A AlgorithmIdentifier octets (ikev2-numbers.md §6.2).
    static let knownIdentifiers: [(SignatureAlgorithmIdentifier, String)] = [
        (.sha1WithRSAEncryption, "300d06092a864886f70d0101050500"),
        (.sha256WithRSAEncryption, "300d06092a864886f70d01010b0500"),
        (.sha384WithRSAEncryption, "300d06092a864886f70d01010c0500"),
        (.sha512WithRSAEncryption, "300d06092a864886f70d01010d0500"),
        (.ecdsaWithSHA1, "300906072a8648ce3d0401"),
        (.ecdsaWithSHA256, "300a06082a8648ce3d040302"),
        (.ecdsaWithSHA384, "300a06082a8648ce3d040303"),
        (.ecdsaWithSHA512, "300a06082a8648ce3d040304"),
        (.rsassaPSSWithSHA256, "304106092a864886f70d01010a3034a00f300d06096086480165030402010500a11c301a06092a864886f70d010108300d06096086480165030402010500a203020120"),
        (.ed25519, "300506032b6570"),
        (.ed448, "300506032b6571"),
    ]

    @Test(arguments: knownIdentifiers)
    func testDigitalSignatureAuth_recognisesTheRFC7427Identifier(identifier: SignatureAlgorithmIdentifier, der: String) throws {
        let derBytes = bytes(der)
        let data = [UInt8(derBytes.count)] + derBytes + [0xaa, 0xbb, 0xcc]
        let auth = AuthenticationPayload(method: .digitalSignature, authenticationData: data)
        let signature = try auth.digitalSignature()
        #expect(signature.algorithm == identifier)
        #expect(signature.signature == [0xaa, 0xbb, 0xcc])
        #expect(signature.serialized() == data)
        #expect(AuthenticationPayload(digitalSignature: signature) == auth)
        try auth.validate()
    }

    @Test func testDigitalSignatureAuth_keepsUnknownIdentifiersAndRejectsLies() throws {
        let unknown = bytes("300506032b6599")
        let auth = AuthenticationPayload(method: .digitalSignature, authenticationData: [7] + unknown + [1])
        #expect(try auth.digitalSignature().algorithm == .other(unknown))
        #expect(SignatureAlgorithmIdentifier.other(unknown).hashAlgorithm == nil)
        #expect(SignatureAlgorithmIdentifier.ed25519.hashAlgorithm == .identity)
        let lying = AuthenticationPayload(method: .digitalSignature, authenticationData: [20, 0x30, 0x05])
        #expect(thrownError { () throws(IKEParseError) in try lying.validate() }
                == .lengthMismatch(payload: .authentication, offset: 4, declared: 20, available: 2))
        let zero = AuthenticationPayload(method: .digitalSignature, authenticationData: [0, 1])
        #expect(thrownError { () throws(IKEParseError) in try zero.validate() } != nil)
    }
}
