import HubVocabulary
import IKECrypto
import IKEWire

/// Where an error happened: the peer, the exchange and message, the state the IKE SA was
/// in, and for payload errors the payload and byte offset.
public struct ErrorPlace: Hashable, Sendable, CustomStringConvertible {
    public var peer: Endpoint?
    public var exchange: ExchangeType?
    public var messageID: MessageID?
    /// The `IKESAPhase` case name ("awaitingAuth", "established" …).
    public var state: String?
    public var payload: PayloadType?
    public var offset: Int?

    public init(peer: Endpoint? = nil, exchange: ExchangeType? = nil, messageID: MessageID? = nil,
                state: String? = nil, payload: PayloadType? = nil, offset: Int? = nil) {
        self.peer = peer
        self.exchange = exchange
        self.messageID = messageID
        self.state = state
        self.payload = payload
        self.offset = offset
    }

    public var description: String {
        var parts: [String] = []
        if let exchange { parts.append("\(exchange)") }
        if let messageID { parts.append("message \(messageID)") }
        if let peer { parts.append("from \(peer)") }
        if let state { parts.append("in state \(state)") }
        if let payload { parts.append("payload \(payload)") }
        if let offset { parts.append("offset \(offset)") }
        return parts.joined(separator: " ")
    }
}

/// The one error shape of the exchange layer (STYLE §8): a code, the place, the Notify
/// to answer with (`nil` = drop silently) and a reason for the log.
public struct IKEProtocolError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong; each code has one notify (or none).
    public enum Code: Hashable, Sendable {
        /// Structure or payload rules broken (INVALID_SYNTAX and friends from IKEWire).
        case malformedMessage
        /// A message the current state does not accept.
        case unexpectedMessage
        /// ICV or AEAD tag did not verify: dropped, never answered (RFC 7296 §2.21.1).
        case integrityCheckFailed
        /// No configured proposal matches (NO_PROPOSAL_CHOSEN).
        case noProposalChosen
        /// The KE group is not the chosen one (INVALID_KE_PAYLOAD).
        case invalidKEPayload
        /// AUTH did not verify, or authorization refused (AUTHENTICATION_FAILED).
        case authenticationFailed
        /// No address could be assigned (INTERNAL_ADDRESS_FAILURE).
        case internalAddressFailure
        /// A CFG_REQUEST is required and missing (FAILED_CP_REQUIRED).
        case failedCPRequired
        /// The traffic selectors cannot be narrowed to anything we allow (TS_UNACCEPTABLE).
        case tsUnacceptable
        /// A CREATE_CHILD_SA collides with our own exchange (TEMPORARY_FAILURE, RFC 7296 §2.25).
        case temporaryFailure
        /// REKEY_SA names a CHILD_SA we do not have (CHILD_SA_NOT_FOUND, RFC 7296 §2.25).
        case childSANotFound
        /// Only rekeys are accepted, not additional CHILD_SAs (NO_ADDITIONAL_SAS).
        case noAdditionalSAs
        /// A cryptographic operation failed locally (drop, log).
        case cryptoFailure
        /// A configured limit refused the request (drop).
        case limitReached
    }

    public var code: Code
    public var notify: NotifyType?
    public var notifyData: [UInt8]
    public var place: ErrorPlace
    public var reason: String

    public init(_ code: Code, notify: NotifyType?, notifyData: [UInt8] = [], place: ErrorPlace, reason: String) {
        self.code = code
        self.notify = notify
        self.notifyData = notifyData
        self.place = place
        self.reason = reason
    }

    /// Equality on the code only (as swift-certificates' errors).
    public static func == (lhs: IKEProtocolError, rhs: IKEProtocolError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    public var description: String {
        "\(place): \(reason)" + (notify.map { " (answer \($0))" } ?? " (dropped)")
    }

    // MARK: - Factories

    @inline(never)
    static func malformed(_ error: IKEParseError, place: ErrorPlace) -> IKEProtocolError {
        IKEProtocolError(.malformedMessage, notify: error.notifyToSend, notifyData: error.notifyData, place: place,
                         reason: error.description)
    }

    @inline(never)
    static func crypto(_ error: IKECryptoError, place: ErrorPlace) -> IKEProtocolError {
        switch error {
        case .integrityCheckFailed, .invalidPadding, .malformedEncryptedPayload:
            IKEProtocolError(.integrityCheckFailed, notify: nil, place: place, reason: error.description)
        case .invalidKeyExchangeLength, .invalidPeerPublicValue, .allZeroSharedSecret:
            IKEProtocolError(.malformedMessage, notify: .invalidSyntax, place: place, reason: error.description)
        default:
            IKEProtocolError(.cryptoFailure, notify: nil, place: place, reason: error.description)
        }
    }

    @inline(never)
    static func unexpected(_ reason: String, place: ErrorPlace) -> IKEProtocolError {
        IKEProtocolError(.unexpectedMessage, notify: nil, place: place, reason: reason)
    }

    @inline(never)
    static func noProposal(_ reason: String, place: ErrorPlace) -> IKEProtocolError {
        IKEProtocolError(.noProposalChosen, notify: .noProposalChosen, place: place, reason: reason)
    }

    @inline(never)
    static func tsUnacceptable(_ reason: String, place: ErrorPlace) -> IKEProtocolError {
        IKEProtocolError(.tsUnacceptable, notify: .tsUnacceptable, place: place, reason: reason)
    }
}
