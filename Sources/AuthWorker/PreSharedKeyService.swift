import AuthPluginAPI
import FlexConfig
import Foundation
public import HubIPC
import HubVocabulary
import IKECrypto
import LocalKeyringPlugin

/// `auth.psk`: checks the initiator's AUTH and computes the responder's with the
/// peer's pre-shared key (RFC 7296 §2.15, AUTH method 2):
///
///     AUTH = prf( prf(Shared Secret, "Key Pad for IKEv2"), <SignedOctets> )
///
/// The keys come from the plugin that serves the profile's keyring line: `LocalKeyring`
/// (`keyring local`, no keyring line, or the `--psk-keyring` file) answered on the I/O
/// thread, `RADIUS` for `keyring aaa LIST` (AAA pre-shared keys, whose Access-Accept
/// attributes go back as the reply's cached `attributes`). The frontend sends both signed
/// octet strings and the initiator's AUTH; the key never leaves this process.
public struct PreSharedKeyService: WorkerService {
    let plugins: ResolvedPlugins?
    let local: LocalKeyringPlugin?

    /// Keys from a keyring alone (the `--psk-keyring` file, the built-in configuration).
    public init(keyring: PreSharedKeyring) {
        plugins = nil
        local = LocalKeyringPlugin(keyring: keyring)
    }

    /// Keys from the plugins the configuration resolved to.
    public init(plugins: ResolvedPlugins) {
        self.plugins = plugins
        local = plugins.keyProvider(for: nil) as? LocalKeyringPlugin
    }

    public var offer: IPCv1ServiceOffer { .with { $0.name = "auth.psk" } }

    /// Local keyrings are a dictionary look-up: answered on the worker's I/O thread.
    public func answerImmediately(_ request: IPCRequest) -> IPCv1Envelope.OneOf_Body? {
        guard case .authenticateRequest(let authenticate) = request.envelope.body,
              case .preSharedKey(let proof) = authenticate.method else {
            return .error(.with { $0.code = .rejected; $0.reason = "auth.psk answers AuthenticateRequest with a pre_shared_key proof only" })
        }
        let source = Self.keyringSource(of: authenticate.profile, in: plugins?.configuration)
        if case .aaa? = source { return nil }
        guard let local else {
            return Self.reject("profile \(authenticate.profile): no local keyring is configured")
        }
        return Self.answer(authenticate, proof, local.keys(for: Self.lookup(authenticate, source: source)))
    }

    public func handle(_ request: IPCRequest) async -> IPCv1Envelope.OneOf_Body {
        if let immediate = answerImmediately(request) { return immediate }
        guard case .authenticateRequest(let authenticate) = request.envelope.body,
              case .preSharedKey(let proof) = authenticate.method else { return Self.reject("unreachable") }
        let source = Self.keyringSource(of: authenticate.profile, in: plugins?.configuration)
        guard let provider = plugins?.keyProvider(for: source) else {
            return Self.reject("profile \(authenticate.profile): no plugin serves its keyring")
        }
        return Self.answer(authenticate, proof, await provider.preSharedKeys(for: Self.lookup(authenticate, source: source)))
    }

    static func keyringSource(of profile: String, in configuration: FlexConfiguration?) -> IKEv2Profile.KeyringSource? {
        configuration?.ikev2.profiles.first { $0.name == profile }?.keyring
    }

    static func lookup(_ authenticate: IPCv1AuthenticateRequest, source: IKEv2Profile.KeyringSource?) -> PreSharedKeyLookup {
        let identity = PeerIdentity(kind: .init(rawValue: UInt8(clamping: authenticate.peerIdentity.idType)),
                                    data: [UInt8](authenticate.peerIdentity.value))
        let peerAddress = authenticate.hasPeerAddress ? IPAddress(bytes: [UInt8](authenticate.peerAddress.octets)) : nil
        return PreSharedKeyLookup(source: source, identity: identity, peerAddress: peerAddress)
    }

    static func answer(_ authenticate: IPCv1AuthenticateRequest, _ proof: IPCv1PreSharedKeyProof,
                       _ outcome: PreSharedKeyOutcome) -> IPCv1Envelope.OneOf_Body {
        guard let prf = PseudorandomFunction(transformID: UInt16(clamping: authenticate.prfTransformID)) else {
            return reject("PRF transform \(authenticate.prfTransformID) is not supported")
        }
        switch outcome {
        case .notFound(let reason), .failed(let reason):
            return reject(reason)
        case .found(let remote, let local, let name, let attributes):
            do {
                let valid = try SharedKeyAuthentication.isValid(
                    authenticationData: [UInt8](proof.initiatorAuth), secret: remote,
                    octets: AuthenticationOctets(bytes: [UInt8](proof.initiatorSignedOctets)), prf: prf)
                guard valid else { return reject("initiator AUTH does not match the pre-shared key") }
                let responderAuth = try SharedKeyAuthentication.authenticationData(
                    secret: local, octets: AuthenticationOctets(bytes: [UInt8](proof.responderSignedOctets)), prf: prf)
                return .authenticateReply(.with {
                    $0.verdict = .accept
                    $0.responderAuth = Data(responderAuth)
                    $0.authenticatedName = name
                    $0.attributes = attributes.map { attribute in .with { $0.name = attribute.name; $0.value = attribute.value } }
                })
            } catch {
                return .error(.with { $0.code = .internal; $0.reason = "PSK AUTH computation failed: \(error)" })
            }
        }
    }

    static func reject(_ reason: String) -> IPCv1Envelope.OneOf_Body {
        .authenticateReply(.with {
            $0.verdict = .reject
            $0.reason = reason
        })
    }
}
