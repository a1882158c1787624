import HubVocabulary
import Testing
@testable import IKEWire

/// RFC 7296 §3.10 Notify, with the typed data of the notifies a responder handles.
@Suite("Notify payload")
struct NotifyTests {
    private func parse(_ body: [UInt8]) throws(IKEParseError) -> NotifyPayload {
        guard case .notify(let notify) = try parseSinglePayload(type: 41, body: body) else {
            throw .invalidSyntax(payload: nil, offset: 0, reason: "not N")
        }
        return notify
    }

    @Test func testNotifyWithSPI_decodesProtocolSPIAndData() throws {
        // REKEY_SA for ESP SPI 0x0a0b0c0d (RFC 7296 §3.10: Protocol 3, SPI Size 4, type 16393).
        let notify = try parse(bytes("03 04 4009 0a0b0c0d"))
        #expect(notify.protocolID == .esp)
        #expect(notify.notifyType == .rekeySA)
        #expect(notify.spi == [0x0a, 0x0b, 0x0c, 0x0d])
        let rekey = try notify.rekeySA()
        #expect(rekey.protocol == .esp)
        #expect(rekey.spi == 0x0a0b0c0d)
        #expect(Payload.notify(.rekeySA(protocol: .esp, spi: 0x0a0b0c0d)).bodyBytes == bytes("03 04 4009 0a0b0c0d"))
        try notify.validate()
    }

    @Test func testSPISizeBeyondThePayload_throwsTruncated() {
        #expect(thrownError { () throws(IKEParseError) in try parse(bytes("03 08 4009 0a0b0c0d")) }
                == .truncated(payload: .notify, offset: 36, needed: 8))
    }

    @Test func testESPNotifyWithThreeOctetSPI_failsValidation() throws {
        let notify = try parse(bytes("03 03 000b 0a0b0c"))
        #expect(thrownError { () throws(IKEParseError) in try notify.validate() }?.notifyToSend == .invalidSyntax)
    }

    @Test(arguments: [(0, false), (1, true), (64, true), (65, false)])
    func testCookieLength_mustBe1To64(length: Int, valid: Bool) throws {
        let notify = NotifyPayload.cookie(Array(repeating: 0x5a, count: length))
        let error = thrownError { () throws(IKEParseError) in try notify.validate() }
        #expect((error == nil) == valid)
        if valid { #expect(try notify.cookie().count == length) }
    }

    @Test func testInvalidKEPayload_carriesTheTwoOctetGroup() throws {
        let notify = try parse(bytes("00 00 0011 0013"))
        #expect(try notify.invalidKEPayloadGroup() == 19)
        #expect(NotifyPayload.invalidKEPayload(group: 19) == notify)
        #expect(thrownError { () throws(IKEParseError) in try parse(bytes("00 00 0011 00")).validate() }
                == .invalidSyntax(payload: .notify, offset: 4, reason: "INVALID_KE_PAYLOAD: 1 octets of data, need 2"))
    }

    @Test func testNATDetection_needsTwentyOctets() throws {
        let hash = Array(0..<20).map(UInt8.init)
        #expect(try NotifyPayload.natDetectionSourceIP(hash: hash).natDetectionHash() == hash)
        #expect(try NotifyPayload.natDetectionDestinationIP(hash: hash).natDetectionHash() == hash)
        #expect(thrownError { () throws(IKEParseError) in try NotifyPayload.natDetectionSourceIP(hash: Array(hash.prefix(19))).validate() } != nil)
    }

    @Test func testSignatureHashAlgorithms_areTwoOctetIdentifiers() throws {
        let notify = NotifyPayload.signatureHashAlgorithms([.sha256, .sha384, .sha512, .identity])
        #expect(notify.data == bytes("0002 0003 0004 0005"))
        #expect(try notify.signatureHashAlgorithms() == [.sha256, .sha384, .sha512, .identity])
        let odd = NotifyPayload(type: .signatureHashAlgorithms, data: [0, 2, 0])
        #expect(thrownError { () throws(IKEParseError) in try odd.signatureHashAlgorithms() } != nil)
    }

    @Test func testWindowAuthLifetimeAndCriticalPayloadData() throws {
        #expect(NotifyPayload.setWindowSize(10).data == bytes("0000000a"))
        #expect(try NotifyPayload.setWindowSize(10).windowSize() == 10)
        // RFC 4478 AUTH_LIFETIME: seconds, 4 octets.
        #expect(NotifyPayload.authLifetime(seconds: 3600).data == bytes("00000e10"))
        #expect(try NotifyPayload.authLifetime(seconds: 3600).authLifetime() == 3600)
        #expect(try NotifyPayload.unsupportedCriticalPayload(PayloadType(200)).unsupportedCriticalPayloadType() == PayloadType(200))
        let ipcomp = NotifyPayload.ipcompSupported(cpi: 0x1234, transformID: 2)
        #expect(ipcomp.data == bytes("1234 02"))
        let decoded = try ipcomp.ipcompSupported()
        #expect(decoded.cpi == 0x1234)
        #expect(decoded.transformID == 2)
    }

    @Test func testTypedReader_onTheWrongType_throws() {
        let notify = NotifyPayload(type: .initialContact)
        #expect(thrownError { () throws(IKEParseError) in try notify.cookie() }
                == .invalidSyntax(payload: .notify, offset: 2, reason: "notify is INITIAL_CONTACT, not COOKIE"))
        #expect(thrownError { () throws(IKEParseError) in try notify.rekeySA() } != nil)
    }

    @Test func testRedirect_decodesIPv4IPv6AndFQDNGateways() throws {
        // RFC 5685 §8.2: GW Ident Type, GW Ident Len, identity, [nonce].
        let v4 = NotifyPayload(type: .redirect, data: bytes("01 04 c0000201"))
        #expect(try v4.redirect() == RedirectData(gateway: .ipv4(IPv4Address(0xc000_0201))))
        let v6 = NotifyPayload(type: .redirect, data: bytes("02 10 20010db8000000000000000000000001 aabb"))
        let decoded = try v6.redirect()
        #expect(decoded.gateway == .ipv6(IPv6Address("2001:db8::1")!))
        #expect(decoded.nonce == [0xaa, 0xbb])
        #expect(NotifyPayload.redirect(decoded) == v6)
        let lying = NotifyPayload(type: .redirect, data: bytes("03 10 6162"))
        #expect(thrownError { () throws(IKEParseError) in try lying.redirect() }
                == .lengthMismatch(payload: .notify, offset: 5, declared: 16, available: 2))
        let badV4 = NotifyPayload(type: .redirect, data: bytes("01 03 c00002"))
        #expect(thrownError { () throws(IKEParseError) in try badV4.validate() } != nil)
    }

    @Test func testNotifyTypeRegistry_namesEveryFactSheetValue() {
        #expect(NotifyType.unsupportedCriticalPayload.rawValue == 1)
        #expect(NotifyType.invalidSyntax.name == "INVALID_SYNTAX")
        #expect(NotifyType.ikev2FragmentationSupported.rawValue == 16430)
        #expect(NotifyType.ppkIdentityKey.rawValue == 16446)
        #expect(NotifyType.tsMaxQueue.name == "TS_MAX_QUEUE")
        #expect(NotifyType(12345).name == "notify-12345")
        #expect(NotifyType.authenticationFailed.isError)
        #expect(!NotifyType.cookie.isError)
    }
}

/// Every error and status type of the IANA registry (reference/ikev2-numbers.md §10.1-10.2,
/// 88 values) has its registry name, and only errors are below 16384 (RFC 7296 §3.10.1).
@Suite struct NotifyRegistryTests {
    static let registry: [(UInt16, String)] = [
        (1, "UNSUPPORTED_CRITICAL_PAYLOAD"),
        (4, "INVALID_IKE_SPI"),
        (5, "INVALID_MAJOR_VERSION"),
        (7, "INVALID_SYNTAX"),
        (9, "INVALID_MESSAGE_ID"),
        (11, "INVALID_SPI"),
        (14, "NO_PROPOSAL_CHOSEN"),
        (17, "INVALID_KE_PAYLOAD"),
        (24, "AUTHENTICATION_FAILED"),
        (34, "SINGLE_PAIR_REQUIRED"),
        (35, "NO_ADDITIONAL_SAS"),
        (36, "INTERNAL_ADDRESS_FAILURE"),
        (37, "FAILED_CP_REQUIRED"),
        (38, "TS_UNACCEPTABLE"),
        (39, "INVALID_SELECTORS"),
        (40, "UNACCEPTABLE_ADDRESSES"),
        (41, "UNEXPECTED_NAT_DETECTED"),
        (42, "USE_ASSIGNED_HoA"),
        (43, "TEMPORARY_FAILURE"),
        (44, "CHILD_SA_NOT_FOUND"),
        (45, "INVALID_GROUP_ID"),
        (46, "AUTHORIZATION_FAILED"),
        (47, "STATE_NOT_FOUND"),
        (48, "TS_MAX_QUEUE"),
        (49, "REGISTRATION_FAILED"),
        (16384, "INITIAL_CONTACT"),
        (16385, "SET_WINDOW_SIZE"),
        (16386, "ADDITIONAL_TS_POSSIBLE"),
        (16387, "IPCOMP_SUPPORTED"),
        (16388, "NAT_DETECTION_SOURCE_IP"),
        (16389, "NAT_DETECTION_DESTINATION_IP"),
        (16390, "COOKIE"),
        (16391, "USE_TRANSPORT_MODE"),
        (16392, "HTTP_CERT_LOOKUP_SUPPORTED"),
        (16393, "REKEY_SA"),
        (16394, "ESP_TFC_PADDING_NOT_SUPPORTED"),
        (16395, "NON_FIRST_FRAGMENTS_ALSO"),
        (16396, "MOBIKE_SUPPORTED"),
        (16397, "ADDITIONAL_IP4_ADDRESS"),
        (16398, "ADDITIONAL_IP6_ADDRESS"),
        (16399, "NO_ADDITIONAL_ADDRESSES"),
        (16400, "UPDATE_SA_ADDRESSES"),
        (16401, "COOKIE2"),
        (16402, "NO_NATS_ALLOWED"),
        (16403, "AUTH_LIFETIME"),
        (16404, "MULTIPLE_AUTH_SUPPORTED"),
        (16405, "ANOTHER_AUTH_FOLLOWS"),
        (16406, "REDIRECT_SUPPORTED"),
        (16407, "REDIRECT"),
        (16408, "REDIRECTED_FROM"),
        (16409, "TICKET_LT_OPAQUE"),
        (16410, "TICKET_REQUEST"),
        (16411, "TICKET_ACK"),
        (16412, "TICKET_NACK"),
        (16413, "TICKET_OPAQUE"),
        (16414, "LINK_ID"),
        (16415, "USE_WESP_MODE"),
        (16416, "ROHC_SUPPORTED"),
        (16417, "EAP_ONLY_AUTHENTICATION"),
        (16418, "CHILDLESS_IKEV2_SUPPORTED"),
        (16419, "QUICK_CRASH_DETECTION"),
        (16420, "IKEV2_MESSAGE_ID_SYNC_SUPPORTED"),
        (16421, "IPSEC_REPLAY_COUNTER_SYNC_SUPPORTED"),
        (16422, "IKEV2_MESSAGE_ID_SYNC"),
        (16423, "IPSEC_REPLAY_COUNTER_SYNC"),
        (16424, "SECURE_PASSWORD_METHODS"),
        (16425, "PSK_PERSIST"),
        (16426, "PSK_CONFIRM"),
        (16427, "ERX_SUPPORTED"),
        (16428, "IFOM_CAPABILITY"),
        (16429, "SENDER_REQUEST_ID"),
        (16430, "IKEV2_FRAGMENTATION_SUPPORTED"),
        (16431, "SIGNATURE_HASH_ALGORITHMS"),
        (16432, "CLONE_IKE_SA_SUPPORTED"),
        (16433, "CLONE_IKE_SA"),
        (16434, "PUZZLE"),
        (16435, "USE_PPK"),
        (16436, "PPK_IDENTITY"),
        (16437, "NO_PPK_AUTH"),
        (16438, "INTERMEDIATE_EXCHANGE_SUPPORTED"),
        (16439, "IP4_ALLOWED"),
        (16440, "IP6_ALLOWED"),
        (16441, "ADDITIONAL_KEY_EXCHANGE"),
        (16442, "USE_AGGFRAG"),
        (16443, "SUPPORTED_AUTH_METHODS"),
        (16444, "SA_RESOURCE_INFO"),
        (16445, "USE_PPK_INT"),
        (16446, "PPK_IDENTITY_KEY"),
    ]

    @Test(arguments: registry)
    func testRegistryValue_hasItsIANAName(value: UInt16, name: String) {
        #expect(NotifyType(value).name == name)
        #expect(NotifyType(value).isError == (value < 16384))
    }

    @Test func testTheRegistryIsComplete_whenCounted() {
        #expect(Self.registry.count == 88)
        #expect(Set(Self.registry.map(\.0)).count == 88)
    }
}
