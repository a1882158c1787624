import HubVocabulary
@testable import RADIUS
import Testing

private func hex(_ text: String) -> [UInt8] { Hex.decode(text.replacingOccurrences(of: " ", with: ""))! }

/// The pure codec: byte-exact against RFC 2865 §7.1 and the salt vector of
/// reference/test-vectors.md §6, every truncation throws, the Message-Authenticator rules.
@Suite struct RadiusPacketTests {
    static let rfcRequest = hex("""
    0100 0038 0f403f9473978057bd83d5cb98f4227a 0106 6e656d6f 0212 0dbe708d93d413ce3196e43f782a0aee \
    0406 c0a80110 0506 00000003
    """)
    static let rfcAccept = hex("0200 0026 86fe220e7624ba2a1005f6bf9b55e0b2 0606 00000001 0f06 00000000 0e06 c0a80103")
    static let requestAuthenticator = hex("0f403f9473978057bd83d5cb98f4227a")

    @Test func testDecodeReencode_isByteExact_forRFC2865Examples() throws {
        for bytes in [Self.rfcRequest, Self.rfcAccept] {
            let packet = try RadiusPacket.decode(bytes)
            #expect(try packet.encoded() == bytes)
        }
        let request = try RadiusPacket.decode(Self.rfcRequest)
        #expect(request.code == .accessRequest && request.identifier == 0)
        #expect(request.values(of: 1) == [Array("nemo".utf8)])
        let typed = RadiusAttribute.decode(try RadiusPacket.decode(Self.rfcAccept).attributes)
        #expect(typed.contains(RadiusAttribute(type: 14, value: .ipv4(IPv4Address("192.168.1.3")!))))
        #expect(typed.contains(RadiusAttribute(type: 6, value: .integer(1))))
    }

    @Test func testUserPasswordHiding_matchesRFC2865Section7_1() throws {
        let hidden = try RadiusPacket.hidePassword(Array("arctangent".utf8), secret: Array("xyzzy5461".utf8),
                                                   requestAuthenticator: Self.requestAuthenticator)
        #expect(hidden == hex("0dbe708d93d413ce3196e43f782a0aee"))
    }

    @Test func testResponseAuthenticator_matchesRFC2865Section7_1() {
        var signed = Self.rfcAccept
        signed.replaceSubrange(4..<20, with: Self.requestAuthenticator)
        #expect(RadiusCrypto.md5(signed, Array("xyzzy5461".utf8)) == hex("86fe220e7624ba2a1005f6bf9b55e0b2"))
    }

    @Test func testRFCAccept_isDropped_becauseItHasNoMessageAuthenticator() {
        // The RFC 2865 example Accept is authentic but carries no Message-Authenticator:
        // this client requires one in every response (Blast-RADIUS).
        let result = RadiusPacket.verifiedAccessResponse(Self.rfcAccept, requestIdentifier: 0,
                                                         requestAuthenticator: Self.requestAuthenticator,
                                                         secret: SecretBytes(Array("xyzzy5461".utf8)))
        #expect(result == .failure(.missingMessageAuthenticator))
    }

    @Test func testEveryStrictPrefix_throws() {
        for bytes in [Self.rfcRequest, Self.rfcAccept] {
            for length in 0..<bytes.count {
                #expect(throws: RadiusPacketError.self) { _ = try RadiusPacket.decode(Array(bytes.prefix(length))) }
            }
        }
    }

    @Test func testAttributeLengthBelowTwo_throwsNamingOffset() {
        var bytes = Self.rfcAccept
        bytes[21] = 1
        #expect(throws: RadiusPacketError.invalid(field: "attribute at offset 20", reason: "length 1, at least 2")) {
            _ = try RadiusPacket.decode(bytes)
        }
    }

    @Test func testSaltDecryption_matchesTheFreeRADIUSCheckedVector() throws {
        let value = hex("8001 122f78911e81bc02d486a8a0a785432f92384fac234d60ebaaeab301193cfd34 6a10276d4131a8d31a257c7d0b642965")
        let key = try RadiusPacket.saltDecrypt(value, secret: Array("testing123".utf8),
                                               requestAuthenticator: hex("000102030405060708090a0b0c0d0e0f"), attribute: "MS-MPPE-Send-Key")
        #expect(key.revealedBytes() == hex("8b7cdc149b993a1ba118cb153f56dccb") + [UInt8](repeating: 0, count: 16))
        let again = RadiusPacket.saltEncrypt(key.revealedBytes(), salt: [0x80, 0x01], secret: Array("testing123".utf8),
                                             requestAuthenticator: hex("000102030405060708090a0b0c0d0e0f"))
        #expect(again == value)
    }

    @Test func testSaltDecryption_withWrongSecret_isAnError() {
        let value = hex("8001 122f78911e81bc02d486a8a0a785432f92384fac234d60ebaaeab301193cfd34 6a10276d4131a8d31a257c7d0b642965")
        #expect(throws: RadiusPacketError.self) {
            let key = try RadiusPacket.saltDecrypt(value, secret: Array("not-it".utf8),
                                                   requestAuthenticator: hex("000102030405060708090a0b0c0d0e0f"), attribute: "MS-MPPE-Send-Key")
            // A wrong secret almost always yields a length beyond the data; if not, the key differs.
            if key.revealedBytes().prefix(16) != hex("8b7cdc149b993a1ba118cb153f56dccb")[...] { throw RadiusPacketError.invalid(field: "x", reason: "differs") }
        }
    }

    @Test func testSignedAccessRequest_hasMessageAuthenticatorFirst_thatVerifies() throws {
        let secret = SecretBytes(Array("s3cret".utf8))
        let (packet, bytes) = try RadiusPacket.signedAccessRequest(
            identifier: 7, authenticator: Self.requestAuthenticator,
            attributes: [.string(1, "alice"), .string(2, "pw")], secret: secret)
        #expect(packet.attributes.first?.type == 80 && packet.attributes.first?.value.count == 16)
        #expect(bytes[20] == 80 && bytes[21] == 18)
        var zeroed = bytes
        zeroed.replaceSubrange(22..<38, with: [UInt8](repeating: 0, count: 16))
        #expect(RadiusCrypto.hmacMD5(key: Array("s3cret".utf8), data: zeroed) == Array(bytes[22..<38]))
        // User-Password went out hidden, never in clear.
        #expect(packet.values(of: 2).first != Array("pw".utf8))
        #expect(packet.values(of: 2).first?.count == 16)
    }

    /// A response built the server's way (RFC 3579 §3.2: MA over the packet with the
    /// Request Authenticator, then the Response Authenticator), then tampered with.
    static func response(code: RadiusCode, identifier: UInt8, secret: [UInt8], withMA: Bool = true,
                         attributes: [RadiusPacket.RawAttribute] = []) throws -> [UInt8] {
        var raw = attributes
        if withMA { raw.insert(.init(type: 80, value: [UInt8](repeating: 0, count: 16)), at: 0) }
        var bytes = try RadiusPacket(code: code, identifier: identifier, authenticator: requestAuthenticator, attributes: raw).encoded()
        if withMA { bytes.replaceSubrange(22..<38, with: RadiusCrypto.hmacMD5(key: secret, data: bytes)) }
        bytes.replaceSubrange(4..<20, with: RadiusCrypto.md5(bytes, secret))
        return bytes
    }

    @Test func testVerification_acceptsAWellFormedResponse_andDropsEachTampering() throws {
        let secret = Array("s3cret".utf8)
        let good = try Self.response(code: .accessAccept, identifier: 9, secret: secret, attributes: [.init(type: 25, value: [1, 2])])
        func verify(_ bytes: [UInt8], id: UInt8 = 9) -> Result<RadiusPacket, RadiusResponseDrop> {
            RadiusPacket.verifiedAccessResponse(bytes, requestIdentifier: id, requestAuthenticator: Self.requestAuthenticator,
                                                secret: SecretBytes(secret))
        }
        #expect((try? verify(good).get())?.values(of: 25) == [[1, 2]])
        #expect(verify(good, id: 10) == .failure(.identifierMismatch))
        var flipped = good
        flipped[0] = RadiusCode.accessReject.rawValue
        #expect(verify(flipped) == .failure(.badResponseAuthenticator))
        #expect(verify(try Self.response(code: .accessAccept, identifier: 9, secret: secret, withMA: false)) == .failure(.missingMessageAuthenticator))
        // Right Response Authenticator, wrong HMAC: re-sign the outer MD5 after breaking the MA.
        var badMA = good
        badMA[30] ^= 0xff
        var resign = badMA
        resign.replaceSubrange(4..<20, with: Self.requestAuthenticator)
        badMA.replaceSubrange(4..<20, with: RadiusCrypto.md5(resign, secret))
        #expect(verify(badMA) == .failure(.badMessageAuthenticator))
        #expect(verify([1, 2, 3]) == .failure(.malformed))
    }

    @Test func testLongEAPMessage_isSplitAt253_andReassembled() throws {
        let eap = (0..<600).map { UInt8(truncatingIfNeeded: $0) }
        let raw = try RadiusAttribute(type: 79, value: .bytes(eap)).rawAttributes()
        #expect(raw.map(\.value.count) == [253, 253, 94])
        let packet = RadiusPacket(code: .accessChallenge, identifier: 1, authenticator: Self.requestAuthenticator, attributes: raw)
        #expect(try RadiusPacket.decode(packet.encoded()).eapMessage == eap)
    }

    @Test func testVendorSpecific_roundTrips_andCiscoAVPairDecodes() throws {
        let attribute = RadiusAttribute.string(1, vendor: RadiusVendor.cisco, "ipsec:dns-servers=10.0.0.1")
        let raw = try attribute.rawAttributes()
        #expect(raw == [.init(type: 26, value: [0, 0, 0, 9, 1, 28] + Array("ipsec:dns-servers=10.0.0.1".utf8))])
        #expect(RadiusAttribute.decode(raw) == [attribute])
    }
}
