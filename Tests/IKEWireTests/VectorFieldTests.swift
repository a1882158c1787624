import HubVocabulary
import Testing
@testable import IKEWire

/// Field-by-field checks of specific published messages; expected values are read off
/// the RFC text or the capture bytes by hand, never produced by the parser.
@Suite("Vectors: decoded fields")
struct VectorFieldTests {
    private func message(_ name: String) throws -> IKEMessage {
        try IKEMessage.parse(VectorFile.named(name).messageBytes)
    }

    private func hex(_ text: String) -> [UInt8] { Hex.decode(text) ?? [] }

    private func notifies(_ payloads: [Payload]) -> [NotifyPayload] {
        payloads.compactMap { if case .notify(let n) = $0 { n } else { nil } }
    }

    private func vendorIDs(_ message: IKEMessage) -> [VendorIDPayload] {
        message.payloads.compactMap { if case .vendorID(let v) = $0 { v } else { nil } }
    }

    private func securityAssociation(_ message: IKEMessage) throws -> SecurityAssociationPayload {
        let sa = message.payloads.compactMap { if case .securityAssociation(let sa) = $0 { sa } else { nil } }.first
        return try #require(sa)
    }

    // MARK: - RFC 7634 Appendix B

    @Test func testRFC7634Message_exposesHeaderSKPartsAndAssociatedData() throws {
        let vector = try VectorFile.named("rfc7634-informational-request")
        let message = try IKEMessage.parse(vector.bytes)
        #expect(message.header.initiatorSPI == IKESPI(0xc0c1c2c3c4c5c6c7))
        #expect(message.header.responderSPI == IKESPI(0xd0d1d2d3d4d5d6d7))
        #expect(message.header.exchangeType == .informational)
        #expect(message.header.messageID == MessageID(9))
        #expect(message.header.flags.rawValue == 0)
        let sk = try #require(message.encryptedPayload)
        #expect(sk.innerFirstPayload == .notify)
        let parts = try sk.parts(ivLength: 8, icvLength: 16)
        #expect(parts.iv == hex("1011121314151617"))
        #expect(parts.ciphertext == hex("610394701f8d017f7c12924889"))
        #expect(parts.icv == hex("6b71bfe25236efd7cdc67066906315b2"))
        // RFC 7634 §B / RFC 5282 §5.1: AAD = IKE header ‖ SK generic header = first 32 octets.
        let aad = try IKEMessage.associatedData(ofSerialized: vector.bytes)
        #expect(Array(aad) == Array(vector.bytes[0..<32]))
        #expect(try message.associatedData() == Array(vector.bytes[0..<32]))
    }

    @Test func testRFC7634InnerPlaintext_parsesToSetWindowSize10_andIsRebuiltExactly() throws {
        // RFC 7634 Appendix B plaintext: Notify(SET_WINDOW_SIZE, 10) ‖ Pad Length 0.
        let plaintext = hex("0000000c000040010000000a00")
        let inner = try EncryptedPayload.innerPayloads(fromPlaintext: plaintext, firstPayload: .notify)
        let notify = try #require(notifies(inner).first)
        #expect(inner.count == 1)
        #expect(notify.notifyType == .setWindowSize)
        #expect(try notify.windowSize() == 10)
        let rebuilt = EncryptedPayload.plaintext(for: [.notify(.setWindowSize(10))], blockSize: 1)
        #expect(rebuilt.firstPayload == .notify)
        #expect(rebuilt.plaintext == plaintext)
    }

    // MARK: - Cisco IOS (pycrate)

    @Test func testCiscoIKESAInitRequest_decodesProposalAndRecognisesCiscoVendorIDs() throws {
        let message = try message("cisco-ios-ike_sa_init-request")
        #expect(message.header.initiatorSPI == IKESPI(0x864330ac30e6564d))
        #expect(message.header.responderSPI.isZero)
        #expect(message.header.flags == .initiator)
        let proposal = try #require(securityAssociation(message).proposals.first)
        #expect(proposal.number == 1)
        #expect(proposal.protocolID == .ike)
        #expect(proposal.transforms.map(\.type) == [.encryption, .pseudorandomFunction, .integrity, .keyExchangeMethod])
        #expect(proposal.transforms.map(\.id) == [12, 2, 2, 2])
        #expect(proposal.transforms[0].keyLength == 128)
        let vendors = vendorIDs(message)
        #expect(vendors.map(\.knownVendor) == [.ciscoDeleteReason, .ciscoCopyright, nil, .ikev1Fragmentation])
        #expect(vendors[2].vendorID == Array("CISCO-GRE-MODE".utf8) + [0x02])
        // Cisco sends NAT detection with Protocol ID 1 and no SPI; kept as received.
        let natSource = try #require(notifies(message.payloads).first { $0.notifyType == .natDetectionSourceIP })
        #expect(natSource.protocolID == .ike)
        #expect(try natSource.natDetectionHash() == hex("7e576cc013d40543a2e8777d003468a5b1890c58"))
    }

    @Test func testCiscoIKEAuth_splitsAESCBCWithHMACSHA1_96() throws {
        let message = try message("cisco-ios-ike_auth-request")
        #expect(message.header.exchangeType == .ikeAuth)
        #expect(message.header.messageID == MessageID(1))
        let sk = try #require(message.encryptedPayload)
        #expect(sk.innerFirstPayload == .vendorID)
        let parts = try sk.parts(ivLength: 16, icvLength: 12)
        #expect(parts.iv == hex("475423ac61a80d26af7da2156cfe2299"))
        #expect(parts.ciphertext.count % 16 == 0)
        #expect(parts.icv == hex("a88a2f362bcdbbdc9e1a7a3b"))
    }

    // MARK: - Windows

    @Test func testWindowsIKESAInitResponse_recognisesMicrosoftVendorIDs() throws {
        let message = try message("windows-ike_sa_init-response")
        #expect(message.header.flags == .response)
        #expect(message.header.responderSPI == IKESPI(0xbfa6452e02986e75))
        #expect(vendorIDs(message).map(\.knownVendor) == [.microsoftNT5ISAKMPOAKLEY, .microsoftNegotiationDiscoveryCapable])
        let proposal = try #require(securityAssociation(message).proposals.first)
        #expect(proposal.transforms.map(\.id) == [12, 2, 2, 2])
        #expect(proposal.transforms[0].keyLength == 128)
        let nonce = message.payloads.compactMap { if case .nonce(let n) = $0 { n } else { nil } }.first
        // "rxNonce1" in the same source file.
        #expect(nonce?.data == hex("4be5cb680286ba782bc5178be468e13cab388d77f88e86b5f0bd6a921b9a945ef201f46e1d4f43c2bc3d4d99d321a911"))
        let ke = message.payloads.compactMap { if case .keyExchange(let k) = $0 { k } else { nil } }.first
        #expect(ke?.group == 2)
        #expect(ke?.keyExchangeData.count == 128)
    }

    // MARK: - Wireshark ikev2-decrypt-aes128ccm12

    @Test func testWiresharkCCMRequest_decodesCCMTransformAndSignatureHashes() throws {
        let message = try message("wireshark-ccm12-ike_sa_init-request")
        let proposal = try #require(securityAssociation(message).proposals.first)
        #expect(proposal.transforms.map(\.id) == [15, 5, 19])
        #expect(proposal.transforms[0].keyLength == 128)
        let hashes = try #require(notifies(message.payloads).first { $0.notifyType == .signatureHashAlgorithms })
        #expect(try hashes.signatureHashAlgorithms() == [.sha1, .sha256, .sha384, .sha512])
    }

    @Test func testWiresharkCCMInformationalResponse_hasEmptyInnerChain() throws {
        let message = try message("wireshark-ccm12-informational-response")
        let sk = try #require(message.encryptedPayload)
        #expect(sk.innerFirstPayload == .none)
        #expect(sk.body == hex("a80c957bac15c3f8afdf315a81cc4b7c40e866 0d44".replacingOccurrences(of: " ", with: "")))
    }

    // MARK: - RFC 5685 redirect capture

    @Test func testRedirectResponse_carriesGatewayFQDNAndTheInitiatorNonce() throws {
        let request = try message("redirect-ike_sa_init-request")
        #expect(notifies(request.payloads).contains { $0.notifyType == .redirectSupported })
        let initiatorNonce = request.payloads.compactMap { if case .nonce(let n) = $0 { n.data } else { nil } }.first
        let response = try message("redirect-ike_sa_init-response")
        let redirect = try #require(notifies(response.payloads).first)
        let data = try redirect.redirect()
        #expect(data.gateway == .fqdn("moneybin.duckburg.disney.com"))
        // RFC 5685 §4.2: a redirect in IKE_SA_INIT echoes Ni.
        #expect(data.nonce == initiatorNonce)
        #expect(NotifyPayload.redirect(data).data == redirect.data)
        let second = try message("redirect-ike_sa_init-response-2")
        #expect(notifies(second.payloads).map(\.notifyType) == [.noProposalChosen])
    }

    // MARK: - Wireshark SampleCaptures NAT-T

    @Test func testNATTraversalIKEAuth_sitsBehindTheNonESPMarker() throws {
        let vector = try VectorFile.named("natt-conn1-ike_auth-request")
        #expect(Array(vector.bytes.prefix(4)) == [0, 0, 0, 0])
        #expect(UDPDatagramClassifier.classify(natTraversalDatagram: vector.bytes) == .ike(ikeOffset: 4))
        let message = try IKEMessage.parse(vector.messageBytes)
        #expect(message.header.initiatorSPI == IKESPI(0x89922c915f35570e))
        let aad = try IKEMessage.associatedData(ofSerialized: vector.messageBytes)
        #expect(aad.count == 32)
        // AES-GCM-16 (conn 1): IV 8, ICV 16.
        let parts = try #require(message.encryptedPayload).parts(ivLength: 8, icvLength: 16)
        #expect(parts.iv.count == 8)
        #expect(parts.ciphertext.count == 1280 - 32 - 8 - 16)
    }

    @Test func testNATTraversalIKESAInitResponse_hasEmptyX509CertificateRequest() throws {
        let message = try message("natt-conn1-ike_sa_init-response")
        let certificateRequest = message.payloads.compactMap { if case .certificateRequest(let c) = $0 { c } else { nil } }.first
        #expect(certificateRequest?.encoding == .x509Signature)
        #expect(certificateRequest?.authorityHashes == [])
        #expect(vendorIDs(message).prefix(2).map(\.knownVendor) == [.ikev1Fragmentation, .ikev1Fragmentation])
        #expect(notifies(message.payloads).map(\.notifyType)
                == [.ikev2FragmentationSupported, .signatureHashAlgorithms, .multipleAuthSupported])
    }

    @Test func testUnidentifiedRequest_hasTwoNumberedProposals() throws {
        let message = try message("unidentified-ike_sa_init-request")
        let proposals = try securityAssociation(message).proposals
        #expect(proposals.map(\.number) == [1, 2])
        #expect(proposals[1].transforms.map(\.id) == [20, 5, 12, 19])
        #expect(proposals[1].transforms[0].keyLength == 16)
    }
}
