public import AuthPluginAPI
import FlexConfig
import HubVocabulary
import Logging
import RADIUS

extension RADIUSPlugin {
    /// AAA pre-shared keys (seed "AAA-Based Pre-Shared Keys"): an Access-Request for the
    /// (name-mangled) peer identity with the `keyring aaa … password` (default `cisco`,
    /// option `aaa-password`); the keys come from `ipsec:ikev2-password-remote` (checks the
    /// peer), `ipsec:ikev2-password-local` (our AUTH) and Tunnel-Password (both, when an AV
    /// pair is missing). The Accept's other attributes are returned as the "cached"
    /// attributes of implicit authorization (`aaa authorization user psk cached`).
    public func preSharedKeys(for lookup: PreSharedKeyLookup) async -> PreSharedKeyOutcome {
        guard case .aaa(let list, let manglerName, let password)? = lookup.source else {
            return .notFound(reason: "RADIUS serves `keyring aaa` only")
        }
        let client: RadiusAuthenticationClient
        switch self.client(for: list) {
        case .success(let found): client = found
        case .failure(let error): return .failed(reason: "keyring aaa \(list): \(error)")
        }
        let username: String
        do {
            username = try Self.username(for: lookup.identity, mangler: manglerName, in: configuration)
        } catch {
            return .failed(reason: "keyring aaa \(list): \(error)")
        }
        let passwordBytes = password?.revealedBytes() ?? Array(defaultAAAPassword.utf8)
        let attributes: [RadiusAttribute] = [
            .string(RadiusAttributeType.userName, username),
            RadiusAttribute(type: RadiusAttributeType.userPassword, value: .bytes(passwordBytes)),
            RadiusAttribute(type: RadiusAttributeType.serviceType, value: .integer(5)),  // Outbound-User, as IOS asks
        ] + Self.stationAttributes(peerAddress: lookup.peerAddress)
        let result: RadiusAccessResult
        do {
            result = try await client.authenticate(attributes)
        } catch {
            return .failed(reason: "keyring aaa \(list): \(error)")
        }
        guard result.code == .accessAccept else {
            return .notFound(reason: "keyring aaa \(list): \(result.server) has no entry for the peer (\(result.code))")
        }
        var remote: SecretBytes?, local: SecretBytes?
        for pair in result.ciscoAVPairs {
            guard let (name, value) = RadiusReplyTranslation.avPair(pair) else { continue }
            if name == "ipsec:ikev2-password-remote" { remote = SecretBytes(Array(value.utf8)) }
            if name == "ipsec:ikev2-password-local" { local = SecretBytes(Array(value.utf8)) }
        }
        let tunnelPassword: SecretBytes?
        do {
            tunnelPassword = try result.tunnelPassword()
        } catch {
            return .failed(reason: "keyring aaa \(list): \(error)")
        }
        guard let remoteKey = remote ?? tunnelPassword ?? local, let localKey = local ?? tunnelPassword ?? remote else {
            return .notFound(reason: "keyring aaa \(list): the Access-Accept carries no Tunnel-Password or ipsec:ikev2-password-* key")
        }
        let (translated, skipped) = RadiusReplyTranslation.sessionAttributes(result.attributes)
        if !skipped.isEmpty { logger.debug("AAA-PSK Access-Accept attributes not used: \(skipped.joined(separator: "; "))") }
        return .found(remote: remoteKey, local: localKey, name: username, attributes: translated)
    }

    /// The AAA user name: the mangled identity, or the identity as text.
    static func username(for identity: PeerIdentity, mangler name: String?, in configuration: FlexConfiguration) throws(PluginError) -> String {
        guard let name else { return identityText(identity) }
        guard let mangler = configuration.ikev2.nameManglers.first(where: { $0.name == name }) else {
            throw PluginError("crypto ikev2 name-mangler \(name) does not exist")
        }
        do {
            return try NameMangling.name(for: identity, mangler: mangler)
        } catch {
            throw PluginError(error.description)
        }
    }

    /// One user or group lookup: an Access-Request for the name with the password
    /// `cisco` (option `aaa-password`), as IOS `aaa authorization network` does; the
    /// Accept's attributes, translated. Access-Reject fails the authorization.
    public func authorize(_ lookup: AuthorizationLookup) async -> AuthorizationOutcome {
        let client: RadiusAuthenticationClient
        switch self.client(for: lookup.methodList) {
        case .success(let found): client = found
        case .failure(let error): return .failed(reason: "aaa authorization \(lookup.scope.rawValue) list \(lookup.methodList): \(error)")
        }
        let attributes: [RadiusAttribute] = [
            .string(RadiusAttributeType.userName, lookup.username),
            .string(RadiusAttributeType.userPassword, defaultAAAPassword),
            RadiusAttribute(type: RadiusAttributeType.serviceType, value: .integer(5)),
        ] + Self.stationAttributes(peerAddress: lookup.peerAddress)
        let result: RadiusAccessResult
        do {
            result = try await client.authenticate(attributes)
        } catch {
            return .failed(reason: "\(lookup.scope.rawValue) authorization list \(lookup.methodList): \(error)")
        }
        guard result.code == .accessAccept else {
            return .rejected(reason: "\(lookup.scope.rawValue) authorization list \(lookup.methodList): \(result.server) answered \(result.code)")
        }
        let (translated, skipped) = RadiusReplyTranslation.sessionAttributes(result.attributes)
        if !skipped.isEmpty { logger.debug("authorization attributes not used: \(skipped.joined(separator: "; "))") }
        // The lookup's own User-Name echo is not an attribute of the session.
        return .attributes(translated.filter { $0.attribute != .userName })
    }
}
