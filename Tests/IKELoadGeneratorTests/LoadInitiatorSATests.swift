import HubVocabulary
import IKECrypto
import IKEExchanges
import IKELoadGenerator
import IKEWire
import Testing

/// The load initiator's sans-I/O SA against the real responder engine (IKESATable), in
/// memory: the test plays the auth broker, addrd and tunneld as the two-party tests do.
struct LoadInitiatorSATests {
    static let gateway = Endpoint(address: .v4(IPv4Address(0xc633_6401)), port: 500)       // 198.51.100.1
    static let gatewayNATT = Endpoint(address: .v4(IPv4Address(0xc633_6401)), port: 4500)
    static let client = Endpoint(address: .v4(IPv4Address(0xcb00_7107)), port: 40_000)     // 203.0.113.7
    static let psk = Array("bench-psk-0123456789".utf8)

    static func configuration(dpd: ResponderConfiguration.DeadPeerDetection? = nil,
                              cookieThreshold: Int = 30) throws -> ResponderConfiguration {
        let ike = IKEProposalConfiguration(
            name: "bench", encryptions: [try EncryptionTransform(.aesCBC, keyLengthBits: 128)],
            integrities: [.hmacSHA256_128], prfs: [.hmacSHA256], groups: [.curve25519, .modp2048])
        let esp = ChildProposalConfiguration(name: "gcm", encryptions: [try EncryptionTransform(.aesGCM16, keyLengthBits: 128)])
        var limits = ResponderConfiguration.Limits()
        limits.cookieChallengeThreshold = cookieThreshold
        return ResponderConfiguration(
            ikeProposals: [ike], childProposals: [esp], localIdentity: .fqdn("hub.lab"),
            protectedSelectors: [TrafficSelector(startAddress: .v4(IPv4Address(0x0a63_c800)), endAddress: .v4(IPv4Address(0x0a63_c8ff)))],
            limits: limits, deadPeerDetection: dpd)
    }

    static func profile(group: DiffieHellmanGroup, childSA: Bool = true) throws -> LoadProfile {
        try LoadProfile(suite: try .aes128SHA256(group: group), childSA: childSA, preSharedKey: psk,
                        expectedResponderIdentity: .fqdn("hub.lab"))
    }

    struct Run {
        var table: IKESATable
        var now = MonotonicTime(seconds: 1_000)
        var effects: [IKEEffect] = []
        /// The auth broker's answer to an `.authenticate` step (PSK on both sides unless told).
        var authenticator: (AuthRequest) -> AuthResult = Run.sharedKeyBroker

        static func sent(_ effects: [IKEEffect]) -> [[UInt8]] {
            effects.compactMap { if case .send(let datagram) = $0 { datagram.bytes } else { nil } }
        }

        mutating func deliver(_ datagram: LoadDatagram) -> [[UInt8]] {
            let local = datagram.port == .ike ? LoadInitiatorSATests.gateway : LoadInitiatorSATests.gatewayNATT
            let produced = table.handle(datagram: InboundDatagram(bytes: datagram.bytes, remote: LoadInitiatorSATests.client,
                                                                  local: local), at: now)
            effects += produced
            return Run.sent(produced) + answerSetupSteps(produced)
        }

        /// Answers .authenticate / .allocateAddress / .createVirtualAccess / .installChildSA
        /// as the other processes do, and returns what the responder then sends.
        mutating func answerSetupSteps(_ produced: [IKEEffect]) -> [[UInt8]] {
            var out: [[UInt8]] = []
            for effect in produced {
                var next: [IKEEffect] = []
                switch effect {
                case .authenticate(let request):
                    next = table.handle(authResult: authenticator(request), session: request.session, at: now)
                case .allocateAddress(let request):
                    next = table.handle(addressResult: .assigned(AddressAssignment(
                        lease: LeaseID(1), ipv4Address: IPv4Address(0x0a80_0001), ipv4Netmask: IPv4Address(0xffff_ffff),
                        attributes: [])), session: request.session, at: now)
                case .createVirtualAccess(let request):
                    next = table.handle(virtualAccessResult: .created(VirtualAccessInterface(index: 1)),
                                        session: request.session, at: now)
                case .installChildSA(let installation):
                    next = table.handle(childSAInstallResult: .installed, session: installation.session,
                                        inboundSPI: installation.inbound.spi, at: now)
                default:
                    continue
                }
                effects += next
                out += Run.sent(next) + answerSetupSteps(next)
            }
            return out
        }

        /// Checks the initiator's PSK AUTH and answers with ours (RFC 7296 §2.15).
        static func sharedKeyBroker(_ request: AuthRequest) -> AuthResult {
            guard case .sharedKey(let auth) = request.method,
                  let key = try? request.prf.compute(key: LoadInitiatorSATests.psk, data: Array("Key Pad for IKEv2".utf8)),
                  let expected = try? request.prf.compute(key: key, data: request.initiatorSignedOctets),
                  expected == auth.authenticationData,
                  let ours = try? request.prf.compute(key: key, data: request.responderSignedOctets) else {
                return .rejected(reason: "AUTH mismatch")
            }
            return .authenticated(AuthSuccess(responderAuthentication: AuthenticationPayload(
                method: .sharedKeyMessageIntegrityCode, authenticationData: ours)))
        }
    }

    /// Drives one SA until it settles; returns the last reaction's kind and the SA.
    static func establish(_ sa: inout LoadInitiatorSA, _ run: inout Run) throws -> String {
        var pending = [try sa.initialRequest()]
        for _ in 0..<10 {
            guard let datagram = pending.popLast() else { break }
            for answer in run.deliver(datagram) {
                switch sa.receive(answer, random: SystemRandom()) {
                case .request(let next), .response(let next): pending.append(next)
                case .established: return "established"
                case .failed(let reason): return "failed: \(reason)"
                case .deleted: return "deleted"
                case .none: break
                }
            }
        }
        return "unsettled"
    }

    @Test(arguments: [DiffieHellmanGroup.curve25519, .modp2048])
    func testEstablishesIKESAAndChild_whenResponderIsTheEngine(group: DiffieHellmanGroup) throws {
        var run = Run(table: IKESATable(configuration: try Self.configuration()))
        var sa = try LoadInitiatorSA(index: 7, profile: try Self.profile(group: group), keyExchange: try KeyExchange(group: group),
                                     gateway: Self.gateway.address, random: SystemRandom())
        #expect(try Self.establish(&sa, &run) == "established")
        #expect(sa.phase == .established)
        #expect(sa.assignedAddress == IPv4Address(0x0a80_0001))
        #expect(run.effects.contains { if case .installChildSA = $0 { true } else { false } })
        #expect(run.table.count == 1)
    }

    @Test func testSharedKeyExchange_givesEachSAItsOwnKeys() throws {
        var run = Run(table: IKESATable(configuration: try Self.configuration()))
        let shared = try KeyExchange(group: .curve25519)
        let profile = try Self.profile(group: .curve25519)
        for index in 0..<3 {
            var sa = try LoadInitiatorSA(index: index, profile: profile, keyExchange: shared, gateway: Self.gateway.address,
                                         random: SystemRandom())
            #expect(try Self.establish(&sa, &run) == "established")
        }
        #expect(run.table.count == 3)
    }

    @Test func testAnswersCookieChallenge() throws {
        var run = Run(table: IKESATable(configuration: try Self.configuration(cookieThreshold: 1)))
        let profile = try Self.profile(group: .curve25519)
        // The first half-open SA puts the table at its cookie threshold.
        var first = try LoadInitiatorSA(index: 0, profile: profile, keyExchange: try KeyExchange(group: .curve25519),
                                        gateway: Self.gateway.address, random: SystemRandom())
        _ = run.deliver(try first.initialRequest())
        var second = try LoadInitiatorSA(index: 1, profile: profile, keyExchange: try KeyExchange(group: .curve25519),
                                         gateway: Self.gateway.address, random: SystemRandom())
        #expect(try Self.establish(&second, &run) == "established")
        #expect(second.cookieRounds == 1)
    }

    @Test func testChildlessRequest_isAnsweredOrRefusedWithANotify() throws {
        var run = Run(table: IKESATable(configuration: try Self.configuration()))
        var sa = try LoadInitiatorSA(index: 1, profile: try Self.profile(group: .curve25519, childSA: false),
                                     keyExchange: try KeyExchange(group: .curve25519), gateway: Self.gateway.address,
                                     random: SystemRandom())
        let outcome = try Self.establish(&sa, &run)
        // RFC 6023 support in the engine is under way: either outcome is a settled answer.
        #expect(outcome == "established" || outcome.hasPrefix("failed: IKE_AUTH refused"), "\(outcome)")
        #expect(!run.effects.contains { if case .installChildSA = $0 { true } else { false } })
    }

    @Test func testAnswersDeadPeerDetection_andRepeatsTheAnswerToARetransmission() throws {
        var run = Run(table: IKESATable(configuration: try Self.configuration(dpd: .init(intervalSeconds: 10))))
        var sa = try LoadInitiatorSA(index: 3, profile: try Self.profile(group: .curve25519),
                                     keyExchange: try KeyExchange(group: .curve25519), gateway: Self.gateway.address,
                                     random: SystemRandom())
        #expect(try Self.establish(&sa, &run) == "established")
        // Fire the responder's timers until it sends its liveness check.
        var request: [UInt8]?
        for _ in 0..<6 where request == nil {
            run.now = run.now.adding(seconds: 11)
            let timers = run.effects.compactMap { if case .setTimer(let timer) = $0 { timer } else { nil } }
            run.effects = []
            for timer in timers where timer.deadline <= run.now {
                let produced = run.table.handle(timer: timer, at: run.now)
                run.effects += produced
                request = request ?? Run.sent(produced).first
            }
        }
        let dpd = try #require(request)
        guard case .response(let answer) = sa.receive(dpd, random: SystemRandom()) else {
            Issue.record("no answer to the DPD request")
            return
        }
        guard case .response(let again) = sa.receive(dpd, random: SystemRandom()) else {
            Issue.record("no answer to the retransmitted DPD request")
            return
        }
        #expect(again == answer)
        #expect(sa.requestsAnswered == 1)
        let produced = run.table.handle(datagram: InboundDatagram(bytes: answer.bytes, remote: Self.client, local: Self.gatewayNATT),
                                        at: run.now)
        #expect(!produced.contains { if case .protocolError = $0 { true } else { false } })
        #expect(run.table.count == 1)
    }

    @Test func testQuantile_isNearestRank() {
        let values = (1...100).map(Double.init)
        #expect(LoadReport.quantile(values, 0.5) == 50)
        #expect(LoadReport.quantile(values, 0.99) == 99)
        #expect(LoadReport.quantile([], 0.5) == 0)
    }
}
