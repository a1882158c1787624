import Testing
@testable import IKEWire

/// RFC 7296 §3.16 EAP payload carrying RFC 3748 messages.
@Suite("EAP payload")
struct EAPTests {
    private func parse(_ body: [UInt8]) throws(IKEParseError) -> EAPPayload {
        guard case .eap(let eap) = try parseSinglePayload(type: 48, body: body) else {
            throw .invalidSyntax(payload: nil, offset: 0, reason: "not EAP")
        }
        return eap
    }

    @Test func testIdentityRequest_decodes() throws {
        // RFC 3748 §5.1: Request, Identifier 1, Length 5, Type 1.
        let eap = try parse(bytes("01 01 0005 01"))
        #expect(eap.code == .request)
        #expect(eap.identifier == 1)
        #expect(eap.method == .type(.identity))
        #expect(eap.data.isEmpty)
        try eap.validate()
    }

    @Test func testIdentityResponse_keepsTheMessageOctetsForRelaying() throws {
        let message = bytes("02 01 000a 01") + Array("alice".utf8)
        let eap = try parse(message)
        #expect(eap.method == .type(.identity))
        #expect(String(decoding: eap.data, as: UTF8.self) == "alice")
        #expect(eap.eapMessage == message)
        #expect(try EAPPayload(eapMessage: message) == eap)
    }

    @Test func testSuccessAndFailure_haveNoType() throws {
        let success = try parse(bytes("03 07 0004"))
        #expect(success.code == .success)
        #expect(success.method == nil)
        try success.validate()
        let failure = try parse(bytes("04 07 0004"))
        #expect(failure.code == .failure)
        let padded = try parse(bytes("03 07 0005 00"))
        #expect(thrownError { () throws(IKEParseError) in try padded.validate() } != nil)
    }

    @Test func testExpandedType_decodesVendorIDAndType() throws {
        // RFC 3748 §5.7: Type 254, Vendor-Id 0x000009 (Cisco), Vendor-Type 0x00000001.
        let message = bytes("01 02 0010 fe 000009 00000001 aabbccdd")
        let eap = try parse(message)
        #expect(eap.method == .expanded(vendorID: 9, vendorType: 1))
        #expect(eap.data == bytes("aabbccdd"))
        #expect(eap.eapMessage == message)
        try eap.validate()
    }

    @Test func testEAPLengthDisagreeingWithThePayload_throwsLengthMismatch() {
        #expect(thrownError { () throws(IKEParseError) in try parse(bytes("02 01 0009 01 616c6963 65")) }
                == .lengthMismatch(payload: .eap, offset: 34, declared: 9, available: 10))
        #expect(thrownError { () throws(IKEParseError) in try parse(bytes("01 01 0004")) }
                == .truncated(payload: .eap, offset: 36, needed: 1))
        #expect(thrownError { () throws(IKEParseError) in try EAPPayload(eapMessage: bytes("01 01 0005")) } != nil)
    }

    @Test func testUnknownCode_parsesButFailsValidation() throws {
        let eap = try parse(bytes("05 01 0006 0102"))
        #expect(eap.method == nil)
        #expect(eap.data == [1, 2])
        #expect(thrownError { () throws(IKEParseError) in try eap.validate() } != nil)
    }
}
