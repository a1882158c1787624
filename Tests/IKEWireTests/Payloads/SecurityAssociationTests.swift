import Testing
@testable import IKEWire

/// RFC 7296 §3.3: proposals, transforms, attributes.
@Suite("SA payload")
struct SecurityAssociationTests {
    /// RFC 7296 §3.3.1/§3.3.2 layout of one IKE proposal: ENCR_AES_CBC (Key Length 128),
    /// PRF_HMAC_SHA2_256, AUTH_HMAC_SHA2_256_128, group 14; written out by hand.
    static let ikeProposal = bytes("""
        00 00 002c 01 01 00 04
        03 00 000c 01 00 000c 800e 0080
        03 00 0008 02 00 0005
        03 00 0008 03 00 000c
        00 00 0008 04 00 000e
        """)

    private func parse(_ body: [UInt8]) throws(IKEParseError) -> SecurityAssociationPayload {
        guard case .securityAssociation(let sa) = try parseSinglePayload(type: 33, body: body) else {
            throw .invalidSyntax(payload: nil, offset: 0, reason: "not SA")
        }
        return sa
    }

    @Test func testHandBuiltProposal_decodesEveryField() throws {
        let sa = try parse(Self.ikeProposal)
        let proposal = try #require(sa.proposals.first)
        #expect(proposal.number == 1)
        #expect(proposal.protocolID == .ike)
        #expect(proposal.spi.isEmpty)
        #expect(proposal.transforms.map(\.type) == [.encryption, .pseudorandomFunction, .integrity, .keyExchangeMethod])
        #expect(proposal.transforms.map(\.id) == [12, 5, 12, 14])
        #expect(proposal.transforms[0].keyLength == 128)
        #expect(proposal.transforms[1].keyLength == nil)
        try sa.validate()
    }

    @Test func testBuiltProposal_serialisesToTheRFCLayout() {
        let proposal = Proposal(number: 1, protocolID: .ike, transforms: [
            Transform(type: .encryption, id: 12, keyLength: 128),
            Transform(type: .pseudorandomFunction, id: 5),
            Transform(type: .integrity, id: 12),
            Transform(type: .keyExchangeMethod, id: 14),
        ])
        #expect(Payload.securityAssociation(SecurityAssociationPayload(proposals: [proposal])).bodyBytes == Self.ikeProposal)
    }

    @Test func testProposalMarkedMoreButLast_throwsInvalidSyntax() {
        var body = Self.ikeProposal
        body[0] = 2
        #expect(thrownError { () throws(IKEParseError) in try parse(body) }
                == .invalidSyntax(payload: .securityAssociation, offset: 76, reason: "last proposal is marked \"more\" (2)"))
    }

    @Test(arguments: [UInt8(1), 3, 0xff])
    func testProposalLastSubstrucOtherThan0Or2_throwsInvalidSyntax(marker: UInt8) {
        var body = Self.ikeProposal
        body[0] = marker
        guard case .invalidSyntax(.securityAssociation, 32, _)? = thrownError({ () throws(IKEParseError) in try parse(body) }) else {
            Issue.record("expected invalidSyntax at the proposal")
            return
        }
    }

    @Test func testTransformMarkedLastBeforeTheEnd_throwsLengthMismatch() {
        var body = Self.ikeProposal
        body[8] = 0   // first transform claims to be last
        guard case .lengthMismatch(.securityAssociation, _, _, _)? = thrownError({ () throws(IKEParseError) in try parse(body) }) else {
            Issue.record("expected lengthMismatch")
            return
        }
    }

    @Test func testTransformMarkedMoreAtTheEnd_throwsInvalidSyntax() {
        var body = Self.ikeProposal
        body[body.count - 8] = 3
        guard case .invalidSyntax(.securityAssociation, _, let reason)? = thrownError({ () throws(IKEParseError) in try parse(body) }) else {
            Issue.record("expected invalidSyntax")
            return
        }
        #expect(reason.contains("marked \"more\""))
    }

    @Test func testNumTransformsDisagreeing_throwsInvalidSyntax() {
        var body = Self.ikeProposal
        body[7] = 3
        #expect(thrownError { () throws(IKEParseError) in try parse(body) }
                == .invalidSyntax(payload: .securityAssociation, offset: 39, reason: "Num Transforms is 3 but 4 transforms follow"))
    }

    @Test func testProposalLengthPastThePayload_throwsLengthMismatch() {
        var body = Self.ikeProposal
        body[3] = 0x2d
        #expect(thrownError { () throws(IKEParseError) in try parse(body) }
                == .lengthMismatch(payload: .securityAssociation, offset: 34, declared: 45, available: 44))
    }

    @Test func testUnknownAttributes_areKeptInOrderAndRoundTrip() throws {
        // A TLV attribute type 0x0123 with 3 octets, then Key Length 256, then TV type 7.
        let transform = bytes("00 00 0017 01 00 0014 0123 0003 aabbcc 800e 0100 8007 0001")
        let body = bytes("00 00 0023 01 03 04 01 11223344") + transform
        let sa = try parse(body)
        let parsed = try #require(sa.proposals.first?.transforms.first)
        #expect(parsed.attributes == [
            TransformAttribute(type: 0x0123, value: .long([0xaa, 0xbb, 0xcc])),
            .keyLength(256),
            TransformAttribute(type: 7, value: .short(1)),
        ])
        #expect(parsed.keyLength == 256)
        #expect(sa.proposals.first?.spi == [0x11, 0x22, 0x33, 0x44])
        #expect(Payload.securityAssociation(sa).bodyBytes == body)
        try sa.validate()
    }

    @Test func testKeyLengthInTLVForm_failsValidation() throws {
        let body = bytes("00 00 0014 01 01 00 01 00 00 000c 01 00 000c 000e 0000")
        let sa = try parse(body)
        guard case .invalidSyntax(.securityAssociation, _, let reason)? = thrownError({ () throws(IKEParseError) in try sa.validate() }) else {
            Issue.record("expected invalidSyntax")
            return
        }
        #expect(reason == "Key Length attribute in TLV form")
    }

    @Test func testProposalNumbering_mustStartAt1AndRiseByOne() throws {
        func proposal(_ number: UInt8) -> Proposal {
            Proposal(number: number, protocolID: .esp, spi: [1, 2, 3, 4], transforms: [Transform(type: .encryption, id: 20, keyLength: 256)])
        }
        try SecurityAssociationPayload(proposals: [proposal(1), proposal(2), proposal(3)]).validate()
        // A response carries one accepted proposal with its original number.
        try SecurityAssociationPayload(proposals: [proposal(3)]).validate()
        #expect(thrownError { () throws(IKEParseError) in try SecurityAssociationPayload(proposals: [proposal(1), proposal(3)]).validate() }
                == .invalidSyntax(payload: .securityAssociation, offset: 28, reason: "proposal 2 is numbered 3"))
        #expect(thrownError { () throws(IKEParseError) in try SecurityAssociationPayload(proposals: [proposal(2), proposal(3)]).validate() }
                == .invalidSyntax(payload: .securityAssociation, offset: 4, reason: "proposal 1 is numbered 2"))
        #expect(thrownError { () throws(IKEParseError) in try SecurityAssociationPayload(proposals: [proposal(0)]).validate() }
                == .invalidSyntax(payload: .securityAssociation, offset: 4, reason: "proposal number 0"))
        #expect(thrownError { () throws(IKEParseError) in try SecurityAssociationPayload(proposals: []).validate() }
                == .invalidSyntax(payload: .securityAssociation, offset: 0, reason: "SA without proposals"))
    }

    @Test(arguments: [(SecurityProtocolID.esp, 3), (.ah, 8), (.ike, 4)])
    func testSPISizeWrongForTheProtocol_failsValidation(protocolID: SecurityProtocolID, spiSize: Int) {
        let sa = SecurityAssociationPayload(proposals: [
            Proposal(number: 1, protocolID: protocolID, spi: Array(repeating: 1, count: spiSize),
                     transforms: [Transform(type: .integrity, id: 12)]),
        ])
        #expect(thrownError { () throws(IKEParseError) in try sa.validate() }?.notifyToSend == .invalidSyntax)
    }

    @Test func testTransformTypeNames_followRFC9370() {
        #expect(TransformType.additionalKeyExchange(1).rawValue == 6)
        #expect(TransformType.additionalKeyExchange(7).description == "ADDKE7")
        #expect(TransformType.sequenceNumbers.description == "ESN")
    }
}
