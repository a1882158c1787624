/// Checks that need the whole model: a profile that can never work, a template that
/// cannot be cloned, a trustpoint without its Linux files.
extension ModelBuilder {
    func place(_ kind: String, _ name: String) -> SourceLocation {
        locations["\(kind) \(ArgumentValue.word(name))"] ?? SourceLocation(file: "", line: 0, column: 0)
    }

    mutating func checkSemantics() {
        var warnedTrustpoints = Set<String>()
        for profile in config.ikev2.profiles {
            let here = place("crypto ikev2 profile", profile.name)
            func line(_ command: CommandID) -> SourceLocation { locations["profile \(profile.name) \(command.rawValue)"] ?? here }
            let label = "ikev2 profile '\(profile.name)'"
            if profile.identityMatches.isEmpty, profile.certificateMaps.isEmpty {
                log.warning(here, "\(label) has no 'match identity remote' or 'match certificate'; no peer can select it")
            }
            if profile.localAuthentication == nil {
                log.warning(here, "\(label) has no 'authentication local'; peers that select it fail IKE_AUTH")
            }
            if profile.remoteAuthentication.isEmpty {
                log.warning(here, "\(label) has no 'authentication remote'; peers that select it fail IKE_AUTH")
            }
            let usesEAP = profile.remoteAuthentication.contains { if case .eap = $0 { true } else if case .anyconnectEAP = $0 { true } else { false } }
            if profile.remoteAuthentication.contains(where: { if case .anyconnectEAP = $0 { true } else { false } }) {
                let alone = profile.remoteAuthentication.allSatisfy { if case .anyconnectEAP = $0 { true } else { false } }
                log.warning(line(.profileAuthenticationRemote), "\(label): 'authentication remote anyconnect-eap' (AnyConnect's aggregate authentication) is not implemented; "
                            + (alone ? "the profile is left out and no peer can select it" : "its other methods still work"))
            }
            if usesEAP, case .preShared? = profile.localAuthentication {
                log.error(line(.profileAuthenticationRemote), "\(label): 'authentication remote eap' needs 'authentication local rsa-sig' or 'ecdsa-sig'; an EAP client authenticates the server by its certificate")
            }
            if profile.remoteAuthentication.contains(where: { if case .eap = $0 { true } else { false } }), profile.eapAuthenticationList == nil {
                log.error(line(.profileAuthenticationRemote), "\(label): 'authentication remote eap' needs 'aaa authentication eap LIST' to reach the EAP server")
            }
            let usesPSK = profile.remoteAuthentication.contains { if case .preShared = $0 { true } else { false } }
                || { if case .preShared? = profile.localAuthentication { true } else { false } }()
            if profile.reconnect, usesPSK {
                log.error(line(.profileReconnect), "\(label): 'reconnect' cannot be used with pre-shared key authentication (seed: auto-reconnect needs certificate or EAP authentication)")
            }
            if case .preShared(nil)? = profile.localAuthentication, profile.keyring == nil {
                log.error(line(.profileAuthenticationLocal), "\(label): 'authentication local pre-share' has no key and the profile has no 'keyring'")
            }
            if profile.remoteAuthentication.contains(where: { $0 == .preShared(nil) }), profile.keyring == nil {
                log.error(line(.profileAuthenticationRemote), "\(label): 'authentication remote pre-share' has no key and the profile has no 'keyring'")
            }
            let signs = profile.localAuthentication == .rsaSignature || profile.localAuthentication == .ecdsaSignature
            if signs {
                let names = profile.trustpoints.filter { $0.usage != .verify }.map(\.trustpoint)
                let trustpoints = names.isEmpty ? config.pki.trustpoints : config.pki.trustpoints.filter { names.contains($0.name) }
                if config.pki.trustpoints.isEmpty {
                    log.error(line(.profileAuthenticationLocal), "\(label): 'authentication local' with signatures needs a 'crypto pki trustpoint'")
                }
                for trustpoint in trustpoints where trustpoint.certificateFile == nil || trustpoint.privateKeyFile == nil {
                    guard warnedTrustpoints.insert(trustpoint.name).inserted else { continue }
                    log.warning(place("crypto pki trustpoint", trustpoint.name),
                                "trustpoint '\(trustpoint.name)' has no 'certificate-file' and 'private-key-file'; on Linux they are needed to sign as \(label) requires")
                }
            }
            if let number = profile.virtualTemplate, let template = config.virtualTemplate(number) {
                let templateHere = place("interface", template.name)
                if template.tunnelProtection == nil {
                    log.error(templateHere, "'\(template.name)' has no 'tunnel protection ipsec profile'; \(label) cannot clone it")
                }
                if template.tunnelMode == nil, !profile.virtualTemplateModeAuto {
                    log.warning(templateHere, "'\(template.name)' has no 'tunnel mode' and \(label) does not use 'mode auto'; IOS's default is GRE, which IKEHub does not implement: sessions use 'tunnel mode ipsec ipv4'")
                }
            }
        }
    }
}
