import HubVocabulary
import IKECrypto
import IKEExchanges
import IKEWire
import Testing

/// The responder under test plus the other processes' answers, all in memory. The test
/// plays the auth broker (it computes the PSK AUTH values as the broker will), addrd and
/// tunneld by feeding their results back.
struct Harness {
    var table: IKESATable
    var now = MonotonicTime(seconds: 10_000)
    static let gateway = Endpoint(address: .v4(IPv4Address(0xc633_6401)), port: 500)   // 198.51.100.1
    static let client = Endpoint(address: .v4(IPv4Address(0xcb00_7107)), port: 500)    // 203.0.113.7
    static let psk = Array("flexvpn-lab-psk-0123456789".utf8)
    static let clientIdentity = PeerIdentity.fqdn("client.example.net")
    static let gatewayIdentity = PeerIdentity.fqdn("hub.example.com")
    static let assignedAddress = IPv4Address(0x0a0a_0005)                                 // 10.10.0.5
    /// The PSK the broker holds for the client.
    var brokerPSK = Harness.psk
    /// Every effect in order, for assertions over a whole run.
    private(set) var log: [IKEEffect] = []

    init(configuration: ResponderConfiguration = Harness.configuration()) {
        table = IKESATable(configuration: configuration)
    }

    static func suites() throws -> [TestInitiator.Suite] {
        [
            .init(encryption: try EncryptionTransform(.aesGCM16, keyLengthBits: 256), integrity: nil, prf: .hmacSHA256, group: .curve25519),
            .init(encryption: try EncryptionTransform(.aesCBC, keyLengthBits: 256), integrity: .hmacSHA256_128, prf: .hmacSHA256, group: .modp2048),
            .init(encryption: try EncryptionTransform(.chacha20Poly1305), integrity: nil, prf: .hmacSHA384, group: .ecp256),
        ]
    }

    static func configuration(dpd: ResponderConfiguration.DeadPeerDetection? = nil,
                              limits: ResponderConfiguration.Limits = .init(),
                              lifetimes: ResponderConfiguration.Lifetimes = .init(),
                              childPFS: DiffieHellmanGroup? = nil,
                              protected: [TrafficSelector] = [protectedSubnet],
                              requiresCP: Bool = false, requiresAuthorization: Bool = false) -> ResponderConfiguration {
        let aead = IKEProposalConfiguration(
            name: "aead", encryptions: [try! EncryptionTransform(.aesGCM16, keyLengthBits: 256), try! EncryptionTransform(.chacha20Poly1305)],
            prfs: [.hmacSHA384, .hmacSHA256], groups: [.curve25519, .ecp256])
        let cbc = IKEProposalConfiguration(
            name: "cbc", encryptions: [try! EncryptionTransform(.aesCBC, keyLengthBits: 256)],
            integrities: [.hmacSHA256_128], prfs: [.hmacSHA256], groups: [.modp2048])
        let esp = ChildProposalConfiguration(
            name: "esp-gcm", encryptions: [try! EncryptionTransform(.aesGCM16, keyLengthBits: 256),
                                           try! EncryptionTransform(.aesCBC, keyLengthBits: 256)],
            integrities: [.hmacSHA256_128], pfsGroup: childPFS)
        return ResponderConfiguration(
            ikeProposals: [aead, cbc], childProposals: [esp], localIdentity: gatewayIdentity, protectedSelectors: protected,
            requiresConfigurationRequest: requiresCP, requiresAuthorization: requiresAuthorization, limits: limits,
            lifetimes: lifetimes, deadPeerDetection: dpd)
    }

    /// 10.1.0.0/16 behind the hub.
    static let protectedSubnet = TrafficSelector(startAddress: .v4(IPv4Address(0x0a01_0000)), endAddress: .v4(IPv4Address(0x0a01_ffff)))

    mutating func advance(seconds: Int64) { now = now.adding(seconds: seconds) }

    // MARK: - Inputs

    mutating func deliver(_ datagrams: [[UInt8]], from: Endpoint = Harness.client, to: Endpoint = Harness.gateway) -> [IKEEffect] {
        var effects: [IKEEffect] = []
        for bytes in datagrams {
            effects += table.handle(datagram: InboundDatagram(bytes: bytes, remote: from, local: to), at: now)
        }
        log += effects
        return effects
    }

    mutating func record(_ effects: [IKEEffect]) -> [IKEEffect] {
        log += effects
        return effects
    }

    /// Fires every timer in `effects` that is due by `now` (latest deadline per timer kind).
    mutating func fireDueTimers(from effects: [IKEEffect]) -> [IKEEffect] {
        var result: [IKEEffect] = []
        for timer in Harness.timers(effects) where timer.deadline <= now {
            result += record(table.handle(timer: timer, at: now))
        }
        return result
    }

    // MARK: - The broker, as the auth broker will compute it

    /// Checks the initiator's AUTH with `brokerPSK` and computes ours (RFC 7296 §2.15).
    func broker(_ request: AuthRequest) throws -> AuthResult {
        guard case .sharedKey(let auth) = request.method else { return .rejected(reason: "not PSK") }
        let key = try request.prf.compute(key: brokerPSK, data: TestInitiator.keyPad)
        let expected = try request.prf.compute(key: key, data: request.initiatorSignedOctets)
        guard constantTimeEquals(expected, auth.authenticationData) else { return .rejected(reason: "AUTH mismatch") }
        let ours = try request.prf.compute(key: key, data: request.responderSignedOctets)
        return .authenticated(AuthSuccess(responderAuthentication: AuthenticationPayload(
            method: .sharedKeyMessageIntegrityCode, authenticationData: ours)))
    }

    // MARK: - Effect helpers

    static func sent(_ effects: [IKEEffect]) -> [[UInt8]] {
        effects.compactMap { if case .send(let datagram) = $0 { datagram.bytes } else { nil } }
    }

    static func timers(_ effects: [IKEEffect]) -> [IKETimer] {
        effects.compactMap { if case .setTimer(let timer) = $0 { timer } else { nil } }
    }

    /// The names of the non-send, non-timer effects, in order, for sequence assertions.
    static func steps(_ effects: [IKEEffect]) -> [String] {
        effects.compactMap { effect in
            switch effect {
            case .send, .setTimer, .protocolError, .checkpoint: nil
            case .authenticate: "authenticate"
            case .authorize: "authorize"
            case .allocateAddress: "allocateAddress"
            case .releaseAddress: "releaseAddress"
            case .createVirtualAccess: "createVirtualAccess"
            case .deleteVirtualAccess: "deleteVirtualAccess"
            case .installChildSA: "installChildSA"
            case .deleteChildSA: "deleteChildSA"
            case .accountingStart: "accountingStart"
            case .accountingStop: "accountingStop"
            case .sessionMoved: "sessionMoved"
            case .deleteSession: "deleteSession"
            }
        }
    }

    static func authRequest(_ effects: [IKEEffect]) -> AuthRequest? {
        effects.lazy.compactMap { if case .authenticate(let r) = $0 { r } else { nil } }.first
    }

    static func installation(_ effects: [IKEEffect]) -> ChildSAInstallation? {
        effects.lazy.compactMap { if case .installChildSA(let r) = $0 { r } else { nil } }.first
    }

    static func checkpoints(_ effects: [IKEEffect]) -> [IKESACheckpoint] {
        effects.compactMap { if case .checkpoint(let c) = $0 { c } else { nil } }
    }

    static func sessionEnd(_ effects: [IKEEffect]) -> SessionEnd? {
        effects.lazy.compactMap { if case .deleteSession(let r) = $0 { r } else { nil } }.first
    }

    static func notifies(_ payloads: [Payload]) -> [NotifyType] {
        payloads.compactMap { if case .notify(let n) = $0 { n.notifyType } else { nil } }
    }

    // MARK: - Whole exchanges

    /// IKE_SA_INIT until accepted (answers COOKIE and INVALID_KE_PAYLOAD on the way).
    mutating func initialExchange(_ initiator: inout TestInitiator) throws {
        for _ in 0..<3 {
            // IKE_SA_INIT { HDR, [N(COOKIE)], SAi1, KEi, Ni, N(NAT_D)… } -->
            let effects = deliver([try initiator.makeInitRequest()], from: initiator.endpoint)
            let responses = Harness.sent(effects)
            try #require(responses.count == 1)
            // <-- { HDR, SAr1, KEr, Nr, N(NAT_D)…, N(FRAGMENTATION_SUPPORTED) }
            switch try initiator.takeInitResponse(responses[0]) {
            case .accepted: return
            case .cookie(let cookie): initiator.cookie = cookie
            case .invalidKE(let group):
                initiator.keyExchange = try KeyExchange(group: try #require(DiffieHellmanGroup(transformID: group)))
            case .refused(let notify): throw TestInitiator.Failure.unexpected("IKE_SA_INIT refused: \(notify)")
            }
        }
        throw TestInitiator.Failure.unexpected("IKE_SA_INIT did not settle")
    }

    /// The client's IKE_AUTH payloads: IDi, AUTH, CP(CFG_REQUEST), SAi2, TSi, TSr.
    static func ikeAuthPayloads(_ initiator: TestInitiator, psk: [UInt8] = Harness.psk, childSPI: UInt32 = 0xc0ff_ee01,
                                configurationRequest: Bool = true, tsi: [TrafficSelector] = [.allIPv4],
                                tsr: [TrafficSelector] = [.allIPv4], esp: [Proposal]? = nil,
                                initialContact: Bool = false, padding: Int = 0) throws -> [Payload] {
        let idi = IdentificationPayload(identity: clientIdentity)
        var payloads: [Payload] = [.identificationInitiator(idi)]
        if initialContact { payloads.append(.notify(NotifyPayload(type: .initialContact))) }
        payloads.append(.authentication(try initiator.initiatorAuth(psk: psk, id: idi)))
        if configurationRequest {
            payloads.append(.configuration(ConfigurationPayload(configurationType: .request, attributes: [
                ConfigurationAttribute(type: .internalIP4Address), ConfigurationAttribute(type: .internalIP4DNS),
            ])))
        }
        let proposals = try esp ?? [espProposal(spi: childSPI, encryption: try EncryptionTransform(.aesGCM16, keyLengthBits: 256))]
        payloads += [
            .securityAssociation(SecurityAssociationPayload(proposals: proposals)),
            .trafficSelectorInitiator(TrafficSelectorPayload(tsi)),
            .trafficSelectorResponder(TrafficSelectorPayload(tsr)),
        ]
        // Vendor IDs to make a message large enough to need fragments.
        if padding > 0 { payloads.append(.vendorID(VendorIDPayload(vendorID: [UInt8](repeating: 0x5a, count: padding)))) }
        return payloads
    }

    static let assignment = AddressAssignment(
        lease: LeaseID(7), ipv4Address: Harness.assignedAddress, ipv4Netmask: IPv4Address(0xffff_ffff),
        attributes: [.ipv4(.internalIP4DNS, IPv4Address(0x0a01_0035))])

    /// What a complete setup gave.
    struct Setup {
        var session: SessionID
        var installation: ChildSAInstallation
        var response: (header: IKEHeader, payloads: [Payload])
        var responseDatagrams: [[UInt8]]
        var effects: [IKEEffect]
    }

    /// IKE_SA_INIT and IKE_AUTH with every setup step answered successfully.
    mutating func establish(_ initiator: inout TestInitiator, payloads: [Payload]? = nil,
                            fragmentContent: Int? = nil) throws -> Setup {
        try initialExchange(&initiator)
        // IKE_AUTH { HDR, SK {IDi, AUTH, CP(CFG_REQUEST), SAi2, TSi, TSr} } -->
        let request = try initiator.request(.ikeAuth, payloads ?? Harness.ikeAuthPayloads(initiator),
                                            fragmentContent: fragmentContent)
        var effects = deliver(request, from: initiator.endpoint)
        let auth = try #require(Harness.authRequest(effects))
        // .authenticate --> broker --> AuthResult
        effects += record(table.handle(authResult: try broker(auth), session: auth.session, at: now))
        // .allocateAddress --> addrd --> assigned 10.10.0.5
        effects += record(table.handle(addressResult: .assigned(Harness.assignment), session: auth.session, at: now))
        // .createVirtualAccess --> tunneld --> Virtual-Access1
        effects += record(table.handle(virtualAccessResult: .created(VirtualAccessInterface(index: 1)), session: auth.session, at: now))
        // .installChildSA --> tunneld --> installed
        let installation = try #require(Harness.installation(effects))
        let final = record(table.handle(childSAInstallResult: .installed, session: auth.session,
                                        inboundSPI: installation.inbound.spi, at: now))
        effects += final
        // <-- { HDR, SK {IDr, AUTH, CP(CFG_REPLY), SAr2, TSi, TSr} }
        let datagrams = Harness.sent(final)
        let response = try initiator.open(datagrams)
        return Setup(session: auth.session, installation: installation, response: response, responseDatagrams: datagrams,
                     effects: effects)
    }
}
