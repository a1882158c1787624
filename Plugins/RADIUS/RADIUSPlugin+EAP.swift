public import AuthPluginAPI
import HubVocabulary
import Logging
import RADIUS

/// One EAP conversation's relay state (RFC 3579 §2.1).
struct EAPConversation: Sendable {
    /// `aaa authentication eap LIST`.
    var methodList: String
    /// The EAP identity (User-Name of every Access-Request, RFC 3579 §2.1).
    var identity: String
    /// The State of the last Access-Challenge, copied into the next request.
    var state: [UInt8]?
    /// The Identifier of the last EAP packet relayed, for a synthesised Success/Failure.
    var lastIdentifier: UInt8
    var lastUsed: ContinuousClock.Instant
}

/// EAP codes (RFC 3748 §4) and the Identity type (§5.1).
enum EAPCode {
    static let request: UInt8 = 1
    static let response: UInt8 = 2
    static let success: UInt8 = 3
    static let failure: UInt8 = 4
    static let identityType: UInt8 = 1
}

extension RADIUSPlugin {
    /// One round of the pass-through (`auth.eap`; contract in auth.proto `EAPRound`).
    public func relay(_ round: EAPRelayInput) async -> EAPRelayOutcome {
        expireConversations()
        let client: RadiusAuthenticationClient
        switch self.client(for: round.methodList) {
        case .success(let found): client = found
        case .failure(let error): return .failure(eapMessage: Self.eap(EAPCode.failure, identifier: 0), reason: "aaa authentication eap \(round.methodList): \(error)")
        }
        var message = round.eapMessage
        var conversation = conversations.withLock { $0[round.conversation] }
        if message.isEmpty {
            // Round 0 without query-identity: the EAP-Response/Identity is made from IDi.
            guard round.round == 0 else {
                return .failure(eapMessage: Self.eap(EAPCode.failure, identifier: 0), reason: "EAP round \(round.round) without an EAP message")
            }
            let identity = Self.identityText(round.peerIdentity)
            message = Self.eap(EAPCode.response, identifier: 0, type: EAPCode.identityType, data: Array(identity.utf8))
            conversation = EAPConversation(methodList: round.methodList, identity: identity, state: nil, lastIdentifier: 0, lastUsed: .now)
        } else {
            guard message.count >= 4, message[0] == EAPCode.response,
                  Int(message[2]) << 8 | Int(message[3]) == message.count else {
                return .failure(eapMessage: Self.eap(EAPCode.failure, identifier: message.count > 1 ? message[1] : 0),
                                reason: "the client's EAP message is not an EAP-Response (RFC 3748 §4)")
            }
            if message.count >= 5, message[4] == EAPCode.identityType {
                // A queried identity, or the client restarting with one: a new conversation.
                let identity = String(decoding: message[5...], as: UTF8.self)
                conversation = EAPConversation(methodList: round.methodList, identity: identity, state: nil,
                                               lastIdentifier: message[1], lastUsed: .now)
            }
        }
        guard var current = conversation else {
            return .failure(eapMessage: Self.eap(EAPCode.failure, identifier: message[1]),
                            reason: "no EAP conversation for this session (the worker restarted or it timed out); start over")
        }
        current.lastIdentifier = message[1]
        current.lastUsed = .now
        var attributes: [RadiusAttribute] = [
            .string(RadiusAttributeType.userName, current.identity),
            RadiusAttribute(type: RadiusAttributeType.serviceType, value: .integer(2)),  // Framed-User
            RadiusAttribute(type: RadiusAttributeType.eapMessage, value: .bytes(message)),
        ]
        if let state = current.state { attributes.append(RadiusAttribute(type: RadiusAttributeType.state, value: .bytes(state))) }
        attributes += Self.stationAttributes(peerAddress: round.peerAddress)

        let result: RadiusAccessResult
        do {
            result = try await client.authenticate(attributes)
        } catch {
            conversations.withLock { $0[round.conversation] = nil }
            return .failure(eapMessage: Self.eap(EAPCode.failure, identifier: message[1]), reason: "EAP: \(error)")
        }
        switch result.code {
        case .accessChallenge:
            guard let request = result.eapMessage else {
                conversations.withLock { $0[round.conversation] = nil }
                return .failure(eapMessage: Self.eap(EAPCode.failure, identifier: message[1]),
                                reason: "Access-Challenge from \(result.server) carries no EAP-Message")
            }
            current.state = result.state
            let stored = current
            conversations.withLock { $0[round.conversation] = stored }
            return .continue(eapMessage: request)
        case .accessAccept:
            conversations.withLock { $0[round.conversation] = nil }
            let success = result.eapMessage ?? Self.eap(EAPCode.success, identifier: message[1])
            let (translated, skipped) = RadiusReplyTranslation.sessionAttributes(result.attributes)
            if !skipped.isEmpty { logger.debug("EAP Access-Accept attributes not used: \(skipped.joined(separator: "; "))") }
            var msk: SecretBytes?
            do {
                if let keys = try result.mppeKeys() {
                    // RFC 5216 §2.3 / strongSwan eap-radius: MSK = Recv-Key ‖ Send-Key, 64 octets.
                    var bytes = keys.receive.revealedBytes() + keys.send.revealedBytes()
                    if bytes.count < 64 { bytes += [UInt8](repeating: 0, count: 64 - bytes.count) }
                    msk = SecretBytes(bytes.prefix(64))
                    for index in bytes.indices { bytes[index] = 0 }
                }
            } catch {
                return .failure(eapMessage: Self.eap(EAPCode.failure, identifier: message[1]), reason: "MS-MPPE keys: \(error)")
            }
            let name = translated.first { $0.attribute == .userName }?.value ?? current.identity
            return .success(eapMessage: success, name: name, attributes: translated, msk: msk)
        default:
            conversations.withLock { $0[round.conversation] = nil }
            let failure = result.eapMessage ?? Self.eap(EAPCode.failure, identifier: message[1])
            let text = result.replyMessages.joined(separator: " ")
            return .failure(eapMessage: failure, reason: "Access-Reject from \(result.server)" + (text.isEmpty ? "" : ": \(text)"))
        }
    }

    public func endConversation(_ conversation: [UInt8]) async {
        _ = conversations.withLock { $0.removeValue(forKey: conversation) }
    }

    /// Conversations in flight (for `show` and tests).
    public func conversationCount() -> Int {
        conversations.withLock { $0.count }
    }

    private func expireConversations() {
        let oldest = ContinuousClock.now - conversationLifetime
        conversations.withLock { $0 = $0.filter { $0.value.lastUsed > oldest } }
    }

    /// An EAP packet (RFC 3748 §4): Code, Identifier, Length, [Type, Type-Data].
    static func eap(_ code: UInt8, identifier: UInt8, type: UInt8? = nil, data: [UInt8] = []) -> [UInt8] {
        let length = 4 + (type == nil ? 0 : 1) + data.count
        var bytes: [UInt8] = [code, identifier, UInt8(length >> 8), UInt8(length & 0xff)]
        if let type { bytes.append(type) }
        return bytes + data
    }

    /// The peer's IKE identity as an EAP identity: FQDN, e-mail or key-id text, an
    /// address in text form.
    static func identityText(_ identity: PeerIdentity) -> String {
        if let text = identity.text { return text }
        if identity.kind == .ipv4Address || identity.kind == .ipv6Address, let address = IPAddress(bytes: identity.data) {
            return "\(address)"
        }
        return String(decoding: identity.data, as: UTF8.self)
    }
}
