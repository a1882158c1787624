import HubVocabulary
import IKECrypto
import IKEWire

/// Which responder port a datagram goes to: IKE (500) or NAT-T (4500, behind the
/// four-octet non-ESP marker, RFC 3948 §2.2, which the I/O layer adds and strips).
public enum LoadPort: Hashable, Sendable {
    case ike
    case natTraversal
}

/// One datagram for the I/O layer to send to the responder.
public struct LoadDatagram: Hashable, Sendable {
    public var bytes: [UInt8]
    public var port: LoadPort
}

/// One IKE SA of the load initiator, sans-I/O: it builds IKE_SA_INIT and IKE_AUTH
/// (RFC 7296 §1.2) from IKEWire and IKECrypto, takes the responder's datagrams and answers
/// the responder's own requests (DPD, RFC 7296 §2.4; DELETE). The driver owns sockets,
/// clocks and retransmission timing; this type only says what to (re)send.
public struct LoadInitiatorSA {
    /// Where the SA stands.
    public enum Phase: Equatable, Sendable {
        /// IKE_SA_INIT sent, waiting for the answer.
        case awaitingInitResponse
        /// IKE_AUTH sent, waiting for the answer.
        case awaitingAuthResponse
        /// IKE_AUTH accepted: the SA is up (and its CHILD_SA, when asked for).
        case established
        /// The responder refused (a notify) or answered something we cannot use.
        case failed(String)
        /// The responder deleted the SA (INFORMATIONAL with DELETE).
        case deleted
    }

    /// What a received datagram led to.
    public enum Reaction: Sendable {
        /// Nothing to do (a duplicate, or not for us).
        case none
        /// Send this as the next request of ours (it replaces the outstanding one).
        case request(LoadDatagram)
        /// Send this response to a request of the responder's.
        case response(LoadDatagram)
        /// The SA is established (IKE_AUTH accepted).
        case established
        /// The SA failed, for the reason given.
        case failed(String)
        /// The responder deleted the SA; `response` acknowledges it.
        case deleted(response: LoadDatagram)
    }

    public let index: Int
    public let spi: IKESPI
    public private(set) var phase: Phase = .awaitingInitResponse
    public private(set) var responderSPI = IKESPI.zero
    /// The request waiting for an answer (what a retransmission resends).
    public private(set) var outstandingRequest: LoadDatagram?
    /// The address CFG_REPLY assigned, if any.
    public private(set) var assignedAddress: IPv4Address?
    /// COOKIE (RFC 7296 §2.6) and INVALID_KE_PAYLOAD rounds this SA went through.
    public private(set) var cookieRounds = 0
    /// Requests of the responder's answered (DPD and other INFORMATIONALs).
    public private(set) var requestsAnswered = 0
    /// How the responder's AUTH was checked ("shared key MIC", "method 9", "method 14
    /// (ECDSA/sha256)", …); nil until IKE_AUTH is accepted, or when it was not checked.
    public private(set) var responderAuthenticationMethod: String?

    private let profile: LoadProfile
    private let keyExchange: KeyExchange
    private let gatewayNATHashInput: [UInt8]
    private var nonce: [UInt8]
    private var initRequest: [UInt8] = []
    private var cookie: [UInt8]?
    private var port: LoadPort = .ike
    private var sealer: EncryptedPayloadCipher?
    private var opener: EncryptedPayloadCipher?
    /// SK_pr, kept until the responder's AUTH is checked.
    private var responderAuthKey: SecretBytes?
    private var responderAuthOctets: [UInt8] = []
    private var nextMessageID: UInt32 = 1
    /// The responder's next request Message ID and our cached answer to its last one
    /// (RFC 7296 §2.2: a retransmitted request gets the same response again).
    private var peerMessageID: UInt32 = 0
    private var lastResponse: LoadDatagram?
    /// SKF fragments of the message being reassembled, by its Message ID (RFC 7383 §2.6).
    private var fragments: (messageID: UInt32, reassembler: FragmentReassembler)?

    /// - Parameters:
    ///   - keyExchange: our KE; a load run may share one key pair among its SAs (each SA
    ///     still has its own nonces, SPIs, and so its own keys), which halves the
    ///     initiator's DH cost so that it stays faster than the responder.
    ///   - gateway: the responder's address and IKE port, for NAT_DETECTION_DESTINATION_IP.
    public init(index: Int, profile: LoadProfile, keyExchange: KeyExchange, gateway: IPAddress, gatewayPort: UInt16 = 500,
                random: some RandomSource) throws {
        self.index = index
        self.profile = profile
        self.keyExchange = keyExchange
        spi = try random.ikeSPI()
        nonce = try random.nonce()
        gatewayNATHashInput = gateway.bytes + [UInt8(gatewayPort >> 8), UInt8(gatewayPort & 0xff)]
    }

    // MARK: - IKE_SA_INIT

    /// IKE_SA_INIT { HDR, [N(COOKIE)], SAi1, KEi, Ni, N(NAT_D)…, N(FRAGMENTATION_SUPPORTED) }.
    public mutating func initialRequest() throws -> LoadDatagram {
        let header = IKEHeader(initiatorSPI: spi, responderSPI: .zero, exchangeType: .ikeSAInit, flags: [.initiator],
                               messageID: .zero)
        var transforms = [encryptionTransform(profile.suite.encryption),
                          Transform(type: .pseudorandomFunction, id: profile.suite.prf.transformID)]
        if let integrity = profile.suite.integrity { transforms.append(Transform(type: .integrity, id: integrity.transformID)) }
        transforms.append(Transform(type: .keyExchangeMethod, id: keyExchange.group.transformID))
        var payloads: [Payload] = []
        if let cookie { payloads.append(.notify(.cookie(cookie))) }
        payloads += [
            .securityAssociation(SecurityAssociationPayload(proposals: [Proposal(number: 1, protocolID: .ike, transforms: transforms)])),
            .keyExchange(KeyExchangePayload(group: keyExchange.group.transformID, keyExchangeData: keyExchange.publicValue)),
            .nonce(NoncePayload(data: nonce)),
        ]
        let spis = spi.bytes + IKESPI.zero.bytes
        // RFC 7296 §2.23: a source hash that cannot match makes the responder see a NAT
        // (strongSwan `encap = yes` sends a random one).
        let source = profile.forceNATTraversal ? [UInt8](repeating: 0, count: 6) : []
        payloads.append(.notify(.natDetectionSourceIP(hash: try MessageDigest.sha1.hash(parts: [spis, source]))))
        payloads.append(.notify(.natDetectionDestinationIP(hash: try MessageDigest.sha1.hash(parts: [spis, gatewayNATHashInput]))))
        payloads.append(.notify(NotifyPayload(type: .ikev2FragmentationSupported)))
        if profile.gatewayCertificates != nil {
            payloads.append(.notify(.signatureHashAlgorithms([.sha256, .sha384, .sha512])))
        }
        if !profile.childSA { payloads.append(.notify(NotifyPayload(type: .childlessIKEv2Supported))) }
        initRequest = IKEMessage(header: header, payloads: payloads).serialize()
        let datagram = LoadDatagram(bytes: initRequest, port: .ike)
        outstandingRequest = datagram
        return datagram
    }

    // MARK: - Receive

    /// Takes one datagram from the responder (IKE header first, marker stripped).
    public mutating func receive(_ bytes: [UInt8], random: some RandomSource) -> Reaction {
        do {
            return try process(bytes, random: random)
        } catch {
            phase = .failed("\(error)")
            outstandingRequest = nil
            return .failed("\(error)")
        }
    }

    private mutating func process(_ bytes: [UInt8], random: some RandomSource) throws -> Reaction {
        var reader = ByteReader(bytes)
        let header = try IKEHeader.parse(from: &reader)
        guard header.initiatorSPI == spi else { return .none }
        if !header.flags.contains(.response) { return try answerPeerRequest(header, bytes, random: random) }
        switch phase {
        case .awaitingInitResponse where header.exchangeType == .ikeSAInit && header.messageID.rawValue == 0:
            return try takeInitResponse(bytes, random: random)
        case .awaitingAuthResponse where header.exchangeType == .ikeAuth && header.messageID.rawValue == nextMessageID - 1:
            return try takeAuthResponse(header, bytes)
        default:
            return .none   // a late duplicate of an answer we already have
        }
    }

    private mutating func takeInitResponse(_ bytes: [UInt8], random: some RandomSource) throws -> Reaction {
        let message = try IKEMessage.parse(bytes)
        let notifies = message.payloads.notifies
        if let cookieNotify = notifies.first(where: { $0.notifyType == .cookie }) {
            guard cookieRounds < 3 else { return fail("COOKIE loop") }
            cookieRounds += 1
            cookie = try cookieNotify.cookie()
            return .request(try initialRequest())
        }
        if let error = notifies.first(where: { $0.notifyType.isError }) {
            return fail("IKE_SA_INIT refused: \(error.notifyType)")
        }
        guard let ke = message.payloads.keyExchange, let nr = message.payloads.nonce,
              message.payloads.securityAssociation != nil else { return fail("IKE_SA_INIT response without SA/KE/Nr") }
        guard ke.group == keyExchange.group.transformID else { return fail("responder chose group \(ke.group)") }
        responderSPI = message.header.responderSPI
        let suite = profile.suite
        let transforms = try suite.transforms
        let shared = try keyExchange.sharedSecret(peer: ke.keyExchangeData)
        let skeyseed = try IKEKeyMaterial.skeyseed(prf: suite.prf, sharedSecret: shared, initiatorNonce: nonce,
                                                   responderNonce: nr.data)
        let keys = try IKEKeyMaterial.deriveKeys(transforms: transforms, skeyseed: skeyseed, initiatorNonce: nonce,
                                                 responderNonce: nr.data, initiatorSPI: spi, responderSPI: responderSPI)
        sealer = try EncryptedPayloadCipher(transforms: transforms, keys: keys, sender: .originalInitiator)
        opener = try EncryptedPayloadCipher(transforms: transforms, keys: keys, sender: .originalResponder)
        if profile.verifyResponderAuthentication || profile.gatewayCertificates != nil {
            responderAuthKey = keys.skPr
            responderAuthOctets = bytes + nonce   // RealMessage2 | Ni (RFC 7296 §2.15)
        }
        if profile.forceNATTraversal { port = .natTraversal }

        // IKE_AUTH { HDR, SK {IDi, AUTH, [CP(CFG_REQUEST)], [SAi2, TSi, TSr]} } -->
        let idi = IdentificationPayload(identity: profile.identity(of: index))
        let pskKey = try suite.prf.compute(key: profile.preSharedKey, data: Self.keyPad)
        let macedID = try suite.prf.compute(key: keys.skPi.revealedBytes(), data: idi.bodyBytes)
        let auth = try suite.prf.compute(key: pskKey, data: initRequest + nr.data + macedID)
        var payloads: [Payload] = [
            .identificationInitiator(idi),
            .authentication(AuthenticationPayload(method: .sharedKeyMessageIntegrityCode, authenticationData: auth)),
        ]
        if profile.configurationRequest {
            payloads.append(.configuration(ConfigurationPayload(configurationType: .request, attributes: [
                ConfigurationAttribute(type: .internalIP4Address), ConfigurationAttribute(type: .internalIP4DNS),
            ])))
        }
        if profile.childSA {
            let childSPI = try random.childSPI()
            let esp = Proposal(number: 1, protocolID: .esp, spi: [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: childSPI >> $0) },
                               transforms: [encryptionTransform(profile.espEncryption), Transform(type: .sequenceNumbers, id: 0)])
            payloads += [
                .securityAssociation(SecurityAssociationPayload(proposals: [esp])),
                .trafficSelectorInitiator(TrafficSelectorPayload(profile.initiatorSelectors)),
                .trafficSelectorResponder(TrafficSelectorPayload(profile.responderSelectors)),
            ]
        }
        initRequest = []
        nonce = []
        phase = .awaitingAuthResponse
        let request = try seal(.ikeAuth, messageID: nextMessageID, isResponse: false, payloads: payloads, random: random)
        nextMessageID += 1
        outstandingRequest = request
        return .request(request)
    }

    private mutating func takeAuthResponse(_ header: IKEHeader, _ bytes: [UInt8]) throws -> Reaction {
        guard let payloads = try open(bytes) else { return .none }
        if let error = payloads.notifies.first(where: { $0.notifyType.isError }) {
            return fail("IKE_AUTH refused: \(error.notifyType)")
        }
        guard let authPayload = payloads.authentication, let idr = payloads.identificationResponder else {
            return fail("IKE_AUTH response without IDr/AUTH")
        }
        if let expected = profile.expectedResponderIdentity, idr.identity != expected {
            return fail("IDr \(idr.identity), expected \(expected)")
        }
        if let key = responderAuthKey {
            let macedID = try profile.suite.prf.compute(key: key.revealedBytes(), data: idr.bodyBytes)
            if let check = profile.gatewayCertificates {
                // RFC 7296 §2.15: the responder signs RealMessage2 | Ni | prf(SK_pr, IDr').
                do {
                    let method = try check.verify(certificates: payloads.certificates, identity: idr.identity,
                                                  authentication: authPayload, signedOctets: responderAuthOctets + macedID)
                    responderAuthenticationMethod = "\(method)"
                } catch {
                    return fail("responder AUTH (\(authPayload.method)): \(error)")
                }
            } else {
                guard authPayload.method == .sharedKeyMessageIntegrityCode else {
                    return fail("responder AUTH is \(authPayload.method), expected the shared key MIC")
                }
                let pskKey = try profile.suite.prf.compute(key: profile.preSharedKey, data: Self.keyPad)
                let expected = try profile.suite.prf.compute(key: pskKey, data: responderAuthOctets + macedID)
                guard expected == authPayload.authenticationData else { return fail("responder AUTH does not verify") }
                responderAuthenticationMethod = "\(authPayload.method)"
            }
        }
        responderAuthKey = nil
        responderAuthOctets = []
        if profile.childSA && payloads.securityAssociation == nil {
            return fail("IKE_AUTH accepted without the CHILD_SA")
        }
        if let reply = payloads.configuration, reply.configurationType == .reply {
            assignedAddress = reply.attributes.lazy.filter { $0.type == .internalIP4Address }
                .compactMap { IPv4Address(bytes: $0.value) }.first
        }
        phase = .established
        outstandingRequest = nil
        return .established
    }

    // MARK: - The responder's requests

    private mutating func answerPeerRequest(_ header: IKEHeader, _ bytes: [UInt8], random: some RandomSource) throws -> Reaction {
        guard opener != nil else { return .none }
        let id = header.messageID.rawValue
        if id &+ 1 == peerMessageID, let lastResponse { return .response(lastResponse) }
        guard id == peerMessageID else { return .none }
        guard let payloads = try open(bytes) else { return .none }
        peerMessageID &+= 1
        requestsAnswered += 1
        var answer: [Payload] = []
        var deletesIKESA = false
        switch header.exchangeType {
        case .informational:
            for delete in payloads.deletes {
                if delete.protocolID == .ike { deletesIKESA = true } else { answer.append(.delete(delete)) }
            }
        case .createChildSA:
            // We do not rekey in a load run (RFC 7296 §2.8 lets us refuse).
            answer.append(.notify(NotifyPayload(type: .noAdditionalSAs)))
        default:
            return .none
        }
        let response = try seal(header.exchangeType, messageID: id, isResponse: true,
                                payloads: deletesIKESA ? [] : answer, random: random)
        lastResponse = response
        if deletesIKESA {
            phase = .deleted
            outstandingRequest = nil
            return .deleted(response: response)
        }
        return .response(response)
    }

    // MARK: - Protection

    static let keyPad = Array("Key Pad for IKEv2".utf8)

    private func seal(_ exchange: ExchangeType, messageID: UInt32, isResponse: Bool, payloads: [Payload],
                      random: some RandomSource) throws -> LoadDatagram {
        guard let sealer else { throw LoadGeneratorError.noKeys }
        let inner = Payload.serializeChain(payloads)
        let dataLength = sealer.encryptedDataLength(innerPayloadsLength: inner.count)
        var flags: IKEHeader.Flags = [.initiator]
        if isResponse { flags.insert(.response) }
        var head = IKEHeader(initiatorSPI: spi, responderSPI: responderSPI, exchangeType: exchange, flags: flags,
                             messageID: MessageID(messageID))
        head.nextPayload = .encrypted
        head.length = UInt32(IKEHeader.size + 4 + dataLength)
        var writer = ByteWriter()
        head.serialize(into: &writer)
        writer.writeInteger((payloads.first?.type ?? .none).rawValue)
        writer.writeInteger(UInt8(0))
        writer.writeInteger(UInt16(4 + dataLength))
        let bytes = try sealer.seal(authenticatedPrefix: writer.bytes, innerPayloads: inner, random: random)
        return LoadDatagram(bytes: bytes, port: port)
    }

    /// The inner payloads of a protected message; nil while SKF fragments of it are still
    /// missing (RFC 7383 §2.6: a signing gateway's IKE_AUTH answer with its certificate
    /// is often larger than one fragment).
    private mutating func open(_ bytes: [UInt8]) throws -> [Payload]? {
        guard let opener else { throw LoadGeneratorError.noKeys }
        let message = try IKEMessage.parse(bytes)
        if let skf = message.encryptedFragment {
            let offset = bytes.count - 4 - EncryptedFragmentPayload.fragmentHeaderSize - skf.body.count
            let content = try opener.open(message: bytes, encryptedPayloadOffset: offset, kind: .encryptedFragment)
            if fragments?.messageID != message.header.messageID.rawValue {
                fragments = (message.header.messageID.rawValue, FragmentReassembler())
            }
            let outcome: FragmentReassembler.Outcome?
            do {
                outcome = try fragments?.reassembler.add(skf, content: content)
            } catch FragmentReassemblyError.duplicateFragment {
                return nil   // a retransmitted answer's fragment we already hold
            }
            guard case .complete(let first, let inner) = outcome else { return nil }
            fragments = nil
            return try Payload.parseChain(inner, firstPayload: first)
        }
        guard let sk = message.encryptedPayload else { throw LoadGeneratorError.unprotected(message.header.exchangeType) }
        let inner = try opener.open(message: bytes, encryptedPayloadOffset: bytes.count - 4 - sk.body.count)
        return try Payload.parseChain(inner, firstPayload: sk.innerFirstPayload)
    }

    private mutating func fail(_ reason: String) -> Reaction {
        phase = .failed(reason)
        outstandingRequest = nil
        return .failed(reason)
    }

    /// True while a request of ours waits for its answer.
    public var isWaiting: Bool { outstandingRequest != nil }
}

/// The load generator's own errors.
public enum LoadGeneratorError: Error, CustomStringConvertible {
    case noKeys
    case unprotected(ExchangeType)
    case system(String, Int32)
    case configuration(String)
    /// The responder's certificate or signature AUTH did not verify (the rule that failed).
    case responderAuthentication(String)

    public var description: String {
        switch self {
        case .noKeys: "no keys yet"
        case .unprotected(let exchange): "\(exchange) without an SK payload"
        case .system(let call, let errno): "\(call): errno \(errno)"
        case .configuration(let text): text
        case .responderAuthentication(let reason): reason
        }
    }
}

/// ENCR transform with its Key Length attribute where the algorithm has one.
func encryptionTransform(_ encryption: EncryptionTransform) -> Transform {
    encryption.algorithm.requiresKeyLengthAttribute
        ? Transform(type: .encryption, id: encryption.algorithm.transformID, keyLength: UInt16(encryption.keyLengthBits))
        : Transform(type: .encryption, id: encryption.algorithm.transformID)
}
