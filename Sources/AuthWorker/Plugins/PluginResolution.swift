import AuthPluginAPI
import FlexConfig
import HubVocabulary
import LocalKeyringPlugin
import Logging

/// A configured method that needs a plugin feature.
struct PluginDemand: Hashable, Sendable {
    let feature: PluginFeature
    let backend: MethodBackend
    /// The method the backend came from (`group NAME`, `local`), for the error.
    let method: String
    let line: ConfigurationLine
}

/// Why the worker cannot serve its configuration; names the plugin, the feature and the
/// configuration line.
public struct PluginResolutionError: Error, CustomStringConvertible, Sendable {
    public let description: String
}

/// The plugins a configuration needs, made once at worker start.
public struct ResolvedPlugins: Sendable {
    /// Instances by back end (one per plugin type).
    let byBackend: [MethodBackend: any AuthPlugin]
    let configuration: FlexConfiguration
    /// The features the configuration uses (which services the worker offers).
    public let usedFeatures: Set<PluginFeature>

    /// Resolves every method of `configuration` against `available`. `options` are the
    /// per-plugin options (`--plugin-option NAME.KEY=VALUE`). `text` and `file` locate
    /// the configuration lines in errors.
    public static func resolve(_ configuration: FlexConfiguration, text: String?, file: String,
                               available: [any AuthPlugin.Type] = AvailableAuthPlugins.all,
                               options: [String: [String: String]] = [:], logger: Logger,
                               alwaysKeyring: Bool = false) throws(PluginResolutionError) -> ResolvedPlugins {
        let locator = ConfigurationLocator(text: text, file: file)
        let demands = Self.demands(of: configuration, locator: locator)
        var chosen: [MethodBackend: any AuthPlugin.Type] = [:]
        for demand in demands {
            let providers = available.filter { $0.backend == demand.backend && $0.provided.contains(demand.feature) }
            guard let plugin = providers.first else {
                let speakers = available.filter { $0.provided.contains(demand.feature) }
                    .map { "\($0.name) (\($0.backend))" }.joined(separator: ", ")
                throw PluginResolutionError(description: """
                    \(demand.line): no plugin provides \(demand.feature) for method `\(demand.method)` \
                    (back end \(demand.backend)); plugins providing \(demand.feature): \(speakers.isEmpty ? "none" : speakers)
                    """)
            }
            chosen[demand.backend] = plugin
        }
        if alwaysKeyring, chosen[.keyring] == nil { chosen[.keyring] = LocalKeyringPlugin.self }
        var instances: [MethodBackend: any AuthPlugin] = [:]
        for (backend, plugin) in chosen {
            let context = PluginContext(configuration: configuration, logger: logger, options: options[plugin.name] ?? [:])
            do {
                instances[backend] = try plugin.init(context: context)
            } catch {
                throw PluginResolutionError(description: "plugin \(plugin.name) did not start: \(error)")
            }
            logger.info("plugin \(plugin.name) serves \(demands.filter { $0.backend == backend }.map(\.feature.rawValue).sorted().joined(separator: ", "))")
        }
        return ResolvedPlugins(byBackend: instances, configuration: configuration,
                               usedFeatures: Set(demands.map(\.feature)))
    }

    /// What every profile's lines need.
    static func demands(of configuration: FlexConfiguration, locator: ConfigurationLocator) -> [PluginDemand] {
        var demands: [PluginDemand] = []
        for profile in configuration.ikev2.profiles {
            func line(_ command: String) -> ConfigurationLine {
                ConfigurationLine(text: "crypto ikev2 profile \(profile.name) / \(command)",
                                  location: locator.location(block: "crypto ikev2 profile \(profile.name)", command: command))
            }
            switch profile.keyring {
            case .local(let name)?:
                demands.append(PluginDemand(feature: .preSharedKeys, backend: .keyring, method: "keyring local \(name)",
                                            line: line("keyring local \(name)")))
            case .aaa(let list, _, _)?:
                let (backend, method) = Self.backend(ofList: list, kinds: [.authorizationNetwork], in: configuration)
                demands.append(PluginDemand(feature: .preSharedKeys, backend: backend, method: method, line: line("keyring aaa \(list)")))
            case nil:
                break
            }
            let usesEAP = profile.remoteAuthentication.contains { if case .eap = $0 { true } else { false } }
            if let list = profile.eapAuthenticationList, usesEAP {
                let (backend, method) = Self.backend(ofList: list, kinds: [.authenticationEAP, .authenticationLogin], in: configuration)
                demands.append(PluginDemand(feature: .eapPassThrough, backend: backend, method: method,
                                            line: line("aaa authentication eap \(list)")))
            } else if usesEAP {
                demands.append(PluginDemand(feature: .eapPassThrough, backend: .unknown, method: "(no aaa authentication eap list)",
                                            line: line("authentication remote eap")))
            }
            for rule in profile.authorizations {
                guard let list = rule.list else { continue }
                let (backend, method) = Self.backend(ofList: list, kinds: [.authorizationNetwork], in: configuration)
                demands.append(PluginDemand(feature: rule.scope == .user ? .userAuthorization : .groupAuthorization,
                                            backend: backend, method: method,
                                            line: line("aaa authorization \(rule.scope.rawValue)")))
            }
        }
        return demands
    }

    /// The back end of a method list: its first method that is `group` of a RADIUS group
    /// (or `group radius`), else `local`, else unknown.
    static func backend(ofList name: String, kinds: [AAAMethodList.Kind], in configuration: FlexConfiguration) -> (MethodBackend, String) {
        guard let list = kinds.lazy.compactMap({ configuration.aaa.methodList($0, named: name) }).first else {
            return (.unknown, "aaa \(kinds[0].rawValue) \(name) (not defined)")
        }
        for method in list.methods {
            switch method {
            case .group(let group):
                if group == "radius" || configuration.aaa.serverGroups.contains(where: { $0.name == group }) {
                    return (.radius, "group \(group)")
                }
                return (.unknown, "group \(group) (no `aaa group server radius \(group)`)")
            case .local, .localCase:
                return (.local, "local")
            case .none, .ifAuthenticated:
                continue
            }
        }
        return (.unknown, "aaa \(list.kind.rawValue) \(name) (no usable method)")
    }

    // MARK: - Providers

    func keyProvider(for source: IKEv2Profile.KeyringSource?) -> (any PreSharedKeyProvider)? {
        switch source {
        case .aaa(let list, _, _)?:
            let (backend, _) = Self.backend(ofList: list, kinds: [.authorizationNetwork], in: configuration)
            return byBackend[backend] as? any PreSharedKeyProvider
        default:
            return byBackend[.keyring] as? any PreSharedKeyProvider
        }
    }

    func eapProvider(forList list: String) -> (any EAPPassThroughProvider)? {
        let (backend, _) = Self.backend(ofList: list, kinds: [.authenticationEAP, .authenticationLogin], in: configuration)
        return byBackend[backend] as? any EAPPassThroughProvider
    }

    func authorizationProvider(forList list: String) -> (backend: MethodBackend, provider: any AuthorizationProvider)? {
        let (backend, _) = Self.backend(ofList: list, kinds: [.authorizationNetwork], in: configuration)
        guard let provider = byBackend[backend] as? any AuthorizationProvider else { return nil }
        return (backend, provider)
    }
}

/// Finds the file:line of a command inside a configuration block, for error messages
/// (the model keeps no source positions).
struct ConfigurationLocator {
    let lines: [Substring]
    let file: String

    init(text: String?, file: String) {
        lines = text?.split(separator: "\n", omittingEmptySubsequences: false) ?? []
        self.file = file
    }

    func location(block: String, command: String) -> String? {
        guard let start = lines.firstIndex(where: { $0.trimmingSpaces == block }) else { return nil }
        var index = lines.index(after: start)
        while index < lines.endIndex {
            let line = lines[index]
            let trimmed = line.trimmingSpaces
            if !line.isEmpty, line.first != " ", line.first != "\t", trimmed != "!" { break }
            if trimmed.hasPrefix(command) { return "\(file):\(index + 1)" }
            index += 1
        }
        return "\(file):\(start + 1)"
    }
}

extension Substring {
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" || $0 == "\r" }.reversed())
    }
}
