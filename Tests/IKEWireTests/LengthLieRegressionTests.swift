import Testing
@testable import IKEWire

/// The lies ``LengthFieldMutationTests`` found accepted before the parser was fixed, kept
/// as regression cases with the exact error each must now produce.
@Suite("Regression: length fields that lied and were accepted")
struct LengthLieRegressionTests {
    /// strongSwan's IKE_SA_INIT request repeated with N(COOKIE) first, its SPI Size told
    /// 1: the first cookie octet became an SPI, the rest still a 1…64-octet cookie, and
    /// the message validated.
    @Test func testNotifySPISizeThatLies_isRejected_whenTheCaptureHasNoSPI() throws {
        let vector = try VectorFile.named("strongswan-psk-cookie-invalid-ke-03-ike-sa-init-request")
        let field = try #require(LengthFieldWalker.fields(ofMessage: vector.messageBytes).first { $0.name == "N SPI size" })
        #expect(field.offset == 33 && field.value == 0)
        #expect(vector.messageBytes[34...35] == [0x40, 0x06])   // N(COOKIE), RFC 7296 §3.10.1
        let message = try IKEMessage.parse(field.writing(1, into: vector.messageBytes))
        guard case .invalidSyntax(.notify?, 33, _)? = thrownError({ () throws(IKEParseError) in try message.validate() }) else {
            Issue.record("SPI Size 1 on a notify without SPI was not rejected at offset 33")
            return
        }
    }

    /// RFC 7296 §3.10: Protocol ID 0 has no SPI; an IKE SA notify has SPI Size 0.
    @Test(arguments: [UInt8(0), 1])
    func testNotifyWithAnSPI_isRejected_whenTheProtocolHasNone(protocolID: UInt8) throws {
        // N(ADDITIONAL_IP4_ADDRESS 192.168.0.1) whose SPI Size 1 takes the first address octet.
        let payload = try parseSinglePayload(type: 41, body: [protocolID, 1, 0x40, 0x0d, 192, 168, 0, 1])
        guard case .invalidSyntax(.notify?, 5, _)? = thrownError({ () throws(IKEParseError) in try payload.validate() }) else {
            Issue.record("a 1-octet SPI for protocol \(protocolID) was not rejected at the SPI Size (offset 5)")
            return
        }
    }

    /// RFC 7427 §3 with the ecdsa-with-SHA256 AlgorithmIdentifier of Appendix A.3.2 (12
    /// octets): an ASN.1 Length of 13 took a signature octet, 11 cut the identifier.
    @Test(arguments: [(13, 12), (11, 12)])
    func testSignatureAuthASN1LengthThatLies_isALengthMismatch(declared: Int, available: Int) {
        let der: [UInt8] = bytes("300a06082a8648ce3d040302")
        let auth = AuthenticationPayload(method: .digitalSignature, authenticationData: [UInt8(declared)] + der + [0x30, 0x44, 0x02])
        #expect(thrownError { () throws(IKEParseError) in try auth.validate() }
                == .lengthMismatch(payload: .authentication, offset: 4, declared: declared, available: available))
    }

    /// The same lie in a decrypted chain: the hand-built IKE_AUTH response's ECDSA AUTH.
    @Test func testSignatureAuthASN1LengthThatLies_isRejected_whenInADecryptedChain() throws {
        let vector = try #require(InnerChainVector.all.first { $0.name == "handbuilt-ike_auth-response-decrypted" })
        let field = try #require(LengthFieldWalker.fields(ofChain: vector.chain, firstPayload: vector.firstPayload)
            .first { $0.name.hasPrefix("AUTH RFC 7427") })
        #expect(field.value == 12)
        let payloads = try Payload.parseChain(field.writing(13, into: vector.chain), firstPayload: PayloadType(vector.firstPayload))
        #expect(thrownError { () throws(IKEParseError) in try Payload.validateChain(payloads) }
                == .lengthMismatch(payload: .authentication, offset: field.offset, declared: 13, available: 12))
    }
}
