import Foundation
import HubIPC
import HubVocabulary
import IKECrypto
import Logging

/// An EAP MSK the broker keeps between the EAP ACCEPT and the session's final AUTH round.
struct HeldMSK {
    let key: SecretBytes
    /// Distinguishes a key from a later one of the same session for the expiry timer.
    let generation: UInt64
}

extension BrokerCore {
    // MARK: - EAP MSK (RFC 7296 §2.16)

    /// Keeps the MSK of a successful EAP conversation for `session`, zeroed and dropped
    /// after `mskLifetime` if no final round comes.
    func holdMSK(_ value: IPCv1SecretValue, session: [UInt8]) {
        guard !session.isEmpty, !value.octets.isEmpty else { return }
        let generation = nextToken
        nextToken &+= 1
        heldKeys[session] = HeldMSK(key: SecretBytes([UInt8](value.octets)), generation: generation)
        let lifetime = configuration.mskLifetime.componentsMilliseconds
        loop.schedule(at: MonotonicTime.now().adding(milliseconds: lifetime)) { [unowned self] in
            if heldKeys[session]?.generation == generation {
                heldKeys[session] = nil
                logger.debug("EAP MSK dropped: no final AUTH round within \(lifetime) ms")
            }
        }
    }

    /// The final EAP round (`auth.eap`, EAPRound with no EAP message but the AUTH octets),
    /// answered here from the held MSK: AUTH_i must equal
    /// `prf(prf(MSK, "Key Pad for IKEv2"), InitiatorSignedOctets)`; the reply carries
    /// `prf(prf(MSK, …), ResponderSignedOctets)`. The MSK is dropped either way. Nil when
    /// the request is not a final round (it goes to a worker). A retry with the same
    /// idempotency key gets the first answer.
    func answerFinalEAPRound(_ envelope: IPCv1Envelope) -> [UInt8]? {
        guard envelope.service == "auth.eap", case .authenticateRequest(let request) = envelope.body,
              case .eap(let round) = request.method, round.eapMessage.isEmpty, round.round > 0 else { return nil }
        let key = [UInt8](envelope.idempotencyKey)
        if !key.isEmpty, case .completed(let reply)? = replies.entry(for: key) { return reply }
        let session = [UInt8](envelope.sessionID)
        let body: IPCv1Envelope.OneOf_Body
        if let held = heldKeys.removeValue(forKey: session) {
            body = Self.finalRound(round, msk: held.key, prf: request.prfTransformID)
        } else {
            body = .authenticateReply(.with {
                $0.verdict = .reject
                $0.reason = "no EAP MSK is held for this session (EAP did not succeed, the method has no MSK, or it expired)"
            })
        }
        let reply = EnvelopeCodec.encode(envelope.reply(body))
        if !key.isEmpty {
            replies.begin(key, peer: [])
            _ = replies.complete(key, reply: reply)
        }
        return reply
    }

    static func finalRound(_ round: IPCv1EAPRound, msk: SecretBytes, prf transformID: UInt32) -> IPCv1Envelope.OneOf_Body {
        guard let prf = PseudorandomFunction(transformID: UInt16(clamping: transformID)) else {
            return .authenticateReply(.with { $0.verdict = .reject; $0.reason = "PRF transform \(transformID) is not supported" })
        }
        do {
            let valid = try SharedKeyAuthentication.isValid(
                authenticationData: [UInt8](round.initiatorAuth), secret: msk,
                octets: AuthenticationOctets(bytes: [UInt8](round.initiatorSignedOctets)), prf: prf)
            guard valid else {
                return .authenticateReply(.with { $0.verdict = .reject; $0.reason = "AUTH mismatch" })
            }
            let responder = try SharedKeyAuthentication.authenticationData(
                secret: msk, octets: AuthenticationOctets(bytes: [UInt8](round.responderSignedOctets)), prf: prf)
            return .authenticateReply(.with {
                $0.verdict = .accept
                $0.responderAuth = Data(responder)
            })
        } catch {
            return .error(.with { $0.code = .internal; $0.reason = "MSK AUTH computation failed: \(error)" })
        }
    }
}
