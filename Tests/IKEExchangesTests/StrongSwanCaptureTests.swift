import Foundation
import HubVocabulary
import IKECrypto
@testable import IKEExchanges
import IKEWire
import Testing

/// Real strongSwan 5.9.8 and libreswan 4.10 client messages (captured by the lead, `Tests/IKEWireTests/Vectors/
/// strongswan-*.hex`, `libreswan-*.hex`; keys logged by the charons in `Tests/IKECryptoTests/Vectors/
/// strongswan-*.keys`) fed into the responder.
///
/// The IKE_SA_INIT request is answered fresh. For the rest, the responder is put into the
/// state the real hub was in after IKE_SA_INIT (its keys and nonces from the capture), so
/// that every later request of the real client decrypts, and the values strongSwan logged
/// must come out of our code: the AUTH signed octets, the PSK AUTH values, the CHILD_SA
/// KEYMAT. Nothing here is produced by the code under test and then compared with itself.
@Suite struct StrongSwanCaptureTests {
    /// File prefixes of the captures (`<prefix>-NN-*.hex`, `<prefix>.keys`): strongSwan clients,
    /// and a libreswan 4.10 client against the strongSwan hub.
    static let scenarios = ["strongswan-psk-aes128gcm16-x25519", "strongswan-psk-chacha20poly1305-ecp256",
                            "strongswan-psk-modp2048", "strongswan-psk-cookie-invalid-ke", "strongswan-ipv6-vip",
                            "strongswan-psk-mobike", "libreswan-psk"]
    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()

    /// One captured message with its file name.
    struct Message {
        var name: String
        var bytes: [UInt8]
    }

    static func messages(_ scenario: String) throws -> [Message] {
        let directory = testsDirectory.appendingPathComponent("IKEWireTests/Vectors")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasPrefix("\(scenario)-") && $0.hasSuffix(".hex") }.sorted()
        return try names.map { name in
            let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            let hex = text.split(separator: "\n").filter { !$0.hasPrefix("#") }.joined()
            return Message(name: name, bytes: try #require(Hex.decode(hex), "hex of \(name)"))
        }
    }

    /// The `name = value` lines of a `.keys` file: hex octets, or decimal IDs (`encr_id = 20`).
    struct Keys {
        var values: [String: String]
        subscript(_ name: String) -> [UInt8]? { values[name].flatMap { Hex.decode($0) } }
        func number(_ name: String) -> UInt16? { values[name].flatMap { UInt16($0) } }
    }

    static func keys(_ scenario: String) throws -> Keys {
        let url = testsDirectory.appendingPathComponent("IKECryptoTests/Vectors/\(scenario).keys")
        var values: [String: String] = [:]
        for line in try String(contentsOf: url, encoding: .utf8).split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else {
                if let name = parts.first, line.hasSuffix("=") { values[name] = "" }
                continue
            }
            values[parts[0]] = parts[1]
        }
        return Keys(values: values)
    }

    static func configuration() throws -> ResponderConfiguration {
        var configuration = Harness.configuration(protected: [])
        configuration.localIdentity = .fqdn("hub.lab")
        configuration.ikeProposals = [
            IKEProposalConfiguration(name: "gcm", encryptions: [try EncryptionTransform(.aesGCM16, keyLengthBits: 128)],
                                     prfs: [.hmacSHA256], groups: [.curve25519]),
            IKEProposalConfiguration(name: "chacha", encryptions: [try EncryptionTransform(.chacha20Poly1305)],
                                     prfs: [.hmacSHA256], groups: [.ecp256]),
            IKEProposalConfiguration(name: "cbc-modp", encryptions: [try EncryptionTransform(.aesCBC, keyLengthBits: 256)],
                                     integrities: [.hmacSHA256_128], prfs: [.hmacSHA256], groups: [.modp2048]),
            IKEProposalConfiguration(name: "cbc-ecp", encryptions: [try EncryptionTransform(.aesCBC, keyLengthBits: 256)],
                                     integrities: [.hmacSHA256_128], prfs: [.hmacSHA256], groups: [.ecp256]),
        ]
        configuration.childProposals = [ChildProposalConfiguration(
            name: "esp", encryptions: [try EncryptionTransform(.aesGCM16, keyLengthBits: 128),
                                       try EncryptionTransform(.aesGCM16, keyLengthBits: 256),
                                       try EncryptionTransform(.chacha20Poly1305)])]
        return configuration
    }

    static let client = Endpoint(address: .v4(IPv4Address(0x0a63_0002)), port: 4500)   // 10.99.0.2
    static let hub = Endpoint(address: .v4(IPv4Address(0x0a63_0001)), port: 4500)      // 10.99.0.1

    /// Every IKE_SA_INIT request of the capture (with COOKIE and INVALID_KE rounds where
    /// the real hub asked for them) gets a well-formed answer; the last one selects what
    /// the real hub selected.
    @Test(arguments: scenarios)
    func testStrongSwanIKESAInitRequestsGetParsableAnswers(_ scenario: String) throws {
        let requests = try Self.messages(scenario).filter {
            let header = try IKEMessage.parse($0.bytes).header
            return header.exchangeType == .ikeSAInit && !header.isResponse
        }
        try #require(!requests.isEmpty)
        var table = IKESATable(configuration: try Self.configuration())
        var last: IKEMessage?
        for request in requests {
            let effects = table.handle(datagram: InboundDatagram(bytes: request.bytes, remote: Endpoint(address: Self.client.address, port: 500),
                                                                 local: Endpoint(address: Self.hub.address, port: 500)),
                                       at: MonotonicTime(seconds: 1))
            let answers = Harness.sent(effects)
            try #require(answers.count == 1, "\(request.name): \(effects)")
            let response = try IKEMessage.parse(answers[0])
            try response.validate()
            try MessageRules.verify(response, against: MessageRules.ikeSAInitResponse)
            last = response
        }
        // The same transforms the real hub chose (`encr_id`, `dh_id` of the capture).
        let keys = try Self.keys(scenario)
        let response = try #require(last)
        guard case .securityAssociation(let sa)? = response.payloads.first(where: { $0.type == .securityAssociation }) else {
            Issue.record("no SAr1 in \(Harness.notifies(response.payloads))")
            return
        }
        let chosen = try #require(sa.proposals.first)
        #expect(chosen.transforms(ofType: .encryption).first?.id == keys.number("encr_id"))
        #expect(chosen.transforms(ofType: .keyExchangeMethod).first?.id == keys.number("dh_id"))
        #expect(Harness.notifies(response.payloads).contains(.ikev2FragmentationSupported))
    }

    /// The hub's half-open SA as it was after the captured IKE_SA_INIT.
    static func halfOpenSA(_ scenario: String, messages: [Message], keys: Keys) throws -> IKESA {
        func value(_ name: String) throws -> [UInt8] { try #require(keys[name], "\(name) in \(scenario).keys") }
        func number(_ name: String) throws -> UInt16 { try #require(keys.number(name), "\(name) in \(scenario).keys") }
        let encryptionID = try number("encr_id")
        let algorithm = try #require(EncryptionAlgorithm(transformID: encryptionID))
        // The last IKE_SA_INIT round is the one the AUTH octets cover (after COOKIE / INVALID_KE).
        let rounds = try messages.filter { try IKEMessage.parse($0.bytes).header.exchangeType == .ikeSAInit }
        let requestMessage = try #require(try rounds.last { !(try IKEMessage.parse($0.bytes).header.isResponse) })
        let responseMessage = try #require(try rounds.last { try IKEMessage.parse($0.bytes).header.isResponse })
        let init0 = try IKEMessage.parse(requestMessage.bytes), init1 = try IKEMessage.parse(responseMessage.bytes)
        let keyLength = init1.payloads.compactMap { payload -> Int? in
            guard case .securityAssociation(let sa) = payload else { return nil }
            return sa.proposals.first?.transforms(ofType: .encryption).first?.keyLength.map(Int.init)
        }.first
        let transforms = try NegotiatedIKETransforms(
            encryption: try EncryptionTransform(algorithm, keyLengthBits: keyLength),
            prf: try #require(PseudorandomFunction(transformID: try number("prf_id"))),
            integrity: IntegrityAlgorithm(transformID: try number("integ_id")),
            group: try #require(DiffieHellmanGroup(transformID: try number("dh_id"))))
        let ikeKeys = IKEKeys(skD: SecretBytes(try value("sk_d")), skAi: SecretBytes(try value("sk_ai")),
                              skAr: SecretBytes(try value("sk_ar")), skEi: SecretBytes(try value("sk_ei")),
                              skEr: SecretBytes(try value("sk_er")), skPi: SecretBytes(try value("sk_pi")),
                              skPr: SecretBytes(try value("sk_pr")))
        let spis = IKESAIdentifier(initiatorSPI: init0.header.initiatorSPI, responderSPI: init1.header.responderSPI)
        let initial = InitialExchange(initiatorNonce: try value("ni"), responderNonce: try value("nr"),
                                      requestBytes: requestMessage.bytes, responseBytes: responseMessage.bytes)
        return IKESA(localSPI: spis.responderSPI, identifier: spis, role: .originalResponder,
                     sessionID: SessionID(high: 1, low: 2), remote: client, local: hub,
                     nat: NATDetection.Finding(peerBehindNAT: false, localBehindNAT: false, peerSupportsNATT: true),
                     keys: try IKESAKeys(transforms: transforms, keys: ikeKeys, role: .originalResponder), proposalName: "capture",
                     phase: .awaitingAuth(AwaitingAuth(initial: initial)), window: ResponderWindow(expected: MessageID(1)),
                     peerSupportsFragmentation: true, createdAt: MonotonicTime(seconds: 1), lastHeardFrom: MonotonicTime(seconds: 1),
                     lifetimeSeconds: 86_400)
    }

    @Test(arguments: scenarios)
    func testRealClientSessionRunsThrough_withStrongSwansOwnValues(_ scenario: String) throws {
        let messages = try Self.messages(scenario)
        let keys = try Self.keys(scenario)
        let configuration = try Self.configuration()
        let env = ExchangeEnvironment(configuration: configuration, random: SystemRandom(), now: MonotonicTime(seconds: 2))
        var sa = try Self.halfOpenSA(scenario, messages: messages, keys: keys)
        let clientRequests = try messages.filter {
            let header = try IKEMessage.parse($0.bytes).header
            return header.isFromOriginalInitiator && !header.isResponse && header.exchangeType != .ikeSAInit
        }
        func deliver(_ message: Message, to sa: inout IKESA) throws -> Outcome {
            var out = Outcome()
            sa.receive(try IKEMessage.parse(message.bytes),
                       datagram: InboundDatagram(bytes: message.bytes, remote: Self.client, local: Self.hub), env: env, out: &out)
            return out
        }
        func opened(_ out: Outcome) throws -> [Payload] {
            let cipher = try EncryptedPayloadCipher(transforms: sa.keys.transforms, keys: sa.keys.keys, sender: .originalResponder)
            let bytes = try #require(Harness.sent(out.effects).first)
            let message = try IKEMessage.parse(bytes)
            let sk = try #require(message.encryptedPayload)
            return try Payload.parseChain(try cipher.open(message: bytes, encryptedPayloadOffset: bytes.count - 4 - sk.body.count),
                                          firstPayload: sk.innerFirstPayload)
        }

        // IKE_AUTH { IDi, N(INITIAL_CONTACT), IDr, AUTH, CP(CFG_REQUEST), SAi2, TSi, TSr } --> (the real client's)
        var out = try deliver(clientRequests[0], to: &sa)
        let request = try #require(Harness.authRequest(out.effects), "\(out.effects)")
        // The signed octets are exactly what strongSwan's keymat_v2.c logged (RFC 7296 §2.15).
        #expect(request.initiatorSignedOctets == keys["auth_i_octets"])
        #expect(request.responderSignedOctets == keys["auth_r_octets"])
        // The broker's PSK check accepts the real client's AUTH, and our AUTH is the hub's.
        var harness = Harness()
        harness.brokerPSK = try #require(keys["auth_i_shared_secret"])
        let verdict = try harness.broker(request)
        guard case .authenticated(let success) = verdict else { Issue.record("real AUTH rejected"); return }
        #expect(success.responderAuthentication.authenticationData == keys["auth_r_value"])

        out = Outcome()
        IKEAuthResponder.handle(authResult: verdict, sa: &sa, env: env, out: &out)
        let assignment = AddressAssignment(lease: LeaseID(1), ipv4Address: IPv4Address(0x0a63_6401),
                                           ipv6Address: IPv6Address("fd00:99:100::1"), ipv6PrefixLength: 128)
        IKEAuthResponder.handle(addressResult: .assigned(assignment), sa: &sa, env: env, out: &out)
        IKEAuthResponder.handle(virtualAccessResult: .created(VirtualAccessInterface(index: 1)), sa: &sa, env: env, out: &out)
        let installation = try #require(Harness.installation(out.effects))
        // KEYMAT = prf+(SK_d, Ni | Nr): the ESP keys strongSwan installed (RFC 7296 §2.17).
        #expect(installation.inbound.encryptionKey.revealedBytes() == keys["child1_encr_i2r"])
        #expect(installation.outbound.encryptionKey.revealedBytes() == keys["child1_encr_r2i"])
        #expect(installation.outbound.spi == (keys["child1_spi_r2i"].map { $0.reduce(UInt32(0)) { $0 << 8 | UInt32($1) } }))
        out = Outcome()
        IKEAuthResponder.handle(childSAInstallResult: .installed, sa: &sa, env: env, out: &out)
        // <-- { IDr, AUTH, CP(CFG_REPLY), SAr2, TSi, TSr }, sealed with the capture's SK_er.
        let response = try opened(out)
        guard case .authentication(let auth)? = response.first(where: { $0.type == .authentication }) else {
            Issue.record("no AUTH in our answer")
            return
        }
        #expect(auth.authenticationData == keys["auth_r_value"])
        #expect(Harness.steps(out.effects) == ["accountingStart"])

        // The rest of the real client's requests: DPD, CHILD_SA rekey, Delete, IKE SA rekey, Delete.
        var answered = 1
        var ended = false
        for message in clientRequests.dropFirst() where !ended {
            let header = try IKEMessage.parse(message.bytes).header
            out = try deliver(message, to: &sa)
            ended = Harness.sessionEnd(out.effects) != nil
            #expect(!out.effects.contains { if case .protocolError = $0 { true } else { false } }, "\(message.name): \(out.effects)")
            if header.exchangeType == .createChildSA, let rekey = Harness.installation(out.effects) {
                // A CHILD_SA rekey: answered once tunneld installed the new SA.
                #expect(rekey.replacesInboundSPI == installation.inbound.spi)
                out = Outcome()
                ChildRekeyResponder.handle(installResult: .installed, sa: &sa, env: env, out: &out)
            }
            let answer = try opened(out)
            answered += 1
            switch header.exchangeType {
            case .createChildSA:
                #expect(answer.contains { $0.type == .securityAssociation } && answer.contains { $0.type == .nonce },
                        "\(message.name): \(answer.map(\.type))")
            case .informational:
                #expect(!Harness.notifies(answer).contains { $0.isError }, "\(message.name)")
            default:
                Issue.record("unexpected \(message.name)")
            }
            if header.exchangeType == .createChildSA, out.actions.contains(where: { if case .register = $0 { true } else { false } }) {
                // The IKE SA rekey moved the session; the next request is the Delete of this old SA.
                guard case .rekeyed = sa.phase else { Issue.record("old SA not rekeyed"); return }
                let delete = try #require(clientRequests.first { try IKEMessage.parse($0.bytes).header.messageID == header.messageID.next })
                out = try deliver(delete, to: &sa)
                #expect(try opened(out).isEmpty)
                #expect(out.actions.contains { if case .remove = $0 { true } else { false } })
                #expect(Harness.steps(out.effects).isEmpty)   // the session lives on the new SA
                return
            }
        }
        // A capture without an IKE SA rekey: every request answered; a Delete of the IKE SA
        // released everything.
        #expect(answered == clientRequests.count)
        if ended { #expect(Harness.steps(out.effects) == InformationalExchangeTests.teardown) }
    }

    /// A real fragmented IKE_AUTH (RFC 7383, strongSwan `fragment_size = 300`) with
    /// certificates and an RFC 7427 signature: the fragments are reassembled, and the
    /// broker gets a signature request whose octets are strongSwan's own.
    @Test(arguments: ["strongswan-frag-ecdsa", "strongswan-frag-rsa"])
    func testRealFragmentedIKEAuthIsReassembled_intoASignatureRequest(_ scenario: String) throws {
        let messages = try Self.messages(scenario)
        let keys = try Self.keys(scenario)
        let env = ExchangeEnvironment(configuration: try Self.configuration(), random: SystemRandom(), now: MonotonicTime(seconds: 2))
        var sa = try Self.halfOpenSA(scenario, messages: messages, keys: keys)
        let fragments = try messages.filter {
            let header = try IKEMessage.parse($0.bytes).header
            return header.exchangeType == .ikeAuth && !header.isResponse
        }
        try #require(fragments.count > 1)
        var request: AuthRequest?
        for (index, fragment) in fragments.enumerated() {
            var out = Outcome()
            sa.receive(try IKEMessage.parse(fragment.bytes),
                       datagram: InboundDatagram(bytes: fragment.bytes, remote: Self.client, local: Self.hub), env: env, out: &out)
            #expect(!out.effects.contains { if case .protocolError = $0 { true } else { false } }, "\(fragment.name): \(out.effects)")
            request = Harness.authRequest(out.effects)
            // Nothing happens until the last fragment is in.
            #expect((request != nil) == (index == fragments.count - 1), "\(fragment.name)")
        }
        let auth = try #require(request)
        guard case .signature(let payload, let certificates) = auth.method else {
            Issue.record("not a signature request: \(auth.method)")
            return
        }
        #expect(payload.method == .digitalSignature)
        #expect(!certificates.isEmpty)
        #expect(auth.initiatorSignedOctets == keys["auth_i_octets"])
        // RealMessage2 | Ni as the hub signed it (its IDr may differ from our configured one).
        let expected = try #require(keys["auth_r_octets"])
        let prefix = expected.count - sa.keys.transforms.prf.outputLength
        #expect(Array(auth.responderSignedOctets.prefix(prefix)) == Array(expected.prefix(prefix)))
    }

    /// The real client with the wrong PSK: the broker (with the hub's key) rejects its AUTH,
    /// we answer N(AUTHENTICATION_FAILED) inside SK, as the real hub did, and nothing was allocated.
    @Test func testRealClientWithWrongPSK_isRefusedWithAuthenticationFailed() throws {
        let scenario = "strongswan-psk-auth-failed"
        let messages = try Self.messages(scenario)
        let keys = try Self.keys(scenario)
        let env = ExchangeEnvironment(configuration: try Self.configuration(), random: SystemRandom(), now: MonotonicTime(seconds: 2))
        var sa = try Self.halfOpenSA(scenario, messages: messages, keys: keys)
        let request = try #require(try messages.first {
            let header = try IKEMessage.parse($0.bytes).header
            return header.exchangeType == .ikeAuth && !header.isResponse
        })
        var out = Outcome()
        sa.receive(try IKEMessage.parse(request.bytes), datagram: InboundDatagram(bytes: request.bytes, remote: Self.client, local: Self.hub),
                   env: env, out: &out)
        let auth = try #require(Harness.authRequest(out.effects))
        #expect(auth.initiatorSignedOctets == keys["auth_i_octets"])
        var broker = Harness()
        broker.brokerPSK = Array("lab-psk-secret-0123456789".utf8)   // the hub's key, not the client's
        let verdict = try broker.broker(auth)
        guard case .rejected = verdict else { Issue.record("wrong PSK accepted"); return }
        out = Outcome()
        IKEAuthResponder.handle(authResult: verdict, sa: &sa, env: env, out: &out)
        #expect(Harness.steps(out.effects) == ["deleteSession"])
        let cipher = try EncryptedPayloadCipher(transforms: sa.keys.transforms, keys: sa.keys.keys, sender: .originalResponder)
        let bytes = try #require(Harness.sent(out.effects).first)
        let sk = try #require(try IKEMessage.parse(bytes).encryptedPayload)
        let inner = try Payload.parseChain(try cipher.open(message: bytes, encryptedPayloadOffset: bytes.count - 4 - sk.body.count),
                                           firstPayload: sk.innerFirstPayload)
        #expect(Harness.notifies(inner) == [.authenticationFailed])
        // The real hub's answer said the same.
        let hubAnswer = try #require(try messages.first {
            let header = try IKEMessage.parse($0.bytes).header
            return header.exchangeType == .ikeAuth && header.isResponse
        })
        let hubSK = try #require(try IKEMessage.parse(hubAnswer.bytes).encryptedPayload)
        let hubInner = try Payload.parseChain(try cipher.open(message: hubAnswer.bytes,
                                                              encryptedPayloadOffset: hubAnswer.bytes.count - 4 - hubSK.body.count),
                                              firstPayload: hubSK.innerFirstPayload)
        #expect(Harness.notifies(hubInner) == Harness.notifies(inner))
    }
}
