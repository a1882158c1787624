import HubVocabulary
import Testing
@testable import IKEWire

/// The payload tables of `MessageRules` and their single `verify`.
@Suite("Message rules")
struct MessageRulesTests {
    private func message(_ exchange: ExchangeType, response: Bool = false, _ payloads: [Payload]) -> IKEMessage {
        IKEMessage(header: IKEHeader(initiatorSPI: IKESPI(1), responderSPI: IKESPI(exchange == .ikeSAInit && !response ? 0 : 2),
                                     exchangeType: exchange, flags: response ? [.response] : [.initiator], messageID: MessageID(1)),
                   payloads: payloads)
    }

    private let sk = Payload.encrypted(EncryptedPayload(innerFirstPayload: .identificationInitiator, body: Array(repeating: 0, count: 32)))
    private let idi = Payload.identificationInitiator(IdentificationPayload(identity: .fqdn("client")))
    private let auth = Payload.authentication(AuthenticationPayload(method: .sharedKeyMessageIntegrityCode, authenticationData: [1]))
    private let nonce = Payload.nonce(NoncePayload(data: Array(repeating: 1, count: 32)))
    private let sa = Payload.securityAssociation(SecurityAssociationPayload(proposals: [
        Proposal(number: 1, protocolID: .ike, transforms: [Transform(type: .encryption, id: 20, keyLength: 256)]),
    ]))
    private let ke = Payload.keyExchange(KeyExchangePayload(group: 31, keyExchangeData: Array(repeating: 9, count: 32)))

    @Test func testMissingIDi_inTheInitialIKEAuthRequest_namesThePayloadAndCount() {
        let error = thrownError { () throws(IKEParseError) in
            try MessageRules.verify(message(.ikeAuth, [sk]), innerPayloads: [auth], against: MessageRules.ikeAuthInitialRequest)
        }
        #expect(error == .payloadCount(exchange: .ikeAuth, isResponse: false, payload: .identificationInitiator,
                                       count: 0, minimum: 1, maximum: 1))
        #expect(error?.description == "IKE_AUTH request: payload IDi occurs 0 times, need 1")
        #expect(error?.notifyToSend == .invalidSyntax)
    }

    @Test func testIKEAuthRounds_eachHaveTheirOwnTable() throws {
        let eap = Payload.eap(EAPPayload(code: .response, identifier: 1, method: .type(.identity), data: Array("alice".utf8)))
        try MessageRules.verify(message(.ikeAuth, [sk]), innerPayloads: [idi], against: MessageRules.ikeAuthInitialRequest)
        try MessageRules.verify(message(.ikeAuth, [sk]), innerPayloads: [eap], against: MessageRules.ikeAuthEAPRequest)
        try MessageRules.verify(message(.ikeAuth, [sk]), innerPayloads: [auth], against: MessageRules.ikeAuthFinalRequest)
        #expect(thrownError { () throws(IKEParseError) in
            try MessageRules.verify(message(.ikeAuth, [sk]), innerPayloads: [eap, idi], against: MessageRules.ikeAuthEAPRequest)
        } == .payloadCount(exchange: .ikeAuth, isResponse: false, payload: .identificationInitiator, count: 1, minimum: 0, maximum: 0))
    }

    @Test func testPayloadOutsideSK_whereItMustBeEncrypted_isRejected() {
        let error = thrownError { () throws(IKEParseError) in try MessageRules.verify(message(.ikeAuth, [idi, sk])) }
        #expect(error == .payloadEncryption(exchange: .ikeAuth, isResponse: false, payload: .identificationInitiator, mustBeEncrypted: true))
        #expect(error?.description == "IKE_AUTH request: payload IDi must be inside SK")
    }

    @Test func testMessageWithoutSK_afterIKESAInit_isRejected() {
        #expect(thrownError { () throws(IKEParseError) in try MessageRules.verify(message(.informational, [])) }
                == .payloadCount(exchange: .informational, isResponse: false, payload: .encrypted, count: 0, minimum: 1, maximum: 1))
        #expect(thrownError { () throws(IKEParseError) in try MessageRules.verify(message(.ikeSAInit, [sa, ke, nonce, sk])) }
                == .payloadCount(exchange: .ikeSAInit, isResponse: false, payload: .encrypted, count: 1, minimum: 0, maximum: 0))
    }

    @Test func testUnencryptedPart_isCheckedBeforeDecryption() throws {
        try MessageRules.verifyUnencryptedPart(message(.createChildSA, [sk]), against: MessageRules.createChildSARequest)
        #expect(thrownError { () throws(IKEParseError) in
            try MessageRules.verifyUnencryptedPart(message(.createChildSA, [nonce, sk]), against: MessageRules.createChildSARequest)
        } == .payloadEncryption(exchange: .createChildSA, isResponse: false, payload: .nonce, mustBeEncrypted: true))
        #expect(thrownError { () throws(IKEParseError) in
            try MessageRules.verifyUnencryptedPart(message(.createChildSA, [nonce]), against: MessageRules.createChildSARequest)
        } == .payloadCount(exchange: .createChildSA, isResponse: false, payload: .encrypted, count: 0, minimum: 1, maximum: 1))
    }

    @Test func testIKESAInitRequest_needsOneSAKEAndNonce() throws {
        try MessageRules.verify(message(.ikeSAInit, [sa, ke, nonce]))
        #expect(thrownError { () throws(IKEParseError) in try MessageRules.verify(message(.ikeSAInit, [sa, ke, nonce, nonce])) }?.description
                == "IKE_SA_INIT request: payload Nonce occurs 2 times, need 1")
        #expect(thrownError { () throws(IKEParseError) in try MessageRules.verify(message(.ikeSAInit, [sa, nonce])) }
                == .payloadCount(exchange: .ikeSAInit, isResponse: false, payload: .keyExchange, count: 0, minimum: 1, maximum: 1))
        // An error/cookie answer carries notifies only.
        try MessageRules.verify(message(.ikeSAInit, response: true, [.notify(.cookie([1, 2, 3]))]))
    }

    @Test func testUnknownNonCriticalPayloads_areIgnored_andUnlistedKnownOnesRejected() throws {
        let unknown = Payload.unknown(UnknownPayload(type: PayloadType(200), body: [1]))
        try MessageRules.verify(message(.ikeSAInit, [sa, ke, nonce, unknown]))
        let error = thrownError { () throws(IKEParseError) in try MessageRules.verify(message(.ikeSAInit, [sa, ke, nonce, idi])) }
        #expect(error?.description == "IKE_SA_INIT request: payload IDi occurs 1 times, need 0")
    }

    @Test func testNotifyLimit_isEnforced() {
        let notifies = Array(repeating: Payload.notify(NotifyPayload(type: .initialContact)), count: MessageRules.maximumNotifyPayloads + 1)
        #expect(thrownError { () throws(IKEParseError) in
            try MessageRules.verify(message(.informational, [sk]), innerPayloads: notifies)
        } == .payloadCount(exchange: .informational, isResponse: false, payload: .notify,
                           count: MessageRules.maximumNotifyPayloads + 1, minimum: 0, maximum: MessageRules.maximumNotifyPayloads))
    }

    @Test func testUnknownExchange_hasNoTable() {
        #expect(thrownError { () throws(IKEParseError) in try MessageRules.verify(message(.ikeIntermediate, [sk])) }
                == .unsupportedExchange(.ikeIntermediate))
        #expect(IKEParseError.unsupportedExchange(.ikeIntermediate).notifyToSend == nil)
    }

    @Test(arguments: MessageRules.allTables)
    func testEveryTable_isConsistent(table: MessageRuleTable) {
        #expect(Set(table.rules.map(\.payload)).count == table.rules.count)
        for rule in table.rules {
            #expect(rule.minimum <= rule.maximum)
            #expect(rule.encrypted == table.requiresEncryption)
        }
    }

    @Test func testOrdered_putsCookieFirstAndFollowsTheTable() {
        let natSource = Payload.notify(.natDetectionSourceIP(hash: Array(repeating: 0, count: 20)))
        let vendor = Payload.vendorID(VendorIDPayload(.flexVPNSupported))
        let cookie = Payload.notify(.cookie([7]))
        let ordered = MessageRules.ordered([vendor, nonce, natSource, ke, cookie, sa], by: MessageRules.ikeSAInitRequest)
        #expect(ordered == [cookie, sa, ke, nonce, natSource, vendor])
    }
}

extension MessageRuleTable: CustomTestStringConvertible {
    public var testDescription: String { "\(exchange) \(isResponse ? "response" : "request")" }
}
