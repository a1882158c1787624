import HubVocabulary
import IKECrypto
import IKEExchanges   // for the plain `Endpoint` value only
import IKEWire

/// A small sans-I/O IKEv2 *initiator* written only for the two-party tests (STYLE
/// §15(b)). It shares no code with the responder under test: it builds its messages,
/// keys and AUTH values from IKEWire and IKECrypto alone, so a bug in the engine's key
/// schedule or AUTH octets shows up as a failed decryption or AUTH check here.
struct TestInitiator {
    /// The transforms the initiator offers (one proposal) and uses.
    struct Suite: CustomStringConvertible, Sendable {
        var encryption: EncryptionTransform
        var integrity: IntegrityAlgorithm?
        var prf: PseudorandomFunction
        var group: DiffieHellmanGroup
        var description: String { "\(encryption)+\(integrity.map { "\($0)" } ?? "AEAD")/\(prf)/\(group)" }

        var transforms: NegotiatedIKETransforms {
            get throws { try NegotiatedIKETransforms(encryption: encryption, prf: prf, integrity: integrity, group: group) }
        }
    }

    enum Failure: Error, CustomStringConvertible {
        case unexpected(String)
        var description: String { if case .unexpected(let text) = self { text } else { "" } }
    }

    let suite: Suite
    /// Extra proposals offered after the suite's (groups only, for INVALID_KE tests).
    var extraGroups: [DiffieHellmanGroup] = []
    var spi: IKESPI
    var responderSPI = IKESPI.zero
    var nonce: [UInt8]
    var keyExchange: KeyExchange
    var cookie: [UInt8]?
    var announceFragmentation = true
    var endpoint: Endpoint
    var gateway: Endpoint
    /// What the initiator claims its address is in NAT_DETECTION_SOURCE_IP (differs from
    /// `endpoint` to simulate a NAT in front of it).
    var claimedEndpoint: Endpoint?

    private(set) var initRequest: [UInt8] = []
    private(set) var initResponse: [UInt8] = []
    private(set) var responderNonce: [UInt8] = []
    private(set) var keys: IKEKeys?
    private var sealer: EncryptedPayloadCipher?
    private var opener: EncryptedPayloadCipher?
    var nextMessageID: UInt32 = 1
    /// True once an IKE rekey made the *responder* the original initiator of the new SA.
    var weAreOriginalInitiator = true

    init(suite: Suite, keGroup: DiffieHellmanGroup? = nil, endpoint: Endpoint, gateway: Endpoint) throws {
        self.suite = suite
        spi = try SystemRandom().ikeSPI()
        nonce = try SystemRandom().nonce()
        keyExchange = try KeyExchange(group: keGroup ?? suite.group)
        self.endpoint = endpoint
        self.gateway = gateway
    }

    // MARK: - IKE_SA_INIT

    func offeredProposals(spi proposalSPI: [UInt8] = []) -> [Proposal] {
        var transforms = [encryptionTransformOf(suite.encryption), Transform(type: .pseudorandomFunction, id: suite.prf.transformID)]
        if let integrity = suite.integrity { transforms.append(Transform(type: .integrity, id: integrity.transformID)) }
        for group in [suite.group] + extraGroups { transforms.append(Transform(type: .keyExchangeMethod, id: group.transformID)) }
        return [Proposal(number: 1, protocolID: .ike, spi: proposalSPI, transforms: transforms)]
    }

    mutating func makeInitRequest() throws -> [UInt8] {
        let header = IKEHeader(initiatorSPI: spi, responderSPI: .zero, exchangeType: .ikeSAInit, flags: [.initiator],
                               messageID: .zero)
        var payloads: [Payload] = []
        if let cookie { payloads.append(.notify(.cookie(cookie))) }
        payloads += [
            .securityAssociation(SecurityAssociationPayload(proposals: offeredProposals())),
            .keyExchange(KeyExchangePayload(group: keyExchange.group.transformID, keyExchangeData: keyExchange.publicValue)),
            .nonce(NoncePayload(data: nonce)),
        ]
        let spis = IKESAIdentifier(initiatorSPI: spi, responderSPI: .zero)
        payloads.append(.notify(.natDetectionSourceIP(hash: try natHash(spis, claimedEndpoint ?? endpoint))))
        payloads.append(.notify(.natDetectionDestinationIP(hash: try natHash(spis, gateway))))
        if announceFragmentation { payloads.append(.notify(NotifyPayload(type: .ikev2FragmentationSupported))) }
        payloads.append(.notify(.signatureHashAlgorithms([.sha256, .sha384, .sha512])))
        initRequest = IKEMessage(header: header, payloads: payloads).serialize()
        return initRequest
    }

    func natHash(_ spis: IKESAIdentifier, _ endpoint: Endpoint) throws -> [UInt8] {
        let port = [UInt8(truncatingIfNeeded: endpoint.port >> 8), UInt8(truncatingIfNeeded: endpoint.port)]
        return try MessageDigest.sha1.hash(parts: [spis.initiatorSPI.bytes, spis.responderSPI.bytes, endpoint.address.bytes, port])
    }

    /// What the responder said to IKE_SA_INIT.
    enum InitAnswer: Equatable {
        case accepted
        case cookie([UInt8])
        case invalidKE(UInt16)
        case refused(NotifyType)
    }

    /// The answer's payloads, for tests that look at them.
    private(set) var initResponsePayloads: [Payload] = []

    mutating func takeInitResponse(_ bytes: [UInt8]) throws -> InitAnswer {
        let message = try IKEMessage.parse(bytes)
        try message.validate()
        try MessageRules.verify(message, against: MessageRules.ikeSAInitResponse)
        initResponsePayloads = message.payloads
        let notifies = message.payloads.compactMap { if case .notify(let n) = $0 { n } else { nil } }
        if let cookie = notifies.first(where: { $0.notifyType == .cookie }) { return .cookie(try cookie.cookie()) }
        if let invalid = notifies.first(where: { $0.notifyType == .invalidKEPayload }) {
            return .invalidKE(try invalid.invalidKEPayloadGroup())
        }
        if let error = notifies.first(where: { $0.notifyType.isError }) { return .refused(error.notifyType) }
        guard case .keyExchange(let ke)? = message.payloads.first(where: { $0.type == .keyExchange }),
              case .nonce(let nr)? = message.payloads.first(where: { $0.type == .nonce }),
              case .securityAssociation(let sa)? = message.payloads.first(where: { $0.type == .securityAssociation }),
              sa.proposals.count == 1 else { throw Failure.unexpected("IKE_SA_INIT response without SA/KE/Nr") }
        guard ke.group == suite.group.transformID else { throw Failure.unexpected("responder chose group \(ke.group)") }
        responderSPI = message.header.responderSPI
        responderNonce = nr.data
        initResponse = bytes
        let shared = try keyExchange.sharedSecret(peer: ke.keyExchangeData)
        let transforms = try suite.transforms
        let skeyseed = try IKEKeyMaterial.skeyseed(prf: suite.prf, sharedSecret: shared, initiatorNonce: nonce,
                                                   responderNonce: responderNonce)
        let keys = try IKEKeyMaterial.deriveKeys(transforms: transforms, skeyseed: skeyseed, initiatorNonce: nonce,
                                                 responderNonce: responderNonce, initiatorSPI: spi, responderSPI: responderSPI)
        install(keys: keys, transforms: transforms, original: .originalInitiator)
        return .accepted
    }

    private mutating func install(keys: IKEKeys, transforms: NegotiatedIKETransforms, original: IKEMessageSender) {
        self.keys = keys
        let other: IKEMessageSender = original == .originalInitiator ? .originalResponder : .originalInitiator
        sealer = try? EncryptedPayloadCipher(transforms: transforms, keys: keys, sender: original)
        opener = try? EncryptedPayloadCipher(transforms: transforms, keys: keys, sender: other)
    }

    // MARK: - AUTH (the initiator's own computation, RFC 7296 §2.15)

    static let keyPad = Array("Key Pad for IKEv2".utf8)

    func pskAuth(psk: [UInt8], idBody: [UInt8], prfKey: SecretBytes, message: [UInt8], nonce: [UInt8]) throws -> [UInt8] {
        let maced = try suite.prf.compute(key: prfKey.revealedBytes(), data: idBody)
        let key = try suite.prf.compute(key: psk, data: Self.keyPad)
        return try suite.prf.compute(key: key, data: message + nonce + maced)
    }

    /// AUTH for our IDi: prf(prf(PSK, pad), RealMessage1 | Nr | prf(SK_pi, IDi')).
    func initiatorAuth(psk: [UInt8], id: IdentificationPayload) throws -> AuthenticationPayload {
        guard let keys else { throw Failure.unexpected("no keys") }
        return AuthenticationPayload(method: .sharedKeyMessageIntegrityCode, authenticationData:
            try pskAuth(psk: psk, idBody: id.bodyBytes, prfKey: keys.skPi, message: initRequest, nonce: responderNonce))
    }

    /// The AUTH the responder must have sent for `idr`: prf(prf(PSK, pad), RealMessage2 | Ni | prf(SK_pr, IDr')).
    func expectedResponderAuth(psk: [UInt8], idr: IdentificationPayload) throws -> [UInt8] {
        guard let keys else { throw Failure.unexpected("no keys") }
        return try pskAuth(psk: psk, idBody: idr.bodyBytes, prfKey: keys.skPr, message: initResponse, nonce: nonce)
    }

    // MARK: - Protected messages

    private func header(_ exchange: ExchangeType, messageID: UInt32, isResponse: Bool) -> IKEHeader {
        var flags: IKEHeader.Flags = weAreOriginalInitiator ? [.initiator] : []
        if isResponse { flags.insert(.response) }
        return IKEHeader(initiatorSPI: spi, responderSPI: responderSPI, exchangeType: exchange, flags: flags,
                         messageID: MessageID(messageID))
    }

    /// One SK message, or SKF fragments of at most `fragmentContent` inner octets each.
    func seal(_ exchange: ExchangeType, messageID: UInt32, isResponse: Bool, payloads: [Payload],
              fragmentContent: Int? = nil) throws -> [[UInt8]] {
        guard let sealer else { throw Failure.unexpected("no keys") }
        let inner = Payload.serializeChain(payloads)
        let first = payloads.first?.type ?? .none
        let chunks: [[UInt8]]
        if let size = fragmentContent {
            chunks = stride(from: 0, to: inner.count, by: size).map { Array(inner[$0..<min(inner.count, $0 + size)]) }
        } else {
            chunks = [inner]
        }
        var datagrams: [[UInt8]] = []
        for (index, chunk) in chunks.enumerated() {
            let dataLength = sealer.encryptedDataLength(innerPayloadsLength: chunk.count)
            var head = header(exchange, messageID: messageID, isResponse: isResponse)
            let fragmented = fragmentContent != nil
            head.nextPayload = fragmented ? .encryptedFragment : .encrypted
            let skHeader = fragmented ? 8 : 4
            head.length = UInt32(IKEHeader.size + skHeader + dataLength)
            var writer = ByteWriter()
            head.serialize(into: &writer)
            writer.writeInteger((index == 0 ? first : .none).rawValue)
            writer.writeInteger(UInt8(0))
            writer.writeInteger(UInt16(skHeader + dataLength))
            if fragmented {
                writer.writeInteger(UInt16(index + 1))
                writer.writeInteger(UInt16(chunks.count))
            }
            datagrams.append(try sealer.seal(authenticatedPrefix: writer.bytes, innerPayloads: chunk,
                                             kind: fragmented ? .encryptedFragment : .encrypted, random: SystemRandom()))
        }
        return datagrams
    }

    /// A request of ours with the next Message ID.
    mutating func request(_ exchange: ExchangeType, _ payloads: [Payload], fragmentContent: Int? = nil) throws -> [[UInt8]] {
        defer { nextMessageID += 1 }
        return try seal(exchange, messageID: nextMessageID, isResponse: false, payloads: payloads, fragmentContent: fragmentContent)
    }

    /// Decrypts one SK message (or the fragments of one message) from the responder.
    func open(_ datagrams: [[UInt8]]) throws -> (header: IKEHeader, payloads: [Payload]) {
        guard let opener, let first = datagrams.first else { throw Failure.unexpected("no keys or no datagram") }
        var reassembler = FragmentReassembler()
        var header = try IKEMessage.parse(first).header
        for bytes in datagrams {
            let message = try IKEMessage.parse(bytes)
            header = message.header
            if let sk = message.encryptedPayload {
                let inner = try opener.open(message: bytes, encryptedPayloadOffset: bytes.count - 4 - sk.body.count)
                let payloads = try Payload.parseChain(inner, firstPayload: sk.innerFirstPayload)
                try Payload.validateChain(payloads)
                try MessageRules.verify(message, innerPayloads: payloads)
                return (header, payloads)
            }
            guard let skf = message.encryptedFragment else { throw Failure.unexpected("not protected") }
            let content = try opener.open(message: bytes, encryptedPayloadOffset: bytes.count - 8 - skf.body.count,
                                          kind: .encryptedFragment)
            if case .complete(let firstPayload, let inner) = try reassembler.add(skf, content: content) {
                return (header, try Payload.parseChain(inner, firstPayload: firstPayload))
            }
        }
        throw Failure.unexpected("fragments incomplete")
    }

    // MARK: - IKE SA rekey (RFC 7296 §2.18)

    /// Switches to the keys of a rekeyed IKE SA.
    mutating func adoptRekeyedSA(newInitiatorSPI: IKESPI, newResponderSPI: IKESPI, sharedSecret: SecretBytes,
                                 initiatorNonce: [UInt8], responderNonce: [UInt8], weInitiated: Bool) throws {
        guard let old = keys else { throw Failure.unexpected("no keys") }
        let skeyseed = try IKEKeyMaterial.rekeyedSKEYSEED(oldPRF: suite.prf, oldSKd: old.skD, sharedSecret: sharedSecret,
                                                          initiatorNonce: initiatorNonce, responderNonce: responderNonce)
        let keys = try IKEKeyMaterial.deriveKeys(transforms: try suite.transforms, skeyseed: skeyseed,
                                                 initiatorNonce: initiatorNonce, responderNonce: responderNonce,
                                                 initiatorSPI: newInitiatorSPI, responderSPI: newResponderSPI)
        spi = newInitiatorSPI
        responderSPI = newResponderSPI
        weAreOriginalInitiator = weInitiated
        install(keys: keys, transforms: try suite.transforms, original: weInitiated ? .originalInitiator : .originalResponder)
        nextMessageID = 0
    }

    /// SK_d of the current IKE SA (for CHILD_SA KEYMAT checks).
    var skD: SecretBytes? { keys?.skD }
}

/// ENCR transform with its Key Length attribute where the algorithm has one.
func encryptionTransformOf(_ encryption: EncryptionTransform) -> Transform {
    encryption.algorithm.requiresKeyLengthAttribute
        ? Transform(type: .encryption, id: encryption.algorithm.transformID, keyLength: UInt16(encryption.keyLengthBits))
        : Transform(type: .encryption, id: encryption.algorithm.transformID)
}

/// An ESP proposal as a client sends it.
func espProposal(number: UInt8 = 1, spi: UInt32, encryption: EncryptionTransform, integrity: IntegrityAlgorithm? = nil,
                 groups: [DiffieHellmanGroup] = [], esn: [UInt16] = [0]) -> Proposal {
    var transforms = [encryptionTransformOf(encryption)]
    if let integrity { transforms.append(Transform(type: .integrity, id: integrity.transformID)) }
    for group in groups { transforms.append(Transform(type: .keyExchangeMethod, id: group.transformID)) }
    for value in esn { transforms.append(Transform(type: .sequenceNumbers, id: value)) }
    return Proposal(number: number, protocolID: .esp, spi: (0..<4).map { UInt8(truncatingIfNeeded: spi >> (24 - 8 * $0)) },
                    transforms: transforms)
}
