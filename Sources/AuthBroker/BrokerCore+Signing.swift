import Foundation
import HubIPC
import Logging

/// Signing runs off the I/O thread: an RSA-3072 signature takes milliseconds, and
/// routing must never wait on it.
private let signingQueue = DispatchQueue(label: "ikehub.authd.signing", attributes: .concurrent)

extension BrokerCore {
    /// Answers the requests the broker serves itself with the gateway keys
    /// (`ComputeAuthRequest` naming a trustpoint, `GatewayCertificatesRequest`);
    /// `AuthenticateRequest` for `auth.cert` while no worker offers it;
    /// false for every other request, which is routed as before. A
    /// `ComputeAuthRequest` for `msk` is left to the EAP path.
    func answerSigningRequest(client: [UInt8], envelope: IPCv1Envelope) -> Bool {
        let reply: @Sendable () -> IPCv1Envelope
        switch envelope.body {
        case .computeAuthRequest(let request) where request.keyReference != "msk":
            let signing = configuration.signing
            reply = {
                guard let signing else {
                    return envelope.reply(.computeAuthReply(.with {
                        $0.reason = "ikehub-authd was started without --config: no trustpoint keys are loaded"
                    }))
                }
                return envelope.reply(.computeAuthReply(signing.answer(request)))
            }
        case .authenticateRequest(let request)
            where envelope.service == "auth.cert" && configuration.certificateAuthentication != nil
                && ring["auth.cert"]?.isEmpty != false:
            let service = configuration.certificateAuthentication
            reply = { envelope.reply(.authenticateReply(service!.answer(request))) }
        case .gatewayCertificatesRequest(let request):
            let signing = configuration.signing
            reply = {
                guard let signing else {
                    return envelope.reply(.gatewayCertificatesReply(.with {
                        $0.reason = "ikehub-authd was started without --config: no trustpoint certificates are loaded"
                    }))
                }
                return envelope.reply(.gatewayCertificatesReply(signing.answer(request)))
            }
        default:
            return false
        }
        let logger = self.logger
        signingQueue.async { [self] in
            let answer = reply()
            switch answer.body {
            case .computeAuthReply(let computed) where !computed.reason.isEmpty:
                logger.warning("AUTH not computed", metadata: ["auth.key": "\(envelope.computeAuthRequest.keyReference)",
                                                               "reason": "\(computed.reason)"])
            case .authenticateReply(let verdict):
                // One line per certificate authentication, with the rule that failed.
                if verdict.verdict == .accept {
                    // The trustpoint and how revocation was settled: with `revocation-check
                    // crl none` an unchecked certificate is accepted, and this line says so.
                    var metadata: Logger.Metadata = ["auth.service": "auth.cert", "cert.subject": "\(verdict.authenticatedName)"]
                    for attribute in verdict.attributes where ["cert.trustpoint", "cert.revocation"].contains(attribute.name) {
                        metadata[attribute.name] = "\(attribute.value)"
                    }
                    logger.info("certificate authentication accepted", metadata: metadata)
                } else {
                    logger.notice("certificate authentication rejected: \(verdict.reason)", metadata: ["auth.service": "auth.cert"])
                }
            default:
                break
            }
            let bytes = EnvelopeCodec.encode(answer)
            _ = loop.execute { [self] in sendToClient(client, bytes) }
        }
        return true
    }
}
