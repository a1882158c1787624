import HubVocabulary
import IKECrypto
import IKEWire

/// The last answers of IKE SAs that ended before IKE_AUTH completed — a refusal
/// (AUTHENTICATION_FAILED, an EAP-Failure, a failed authorization), kept for a while after
/// the SA itself is gone.
///
/// RFC 7296 §2.1: a responder answers a retransmitted request with the same response. When
/// the refusal is lost on the way (a full queue, a lossy path), the peer retransmits; if the
/// SA had simply vanished it would hear nothing and wait out its own retransmissions (minutes
/// with strongSwan's defaults). Only what the retransmission's integrity check needs is kept:
/// the SK_* keys, the Message ID and the datagrams — no session, lease or timer.
struct EndedSetupAnswers: Sendable {
    private struct Answer: Sendable {
        var identifier: IKESAIdentifier
        var keys: IKESAKeys
        var messageID: MessageID
        var datagrams: [[UInt8]]
    }

    private var answers: [IKESPI: Answer] = [:]
    /// At most this many are kept (the half-open limit): a peer that makes us refuse
    /// many set-ups cannot grow the table past what half-open SAs may hold anyway.
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    var count: Int { answers.count }

    /// Keeps the last answer of `sa`, which is about to be removed; false when it has none
    /// or the store is full.
    mutating func keep(lastAnswerOf sa: IKESA) -> Bool {
        guard answers.count < capacity, let messageID = sa.window.lastResponseID, !sa.window.lastResponse.isEmpty
        else { return false }
        answers[sa.localSPI] = Answer(identifier: sa.identifier, keys: sa.keys, messageID: messageID,
                                      datagrams: sa.window.lastResponse)
        return true
    }

    /// The answer again when `message` is an authentic retransmission of the request it
    /// answered; nil when nothing is kept for its SA (the caller reports an unknown SPI).
    func answer(_ message: IKEMessage, datagram: InboundDatagram, ourSPI: IKESPI) -> [IKEEffect]? {
        guard let answer = answers[ourSPI], answer.identifier == message.header.saIdentifier else { return nil }
        let header = message.header
        let place = ErrorPlace(peer: datagram.remote, exchange: header.exchangeType, messageID: header.messageID,
                               state: "ended")
        guard !header.isResponse, header.messageID == answer.messageID else {
            return [.protocolError(.unexpected("IKE SA \(header.saIdentifier) ended before IKE_AUTH completed",
                                               place: place))]
        }
        return RetransmittedRequest.answer(message, datagram: datagram, keys: answer.keys, cached: answer.datagrams,
                                           place: place)
    }

    /// Forgets the answer kept for our SPI `spi` (its retransmission window is over).
    mutating func forget(_ spi: IKESPI) {
        answers[spi] = nil
    }
}

/// Answers a retransmitted request with the cached response (RFC 7296 §2.1): all its
/// fragments, byte for byte, after checking the request is authentic so that a forger
/// cannot make us repeat ourselves.
enum RetransmittedRequest {
    static func answer(_ message: IKEMessage, datagram: InboundDatagram, keys: IKESAKeys, cached: [[UInt8]],
                       place: ErrorPlace) -> [IKEEffect] {
        var scratch = FragmentReassembler()
        guard (try? ProtectedMessageCodec.open(datagram.bytes, message: message, keys: keys, reassembler: &scratch,
                                               place: place)) != nil else {
            return [.protocolError(IKEProtocolError(.integrityCheckFailed, notify: nil, place: place,
                                                    reason: "retransmission failed its integrity check"))]
        }
        // Only the first fragment of a fragmented retransmission triggers the answer.
        if let fragment = message.encryptedFragment, fragment.fragmentNumber != 1 { return [] }
        return cached.map { .send(OutboundDatagram(bytes: $0, remote: datagram.remote, local: datagram.local)) }
    }
}
