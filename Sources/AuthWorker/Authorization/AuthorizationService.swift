import AuthPluginAPI
import FlexConfig
import Foundation
public import HubIPC
import HubVocabulary

/// `authz`: one AuthorizeRequest per session runs the profile's `aaa authorization
/// user|group [override] psk|eap|cert cached | list LIST [name-mangler M | NAME]` lines
/// for the session's authentication method and merges the results (`AuthorizationMerge`).
/// Any lookup that is rejected or fails rejects the session (the seed: "If the
/// authorization step fails, the session is immediately terminated").
///
/// Rules from the seed applied here:
/// - `cached`: the attributes the authentication returned (EAP or AAA-PSK Access-Accept,
///   sent back by the frontend in `cached_attributes`) are used only with a `user … cached`
///   line.
/// - "Explicit user authorization is performed only when implicit user authorization does
///   not return any attributes or does not have the Framed-IP-Address attribute."
/// - The user name is the peer identity (the EAP identity for EAP) unless the line names
///   a name mangler or a fixed name; with a `local` list the fixed name is the
///   authorization policy.
public struct AuthorizationService: WorkerService {
    let plugins: ResolvedPlugins

    public init(plugins: ResolvedPlugins) {
        self.plugins = plugins
    }

    public var offer: IPCv1ServiceOffer { .with { $0.name = "authz" } }

    public func handle(_ request: IPCRequest) async -> IPCv1Envelope.OneOf_Body {
        guard case .authorizeRequest(let authorize) = request.envelope.body else {
            return .error(.with { $0.code = .rejected; $0.reason = "authz answers AuthorizeRequest only" })
        }
        switch await authorizeSession(authorize) {
        case .success(let attributes):
            return .authorizeReply(.with {
                $0.verdict = .accept
                $0.attributes = attributes.map { attribute in .with { $0.name = attribute.name; $0.value = attribute.value } }
            })
        case .failure(let failure):
            return .authorizeReply(.with {
                $0.verdict = .reject
                $0.reason = failure.description
            })
        }
    }

    /// Why a session is not authorized.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    func authorizeSession(_ request: IPCv1AuthorizeRequest) async -> Result<[SessionAttribute], Failure> {
        guard let profile = plugins.configuration.ikev2.profiles.first(where: { $0.name == request.profile }) else {
            return .failure(Failure(description: "crypto ikev2 profile \(request.profile) does not exist"))
        }
        let method: IKEv2Profile.Method
        switch request.authMethod {
        case .psk: method = .psk
        case .eap: method = .eap
        case .cert: method = .cert
        case .anyconnectEap: method = .anyconnectEAP
        default: return .failure(Failure(description: "AuthorizeRequest without auth_method (psk, eap or cert)"))
        }
        let rules = profile.authorizations.filter { $0.method == method }
        let identity = PeerIdentity(kind: .init(rawValue: UInt8(clamping: request.peerIdentity.idType)),
                                    data: [UInt8](request.peerIdentity.value))
        let peerAddress = request.hasPeerAddress ? IPAddress(bytes: [UInt8](request.peerAddress.octets)) : nil

        var cached: [SessionAttribute] = []
        if rules.contains(where: { $0.scope == .user && $0.isCached }) {
            for attribute in request.cachedAttributes {
                guard let canonical = AuthorizationAttribute(rawValue: attribute.name), canonical.problem(with: attribute.value) == nil else { continue }
                cached.append(SessionAttribute(canonical, attribute.value))
            }
        }
        var user: [SessionAttribute] = []
        var group: [SessionAttribute] = []
        let implicitSuffices = !cached.isEmpty && cached.contains { $0.attribute == .framedIPAddress }
        for rule in rules {
            guard let list = rule.list else { continue }
            if rule.scope == .user, implicitSuffices { continue }
            guard let (backend, provider) = plugins.authorizationProvider(forList: list) else {
                return .failure(Failure(description: "aaa authorization \(rule.scope.rawValue) list \(list): no plugin serves it"))
            }
            let username: String
            var policy: String?
            switch rule.username {
            case .peerIdentity:
                username = Self.name(identity, authenticated: request.authenticatedName, method: method)
            case .fixed(let name):
                if backend == .local {
                    policy = name
                    username = Self.name(identity, authenticated: request.authenticatedName, method: method)
                } else {
                    username = name
                }
            case .nameMangler(let manglerName):
                guard let mangler = plugins.configuration.ikev2.nameManglers.first(where: { $0.name == manglerName }) else {
                    return .failure(Failure(description: "crypto ikev2 name-mangler \(manglerName) does not exist"))
                }
                do {
                    username = try NameMangling.name(for: identity, eapIdentity: method == .eap && !request.authenticatedName.isEmpty
                                                        ? request.authenticatedName : nil, mangler: mangler)
                } catch {
                    return .failure(Failure(description: "aaa authorization \(rule.scope.rawValue) list \(list): \(error)"))
                }
            }
            let lookup = AuthorizationLookup(scope: rule.scope, methodList: list, username: username, policy: policy, peerAddress: peerAddress)
            switch await provider.authorize(lookup) {
            case .attributes(let found):
                if rule.scope == .user { user += found } else { group += found }
            case .rejected(let reason), .failed(let reason):
                return .failure(Failure(description: reason))
            }
        }
        let override = rules.contains { $0.scope == .group && $0.override }
        return .success(AuthorizationMerge.merge(user: user, cached: cached, group: group, groupOverride: override))
    }

    /// The default user name (seed: "if not specified, the peer identity is used as the
    /// username"): for EAP the EAP identity the authentication ended with, otherwise the
    /// IKE identity as text (not an AAA-PSK lookup's mangled name).
    static func name(_ identity: PeerIdentity, authenticated: String, method: IKEv2Profile.Method) -> String {
        if method == .eap || method == .anyconnectEAP, !authenticated.isEmpty { return authenticated }
        if let text = identity.text { return text }
        if let address = IPAddress(bytes: identity.data) { return "\(address)" }
        return String(decoding: identity.data, as: UTF8.self)
    }
}
