import HubVocabulary
import Testing
@testable import IKEWire

/// Nonce, KE, Delete, Vendor ID, CERT, CERTREQ (RFC 7296 §3.4, §3.6, §3.7, §3.9, §3.11, §3.12).
@Suite("Nonce, KE, Delete, V, CERT, CERTREQ")
struct SmallPayloadTests {
    @Test(arguments: [(15, false), (16, true), (32, true), (256, true), (257, false)])
    func testNonceLength_mustBe16To256(length: Int, valid: Bool) throws {
        let payload = try parseSinglePayload(type: 40, body: Array(repeating: 3, count: length))
        #expect(payload == .nonce(NoncePayload(data: Array(repeating: 3, count: length))))
        #expect((thrownError { () throws(IKEParseError) in try payload.validate(offset: 28) } == nil) == valid)
        if !valid {
            #expect(thrownError { () throws(IKEParseError) in try payload.validate(offset: 28) }
                    == .invalidSyntax(payload: .nonce, offset: 32, reason: "nonce of \(length) octets, RFC 7296 §3.9 requires 16…256"))
        }
    }

    @Test(arguments: [(UInt16(14), 256, true), (14, 255, false), (19, 64, true), (19, 65, false), (31, 32, true),
                      (32, 56, true), (21, 132, true), (2, 128, true), (28, 64, true), (1000, 7, true)])
    func testKeyExchangeDataLength_mustMatchKnownGroups(group: UInt16, length: Int, valid: Bool) throws {
        let body = [UInt8(group >> 8), UInt8(group & 0xff), 0, 0] + Array(repeating: 1, count: length)
        guard case .keyExchange(let ke) = try parseSinglePayload(type: 34, body: body) else {
            Issue.record("not KE")
            return
        }
        #expect(ke.group == group)
        #expect((thrownError { () throws(IKEParseError) in try ke.validate() } == nil) == valid)
    }

    @Test func testKeyExchangeShorterThanItsHeader_throwsTruncated() {
        #expect(thrownError { () throws(IKEParseError) in try parseSinglePayload(type: 34, body: [0, 14, 0]) }
                == .truncated(payload: .keyExchange, offset: 34, needed: 2))
    }

    @Test func testDelete_decodesChildSPIsAndChecksCounts() throws {
        let body = bytes("03 04 0002 01020304 0a0b0c0d")
        guard case .delete(let delete) = try parseSinglePayload(type: 42, body: body) else {
            Issue.record("not D")
            return
        }
        #expect(delete.protocolID == .esp)
        #expect(delete.childSPIs == [0x01020304, 0x0a0b0c0d])
        #expect(DeletePayload.childSAs(protocolID: .esp, spis: [0x01020304, 0x0a0b0c0d]) == delete)
        try delete.validate()
        #expect(thrownError { () throws(IKEParseError) in try parseSinglePayload(type: 42, body: bytes("03 04 0003 01020304 0a0b0c0d")) }
                == .lengthMismatch(payload: .delete, offset: 34, declared: 12, available: 8))
        #expect(thrownError { () throws(IKEParseError) in try DeletePayload(protocolID: .ike, spiSize: 8, spis: [Array(repeating: 0, count: 8)]).validate() } != nil)
        #expect(thrownError { () throws(IKEParseError) in try DeletePayload(protocolID: .esp, spiSize: 4, spis: []).validate() } != nil)
        #expect(thrownError { () throws(IKEParseError) in try parseSinglePayload(type: 42, body: bytes("01 00 0002")) } != nil)
        try DeletePayload.ikeSA.validate()
    }

    @Test(arguments: KnownVendorID.allCases)
    func testKnownVendorID_matchesItsOwnBytesAndVersionedForms(vendor: KnownVendorID) {
        let exact = vendor.bytes
        #expect(KnownVendorID(matching: exact) == vendor)
        #expect(VendorIDPayload(vendor).knownVendor == vendor)
        let extended = exact + [0, 0, 0, 9]
        #expect((KnownVendorID(matching: extended) == vendor) == vendor.matchesByPrefix)
    }

    @Test func testVendorIDHex_matchesTheFactSheets() {
        #expect(Hex.encode(KnownVendorID.strongSwan.bytes) == "882fe56d6fd20dbc2251613b2ebe5beb")
        #expect(Hex.encode(KnownVendorID.flexVPNSupported.bytes) == "464c455856504e2d535550504f52544544")
        #expect(Hex.encode(KnownVendorID.ciscoDeleteReason.bytes) == "434953434f2d44454c4554452d524541534f4e")
        #expect(KnownVendorID.ciscoCopyright.bytes.count == 55)
        #expect(KnownVendorID(matching: Hex.decode("12f5f28c457168a9702d9fe274cc0100")!) == .ciscoUnity)
        #expect(KnownVendorID(matching: [1, 2, 3]) == nil)
        #expect(KnownVendorID.flexVPNSupported.isCiscoIKEv2Marker)
        #expect(!KnownVendorID.strongSwan.isCiscoIKEv2Marker)
    }

    @Test func testCertificateAndRequest_roundTripAndCheckHashLists() throws {
        let certificate = try parseSinglePayload(type: 37, body: bytes("04 3082000a"))
        #expect(certificate == .certificate(CertificatePayload(encoding: .x509Signature, data: bytes("3082000a"))))
        let hashes = [Array(repeating: UInt8(1), count: 20), Array(repeating: UInt8(2), count: 20)]
        let request = CertificateRequestPayload(x509AuthorityHashes: hashes)
        #expect(request.authorityHashes == hashes)
        try request.validate()
        let broken = CertificateRequestPayload(encoding: .x509Signature, authorityData: Array(repeating: 0, count: 21))
        #expect(thrownError { () throws(IKEParseError) in try broken.validate() }
                == .invalidSyntax(payload: .certificateRequest, offset: 1, reason: "CA field of 21 octets is not a list of 20-octet SHA-1 hashes"))
        try CertificateRequestPayload(encoding: .pgp, authorityData: [1]).validate()
    }
}
