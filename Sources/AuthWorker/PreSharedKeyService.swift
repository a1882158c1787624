import Foundation
public import HubIPC
import HubVocabulary
import IKECrypto

/// `auth.psk`: checks the initiator's AUTH and computes the responder's with the
/// peer's pre-shared key (RFC 7296 §2.15, AUTH method 2):
///
///     AUTH = prf( prf(Shared Secret, "Key Pad for IKEv2"), <SignedOctets> )
///
/// The frontend sends both signed octet strings and the initiator's AUTH; the
/// key never leaves this process. The reply carries only the verdict and the
/// responder AUTH value (which goes on the wire anyway).
public struct PreSharedKeyService: WorkerService {
    let keyring: PreSharedKeyring

    public init(keyring: PreSharedKeyring) {
        self.keyring = keyring
    }

    public var offer: IPCv1ServiceOffer { .with { $0.name = "auth.psk" } }

    public func handle(_ request: IPCRequest) async -> IPCv1Envelope.OneOf_Body {
        answerImmediately(request) ?? Self.reject("unreachable")
    }

    /// Pure computation: answered on the worker's I/O thread.
    public func answerImmediately(_ request: IPCRequest) -> IPCv1Envelope.OneOf_Body? {
        guard case .authenticateRequest(let authenticate) = request.envelope.body,
              case .preSharedKey(let proof) = authenticate.method else {
            return .error(.with { $0.code = .rejected; $0.reason = "auth.psk answers AuthenticateRequest with a pre_shared_key proof only" })
        }
        guard let prf = PseudorandomFunction(transformID: UInt16(clamping: authenticate.prfTransformID)) else {
            return Self.reject("PRF transform \(authenticate.prfTransformID) is not supported")
        }
        let identity = authenticate.peerIdentity
        let peerAddress = authenticate.hasPeerAddress ? IPAddress(bytes: [UInt8](authenticate.peerAddress.octets)) : nil
        guard let key = keyring.key(idType: identity.idType, value: [UInt8](identity.value), peerAddress: peerAddress) else {
            // The identity is sensitive: the reason names only its type.
            return Self.reject("no pre-shared key for the peer identity (ID type \(identity.idType))")
        }
        do {
            let valid = try SharedKeyAuthentication.isValid(
                authenticationData: [UInt8](proof.initiatorAuth), secret: key,
                octets: AuthenticationOctets(bytes: [UInt8](proof.initiatorSignedOctets)), prf: prf)
            guard valid else { return Self.reject("initiator AUTH does not match the pre-shared key") }
            // RFC 7296 §2.15 lets each direction use its own key (IOS `pre-shared-key local`).
            let localKey = keyring.localKey(idType: identity.idType, value: [UInt8](identity.value), peerAddress: peerAddress) ?? key
            let responderAuth = try SharedKeyAuthentication.authenticationData(
                secret: localKey, octets: AuthenticationOctets(bytes: [UInt8](proof.responderSignedOctets)), prf: prf)
            return .authenticateReply(.with {
                $0.verdict = .accept
                $0.responderAuth = Data(responderAuth)
                $0.authenticatedName = String(decoding: identity.value, as: UTF8.self)
            })
        } catch {
            return .error(.with { $0.code = .internal; $0.reason = "PSK AUTH computation failed: \(error)" })
        }
    }

    static func reject(_ reason: String) -> IPCv1Envelope.OneOf_Body {
        .authenticateReply(.with {
            $0.verdict = .reject
            $0.reason = reason
        })
    }
}
