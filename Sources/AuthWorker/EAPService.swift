import AuthPluginAPI
import FlexConfig
import Foundation
public import HubIPC
import HubVocabulary

/// `auth.eap` (conversational): EAP pass-through, one IPC request per EAP round (contract
/// in auth.proto `EAPRound`). The RADIUS group is the profile's `aaa authentication eap
/// LIST`; State lives in the plugin per conversation (the envelope's session id), and the
/// broker pins the rounds of a session to this worker. The MSK goes to the broker in
/// `msk`; the broker strips it before the frontend sees the reply.
public struct EAPService: WorkerService {
    let plugins: ResolvedPlugins

    public init(plugins: ResolvedPlugins) {
        self.plugins = plugins
    }

    public var offer: IPCv1ServiceOffer {
        .with {
            $0.name = "auth.eap"
            $0.conversational = true
        }
    }

    public func handle(_ request: IPCRequest) async -> IPCv1Envelope.OneOf_Body {
        guard case .authenticateRequest(let authenticate) = request.envelope.body, case .eap(let round) = authenticate.method else {
            return .error(.with { $0.code = .rejected; $0.reason = "auth.eap answers AuthenticateRequest with an eap round only" })
        }
        guard let profile = plugins.configuration.ikev2.profiles.first(where: { $0.name == authenticate.profile }) else {
            return Self.reject("crypto ikev2 profile \(authenticate.profile) does not exist", eap: [])
        }
        guard let list = profile.eapAuthenticationList else {
            return Self.reject("crypto ikev2 profile \(profile.name) has no `aaa authentication eap LIST`", eap: [])
        }
        if round.eapMessage.isEmpty, round.round > 0 || !round.initiatorAuth.isEmpty {
            // The final AUTH round is the broker's; it reaches a worker only when the
            // broker kept no MSK for the session.
            return Self.reject("no MSK is held for this session: the final EAP AUTH round cannot be checked", eap: [])
        }
        guard let provider = plugins.eapProvider(forList: list) else {
            return Self.reject("aaa authentication eap \(list): no plugin serves it", eap: [])
        }
        let input = EAPRelayInput(
            conversation: [UInt8](request.envelope.sessionID), methodList: list, round: round.round,
            eapMessage: [UInt8](round.eapMessage),
            peerIdentity: PeerIdentity(kind: .init(rawValue: UInt8(clamping: authenticate.peerIdentity.idType)),
                                       data: [UInt8](authenticate.peerIdentity.value)),
            peerAddress: authenticate.hasPeerAddress ? IPAddress(bytes: [UInt8](authenticate.peerAddress.octets)) : nil)
        switch await provider.relay(input) {
        case .continue(let message):
            return .authenticateReply(.with {
                $0.verdict = .continue
                $0.eapMessage = Data(message)
            })
        case .success(let message, let name, let attributes, let msk):
            return .authenticateReply(.with {
                $0.verdict = .accept
                $0.eapMessage = Data(message)
                $0.authenticatedName = name
                $0.attributes = attributes.map { attribute in .with { $0.name = attribute.name; $0.value = attribute.value } }
                if let msk { $0.msk = .with { $0.octets = Data(msk.revealedBytes()) } }
            })
        case .failure(let message, let reason):
            return Self.reject(reason, eap: message)
        }
    }

    static func reject(_ reason: String, eap: [UInt8]) -> IPCv1Envelope.OneOf_Body {
        .authenticateReply(.with {
            $0.verdict = .reject
            $0.reason = reason
            $0.eapMessage = Data(eap)
        })
    }
}
