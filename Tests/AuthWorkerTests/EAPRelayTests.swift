import Foundation
import HubIPC
import HubTestSupport
import HubVocabulary
import IKECrypto
import Testing

/// `auth.eap` round by round: frontend-side requests → real broker → real worker engine →
/// RADIUS plugin → FreeRADIUS (EAP-MD5, EAP-MSCHAPv2), with the EAP peer played by the
/// test; then the broker's final AUTH round from the MSK.
@Suite(.serialized, .enabled(if: FreeRADIUSServer.isInstalled, "FreeRADIUS is not installed (apt-get install freeradius)"))
struct EAPRelayTests {
    static let users = """
    alice\tCleartext-Password := "alice-secret"
    \tFramed-IP-Address := 10.99.102.7,
    \tClass := "class-alice",
    \tCisco-AVPair += "ipsec:dns-servers=10.0.0.53"

    bob\tCleartext-Password := "bob-secret"
    \tClass := "class-bob"

    """

    static func configuration(port: UInt16, secret: String) -> String {
        """
        aaa new-model
        aaa group server radius eap-servers
         server name r1
        aaa authentication login eap-list group eap-servers
        radius server r1
         address ipv4 127.0.0.1 auth-port \(port) acct-port \(port + 1)
         key \(secret)
         timeout 3
         retransmit 1
        crypto pki trustpoint hub-tp
         revocation-check none
        crypto ikev2 profile eap-profile
         match identity remote any
         authentication local rsa-sig
         pki trustpoint hub-tp
         authentication remote eap query-identity
         aaa authentication eap eap-list
         aaa authorization user eap cached
        """
    }

    static func round(_ number: UInt32, _ message: [UInt8], identity: String = "alice") -> IPCv1Envelope.OneOf_Body {
        .authenticateRequest(.with {
            $0.profile = "eap-profile"
            $0.peerIdentity = .with { $0.idType = 11; $0.value = Data(identity.utf8) }
            $0.peerAddress = .with { $0.octets = Data([192, 0, 2, 10]) }
            $0.prfTransformID = 5
            $0.eap = .with {
                $0.round = number
                $0.eapMessage = Data(message)
            }
        })
    }

    static func reply(_ envelope: IPCv1Envelope) throws -> IPCv1AuthenticateReply {
        guard case .authenticateReply(let reply) = envelope.body else {
            throw HarnessFailure(description: "expected AuthenticateReply, got \(envelope.bodyName)")
        }
        return reply
    }

    struct HarnessFailure: Error, CustomStringConvertible { let description: String }

    @Test func testEAPMD5_roundByRound_withoutQueryIdentity() async throws {
        let radius = try FreeRADIUSServer(users: Self.users, signReplies: true, eap: true)
        let harness = try await AuthHarness(configuration: Self.configuration(port: radius.authenticationPort, secret: radius.secret))
        defer { harness.close() }
        #expect(await harness.offeredServices.contains("auth.eap"))
        let session = SessionID(high: 1, low: 1)

        // Round 0: no query-identity, the worker makes the EAP-Response/Identity from IDi.
        let challenge = try Self.reply(await harness.request(Self.round(0, []), service: "auth.eap", session: session))
        #expect(challenge.verdict == .continue, "\(challenge.reason)")
        let request = [UInt8](challenge.eapMessage)
        #expect(request.first == 1 && request.count > 5 && request[4] == 4)  // EAP-Request/MD5-Challenge
        #expect(radius.log().contains("User-Name = \"alice\""))

        let done = try Self.reply(await harness.request(Self.round(1, EAPPeer.md5Response(to: request, password: "alice-secret")),
                                                        service: "auth.eap", session: session))
        #expect(done.verdict == .accept, "\(done.reason)")
        #expect(done.eapMessage.first == 3)  // EAP-Success
        #expect(done.authenticatedName == "alice")
        let attributes = Dictionary(done.attributes.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
        #expect(attributes["Framed-IP-Address"] == "10.99.102.7")
        #expect(attributes["ipsec:dns-servers"] == "10.0.0.53")
        #expect(attributes["Class"] == Hex.encode(Array("class-alice".utf8)))
        // EAP-MD5 makes no MSK: the frontend computes AUTH with SK_p itself.
        #expect(!done.mskAvailable && !done.hasMsk)
        #expect(radius.log().contains("State = 0x"))  // the second request carried the State
    }

    @Test func testEAPMD5_wrongPassword_isRejectedWithEAPFailure() async throws {
        let radius = try FreeRADIUSServer(users: Self.users, signReplies: true, eap: true)
        let harness = try await AuthHarness(configuration: Self.configuration(port: radius.authenticationPort, secret: radius.secret))
        defer { harness.close() }
        let session = SessionID(high: 1, low: 2)
        // The gateway queried the identity: the first message is the client's EAP-Response/Identity.
        let challenge = try Self.reply(await harness.request(Self.round(1, EAPPeer.identity("alice", identifier: 7), identity: "192.0.2.10"),
                                                             service: "auth.eap", session: session))
        #expect(challenge.verdict == .continue)
        let refused = try Self.reply(await harness.request(
            Self.round(2, EAPPeer.md5Response(to: [UInt8](challenge.eapMessage), password: "wrong")), service: "auth.eap", session: session))
        #expect(refused.verdict == .reject)
        #expect(refused.eapMessage.first == 4)  // EAP-Failure
        #expect(refused.reason.contains("Access-Reject"))
    }

    @Test func testEAPMSCHAPv2_relay_MSKKeptByBroker_finalRoundAnsweredFromIt() async throws {
        let radius = try FreeRADIUSServer(users: Self.users, signReplies: true, eap: true)
        let harness = try await AuthHarness(configuration: Self.configuration(port: radius.authenticationPort, secret: radius.secret))
        defer { harness.close() }
        let session = SessionID(high: 2, low: 1)
        let md5 = try Self.reply(await harness.request(Self.round(0, [], identity: "bob"), service: "auth.eap", session: session))
        #expect(md5.verdict == .continue)
        // FreeRADIUS proposes MD5 first (default_eap_type); the peer NAKs for MSCHAPv2 (26).
        let mschapChallenge = try Self.reply(await harness.request(
            Self.round(1, EAPPeer.nak(to: [UInt8](md5.eapMessage), wanting: 26), identity: "bob"), service: "auth.eap", session: session))
        #expect(mschapChallenge.verdict == .continue, "\(mschapChallenge.reason)")
        let challenge = [UInt8](mschapChallenge.eapMessage)
        try #require(challenge.count >= 26 && challenge[4] == 26 && challenge[5] == 1)
        let peerChallenge = (0..<16).map { UInt8($0 * 7 + 3) }
        let (response, ntResponse) = EAPPeer.mschapv2Response(to: challenge, user: "bob", password: "bob-secret", peerChallenge: peerChallenge)
        let success = try Self.reply(await harness.request(Self.round(2, response, identity: "bob"), service: "auth.eap", session: session))
        #expect(success.verdict == .continue, "\(success.reason)")
        #expect(success.eapMessage.count > 5 && success.eapMessage[4] == 26 && success.eapMessage[5] == 3)  // MSCHAPv2 Success request
        let accept = try Self.reply(await harness.request(
            Self.round(3, EAPPeer.mschapv2SuccessAck(to: [UInt8](success.eapMessage)), identity: "bob"), service: "auth.eap", session: session))
        #expect(accept.verdict == .accept, "\(accept.reason)")
        #expect(accept.eapMessage.first == 3)
        #expect(accept.mskAvailable, "the broker did not keep an MSK")
        #expect(!accept.hasMsk, "the MSK reached the frontend side")

        // Final round: AUTH from the MSK the test derives independently (RFC 3079 keys).
        let msk = SecretBytes(EAPPeer.msk(password: "bob-secret", ntResponse: ntResponse))
        let initiator = [UInt8](repeating: 0x31, count: 200), responder = [UInt8](repeating: 0x32, count: 180)
        let initiatorAuth = try SharedKeyAuthentication.authenticationData(secret: msk, octets: AuthenticationOctets(bytes: initiator), prf: .hmacSHA256)
        let expectedResponder = try SharedKeyAuthentication.authenticationData(secret: msk, octets: AuthenticationOctets(bytes: responder), prf: .hmacSHA256)
        func final(_ auth: [UInt8]) -> IPCv1Envelope.OneOf_Body {
            .authenticateRequest(.with {
                $0.profile = "eap-profile"
                $0.prfTransformID = 5
                $0.eap = .with {
                    $0.round = 4
                    $0.initiatorSignedOctets = Data(initiator)
                    $0.initiatorAuth = Data(auth)
                    $0.responderSignedOctets = Data(responder)
                }
            })
        }
        let verdict = try Self.reply(await harness.request(final(initiatorAuth), service: "auth.eap", session: session))
        #expect(verdict.verdict == .accept, "\(verdict.reason)")
        #expect([UInt8](verdict.responderAuth) == expectedResponder)
        // The MSK is gone after use.
        let again = try Self.reply(await harness.request(final(initiatorAuth), service: "auth.eap", session: session))
        #expect(again.verdict == .reject && again.reason.contains("no EAP MSK"))
    }

    @Test func testFinalRound_withWrongAUTH_isRejectedAsMismatch() async throws {
        let radius = try FreeRADIUSServer(users: Self.users, signReplies: true, eap: true)
        let harness = try await AuthHarness(configuration: Self.configuration(port: radius.authenticationPort, secret: radius.secret))
        defer { harness.close() }
        let session = SessionID(high: 2, low: 2)
        let md5 = try Self.reply(await harness.request(Self.round(0, [], identity: "bob"), service: "auth.eap", session: session))
        let chap = try Self.reply(await harness.request(Self.round(1, EAPPeer.nak(to: [UInt8](md5.eapMessage), wanting: 26), identity: "bob"),
                                                        service: "auth.eap", session: session))
        let (response, _) = EAPPeer.mschapv2Response(to: [UInt8](chap.eapMessage), user: "bob", password: "bob-secret",
                                                     peerChallenge: [UInt8](repeating: 9, count: 16))
        let success = try Self.reply(await harness.request(Self.round(2, response, identity: "bob"), service: "auth.eap", session: session))
        let accept = try Self.reply(await harness.request(Self.round(3, EAPPeer.mschapv2SuccessAck(to: [UInt8](success.eapMessage)), identity: "bob"),
                                                          service: "auth.eap", session: session))
        try #require(accept.mskAvailable)
        let verdict = try Self.reply(await harness.request(.authenticateRequest(.with {
            $0.profile = "eap-profile"
            $0.prfTransformID = 5
            $0.eap = .with {
                $0.round = 4
                $0.initiatorSignedOctets = Data([1, 2, 3])
                $0.initiatorAuth = Data(repeating: 0xaa, count: 32)
                $0.responderSignedOctets = Data([4, 5, 6])
            }
        }), service: "auth.eap", session: session))
        #expect(verdict.verdict == .reject && verdict.reason == "AUTH mismatch")
        #expect(verdict.responderAuth.isEmpty)
    }
}

extension EAPRelayTests {
    /// FreeRADIUS signs every reply that carries EAP-Message (RFC 3579 §3.2) even without
    /// the Blast-RADIUS fix, so EAP works against a stock 3.2.1 server.
    @Test func testEAPMD5_againstUnpatchedServer_repliesAreSigned() async throws {
        let radius = try FreeRADIUSServer(users: Self.users, signReplies: false, eap: true)
        let harness = try await AuthHarness(configuration: Self.configuration(port: radius.authenticationPort, secret: radius.secret))
        defer { harness.close() }
        let session = SessionID(high: 1, low: 9)
        let challenge = try Self.reply(await harness.request(Self.round(0, []), service: "auth.eap", session: session))
        #expect(challenge.verdict == .continue, "\(challenge.reason)")
        let done = try Self.reply(await harness.request(Self.round(1, EAPPeer.md5Response(to: [UInt8](challenge.eapMessage), password: "alice-secret")),
                                                        service: "auth.eap", session: session))
        #expect(done.verdict == .accept, "\(done.reason)")
    }

    @Test func testHeldMSK_isDropped_afterItsLifetime() async throws {
        let radius = try FreeRADIUSServer(users: Self.users, signReplies: true, eap: true)
        let harness = try await AuthHarness(configuration: Self.configuration(port: radius.authenticationPort, secret: radius.secret),
                                            mskLifetime: .milliseconds(300))
        defer { harness.close() }
        let session = SessionID(high: 2, low: 3)
        let md5 = try Self.reply(await harness.request(Self.round(0, [], identity: "bob"), service: "auth.eap", session: session))
        let chap = try Self.reply(await harness.request(Self.round(1, EAPPeer.nak(to: [UInt8](md5.eapMessage), wanting: 26), identity: "bob"),
                                                        service: "auth.eap", session: session))
        let (response, nt) = EAPPeer.mschapv2Response(to: [UInt8](chap.eapMessage), user: "bob", password: "bob-secret",
                                                      peerChallenge: [UInt8](repeating: 5, count: 16))
        let success = try Self.reply(await harness.request(Self.round(2, response, identity: "bob"), service: "auth.eap", session: session))
        let accept = try Self.reply(await harness.request(Self.round(3, EAPPeer.mschapv2SuccessAck(to: [UInt8](success.eapMessage)), identity: "bob"),
                                                          service: "auth.eap", session: session))
        try #require(accept.mskAvailable)
        try await Task.sleep(for: .milliseconds(800))
        let msk = SecretBytes(EAPPeer.msk(password: "bob-secret", ntResponse: nt))
        let auth = try SharedKeyAuthentication.authenticationData(secret: msk, octets: AuthenticationOctets(bytes: [7]), prf: .hmacSHA256)
        let late = try Self.reply(await harness.request(.authenticateRequest(.with {
            $0.profile = "eap-profile"
            $0.prfTransformID = 5
            $0.eap = .with {
                $0.round = 4
                $0.initiatorSignedOctets = Data([7])
                $0.initiatorAuth = Data(auth)
                $0.responderSignedOctets = Data([8])
            }
        }), service: "auth.eap", session: session))
        #expect(late.verdict == .reject && late.reason.contains("no EAP MSK"))
    }
}

/// The test's EAP peer against the RFC 2759 §9.2 / RFC 3079 vectors (test-vectors.md §5).
@Suite struct EAPClientMethodTests {
    @Test func testMSCHAPv2Arithmetic_matchesRFC2759Vectors() {
        let authenticator = Hex.decode("5b5d7c7d7b3f2f3e3c2c602132262628")!
        let peer = Hex.decode("21402324255e262a28295f2b3a337c7e")!
        #expect(EAPPeer.passwordHash("clientPass") == Hex.decode("44ebba8d5312b8d611474411f56989ae")!)
        let nt = EAPPeer.ntResponse(authenticatorChallenge: authenticator, peerChallenge: peer, user: "User", password: "clientPass")
        #expect(nt == Hex.decode("82309ecd8d708b5ea08faa3981cd83544233114a3d85d6df")!)
        #expect(EAPPeer.msk(password: "clientPass", ntResponse: nt)
                == Hex.decode("d5f0e9521e3ea9589645e86051c822268b7cdc149b993a1ba118cb153f56dccb")! + [UInt8](repeating: 0, count: 32))
    }
}
