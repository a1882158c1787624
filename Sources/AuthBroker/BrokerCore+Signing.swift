import Foundation
import HubIPC
import Logging

/// Signing runs off the I/O thread: an RSA-3072 signature takes milliseconds, and
/// routing must never wait on it.
private let signingQueue = DispatchQueue(label: "ikehub.authd.signing", attributes: .concurrent)

extension BrokerCore {
    /// Answers the requests the broker serves itself with the gateway keys
    /// (`ComputeAuthRequest` naming a trustpoint, `GatewayCertificatesRequest`);
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
            if case .computeAuthReply(let computed) = answer.body, !computed.reason.isEmpty {
                logger.warning("AUTH not computed", metadata: ["auth.key": "\(envelope.computeAuthRequest.keyReference)",
                                                               "reason": "\(computed.reason)"])
            }
            let bytes = EnvelopeCodec.encode(answer)
            _ = loop.execute { [self] in sendToClient(client, bytes) }
        }
        return true
    }
}
