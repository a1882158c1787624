public import AuthPluginAPI
import FlexConfig
import HubVocabulary

/// `LocalKeyring`: pre-shared keys from the configuration's `crypto ikev2 keyring`
/// blocks (IOS `keyring local NAME`), or from a keyring file (option `file`, the
/// worker's `--psk-keyring`). Options: OPTIONS.md.
public struct LocalKeyringPlugin: PreSharedKeyProvider {
    public static let name = "LocalKeyring"
    public static let features: [FeatureDeclaration] = [.provides(.preSharedKeys), .requires(.keyring)]
    public static let backend = MethodBackend.keyring

    public let keyring: PreSharedKeyring
    /// Keyring peers the configuration has but that cannot be matched (hostname peers).
    public let unmatchable: [String]

    public init(context: PluginContext) throws(PluginError) {
        if let file = context.options["file"] {
            do {
                keyring = try PreSharedKeyring(contentsOf: file)
            } catch {
                throw PluginError("LocalKeyring: \(error)")
            }
            unmatchable = []
        } else {
            (keyring, unmatchable) = PreSharedKeyring.fromConfiguration(context.configuration)
        }
        for peer in unmatchable {
            context.logger.warning("LocalKeyring: \(peer); that peer is matched by identity only")
        }
    }

    public init(keyring: PreSharedKeyring) {
        self.keyring = keyring
        unmatchable = []
    }

    public func preSharedKeys(for lookup: PreSharedKeyLookup) async -> PreSharedKeyOutcome {
        keys(for: lookup)
    }

    /// The same, synchronously (a dictionary look-up: the worker answers it on its I/O thread).
    public func keys(for lookup: PreSharedKeyLookup) -> PreSharedKeyOutcome {
        let type = UInt32(lookup.identity.kind.rawValue)
        guard let remote = keyring.key(idType: type, value: lookup.identity.data, peerAddress: lookup.peerAddress) else {
            // The identity is sensitive: the reason names only its type.
            return .notFound(reason: "no pre-shared key for the peer identity (ID type \(type))")
        }
        let local = keyring.localKey(idType: type, value: lookup.identity.data, peerAddress: lookup.peerAddress) ?? remote
        return .found(remote: remote, local: local, name: String(decoding: lookup.identity.data, as: UTF8.self), attributes: [])
    }
}
