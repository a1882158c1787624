import HubVocabulary
import Testing
@testable import IKEWire

/// Decrypted SK plaintexts: the inner payload chain of a published message.
@Suite("Vectors: decrypted SK plaintexts")
struct VectorPlaintextTests {
    @Test func testPlaintextVectors_arePresent() {
        #expect(VectorFile.plaintexts.count >= 3)
    }

    @Test(arguments: VectorFile.plaintexts)
    func testInnerChain_parsesValidatesAndReencodes(vector: VectorFile) throws {
        let inner = try EncryptedPayload.innerPayloads(fromPlaintext: vector.bytes, firstPayload: vector.firstPayload)
        try Payload.validateChain(inner)
        if let expected = vector.directives["expect-payloads"] {
            #expect(inner.map(\.type.abbreviation).joined(separator: " ") == expected)
        }
        #expect(Payload.serializeChain(inner) == (try EncryptedPayload.removingPadding(vector.bytes)))
        let padLength = Int(vector.bytes.last ?? 0)
        let rebuilt = EncryptedPayload.plaintext(for: inner, blockSize: 1).plaintext
        if padLength == 0 { #expect(rebuilt == vector.bytes) }
    }

    @Test(arguments: VectorFile.plaintexts)
    func testPlaintext_belongsToItsSKMessage(vector: VectorFile) throws {
        guard let name = vector.directives["sk-message"] else { return }
        let message = try IKEMessage.parse(VectorFile.named(name).messageBytes)
        let sk = try #require(message.encryptedPayload)
        #expect(sk.innerFirstPayload == vector.firstPayload)
    }

    @Test(arguments: VectorFile.plaintexts)
    func testEveryStrictPrefixOfTheChain_throwsALengthError(vector: VectorFile) throws {
        let chain = try EncryptedPayload.removingPadding(vector.bytes)
        for count in 0..<chain.count {
            let error = thrownError { () throws(IKEParseError) in try Payload.parseChain(Array(chain[0..<count]), firstPayload: vector.firstPayload) }
            #expect(error?.isLengthError == true, "prefix \(count): \(String(describing: error))")
        }
    }

    @Test func testWiresharkDecryptedDelete_isTheIKESADelete() throws {
        let vector = try #require(VectorFile.plaintexts.first { $0.name == "wireshark-ccm12-informational-request-decrypted" })
        let inner = try EncryptedPayload.innerPayloads(fromPlaintext: vector.bytes, firstPayload: .delete)
        #expect(inner == [.delete(.ikeSA)])
    }

    /// Each hand-built round against the table of its IKE_AUTH round or exchange.
    static let roundTables: [(String, MessageRuleTable)] = [
        ("handbuilt-ike_auth-request-decrypted", MessageRules.ikeAuthInitialRequest),
        ("handbuilt-ike_auth-eap-request-decrypted", MessageRules.ikeAuthEAPRequest),
        ("handbuilt-ike_auth-response-decrypted", MessageRules.ikeAuthResponse),
        ("handbuilt-ike_auth-final-response-decrypted", MessageRules.ikeAuthResponse),
        ("handbuilt-create_child_sa-request-decrypted", MessageRules.createChildSARequest),
        ("handbuilt-informational-request-decrypted", MessageRules.informationalRequest),
        ("wireshark-ccm12-informational-request-decrypted", MessageRules.informationalRequest),
        ("rfc7634-informational-request-decrypted", MessageRules.informationalRequest),
        ("android-ike_auth-request-decrypted", MessageRules.ikeAuthInitialRequest),
    ]

    @Test(arguments: roundTables)
    func testInnerChain_satisfiesTheRulesOfItsRound(name: String, table: MessageRuleTable) throws {
        let vector = try #require(VectorFile.plaintexts.first { $0.name == name })
        let inner = try EncryptedPayload.innerPayloads(fromPlaintext: vector.bytes, firstPayload: vector.firstPayload)
        let header = IKEHeader(initiatorSPI: IKESPI(1), responderSPI: IKESPI(2), exchangeType: table.exchange,
                               flags: table.isResponse ? [.response] : [.initiator], messageID: MessageID(1))
        let sk = EncryptedPayload(innerFirstPayload: vector.firstPayload, body: Array(repeating: 0, count: 48))
        try MessageRules.verify(IKEMessage(header: header, payloads: [.encrypted(sk)]), innerPayloads: inner, against: table)
    }

    @Test func testHandBuiltFinalResponse_decodesTheCFGReply() throws {
        let vector = try #require(VectorFile.plaintexts.first { $0.name == "handbuilt-ike_auth-final-response-decrypted" })
        let inner = try EncryptedPayload.innerPayloads(fromPlaintext: vector.bytes, firstPayload: vector.firstPayload)
        let cp = try #require(inner.compactMap { if case .configuration(let cp) = $0 { cp } else { nil } }.first)
        #expect(cp.configurationType == .reply)
        #expect(try cp.attributes(ofType: .internalIP4Address).first?.decodedValue() == .ipv4(IPv4Address("10.10.0.5")!))
        #expect(try cp.attributes(ofType: .unityBanner).first?.decodedValue() == .text("Authorised use only"))
        let lifetime = try #require(inner.compactMap { if case .notify(let n) = $0 { n } else { nil } }.first)
        #expect(try lifetime.authLifetime() == 28800)
    }

    @Test func testAndroidIKEAuthRequest_decodesIdentitiesPSKAuthAndChildProposal() throws {
        let vector = try #require(VectorFile.plaintexts.first { $0.name == "android-ike_auth-request-decrypted" })
        let inner = try EncryptedPayload.innerPayloads(fromPlaintext: vector.bytes, firstPayload: vector.firstPayload)
        guard case .identificationInitiator(let idi) = inner[0], case .identificationResponder(let idr) = inner[1],
              case .authentication(let auth) = inner[2], case .securityAssociation(let sa) = inner[3] else {
            Issue.record("unexpected payload order")
            return
        }
        #expect(idi.identity == .address(IPAddress("10.80.80.13")!))
        #expect(idr.identity == .address(IPAddress("10.80.80.80")!))
        #expect(auth.method == .sharedKeyMessageIntegrityCode)
        #expect(auth.authenticationData.count == 20)
        let proposal = try #require(sa.proposals.first)
        #expect(proposal.protocolID == .esp)
        #expect(proposal.spi == [0x2a, 0xd4, 0xc0, 0xa2])
        #expect(proposal.transforms.map(\.type) == [.encryption, .integrity, .sequenceNumbers])
        #expect(vector.bytes.last == 11)   // Pad Length: 11 zero octets of padding to the AES block
    }
}
