public import FlexConfig
import HubVocabulary

extension PreSharedKeyring {
    /// The identity a peer matches when no identity-specific entry does: IOS `peer X /
    /// address 0.0.0.0 0.0.0.0` (any address).
    static let anyPeer = "*"

    /// The keys of every `crypto ikev2 keyring` in the configuration (RFC 7296 §2.15 PSKs
    /// stay in the worker): `identity fqdn|email|key-id|address` entries by identity, and
    /// `address 0.0.0.0 0.0.0.0` peers as the key for any peer. The peer's own key is the
    /// `pre-shared-key [remote]` one; the asymmetric local key is used for our AUTH.
    ///
    /// Address-specific peers are matched by the AuthenticateRequest's peer address, most
    /// specific first. A `hostname` peer is resolved here, once (`resolve`): each of its
    /// addresses becomes a host peer, and the name also matches an FQDN identity; a name
    /// that does not resolve is returned in `unmatchable` so that the worker says so.
    public static func fromConfiguration(_ configuration: FlexConfiguration,
                                         resolve: (String) -> [IPAddress] = HostnameResolver.addresses(of:))
        -> (keyring: PreSharedKeyring, unmatchable: [String]) {
        var keys: [String: SecretBytes] = [:]
        var localKeys: [String: SecretBytes] = [:]
        var addressPeers: [AddressPeer] = []
        var unmatchable: [String] = []
        for keyring in configuration.ikev2.keyrings {
            for peer in keyring.peers {
                guard let key = peer.remoteKey ?? peer.key else { continue }
                let localKey = peer.localKey
                var names: [String] = []
                for identity in peer.identities {
                    if let text = identity.text {
                        names.append(text)
                    } else if let address = IPAddress(bytes: identity.data) {
                        names.append(address.description)
                    }
                }
                for address in peer.addresses {
                    if case .ipv4(let start, let mask) = address, start.rawValue == 0, mask.rawValue == 0 {
                        names.append(anyPeer)
                    } else if case .ipv6(_, let length) = address, length == 0 {
                        names.append(anyPeer)
                    } else if case .ipv4(let start, let mask) = address {
                        addressPeers.append(AddressPeer(network: .v4(start), prefixLength: mask.rawValue.nonzeroBitCount,
                                                        key: key, localKey: localKey))
                    } else if case .ipv6(let prefix, let length) = address {
                        addressPeers.append(AddressPeer(network: .v6(prefix), prefixLength: Int(length), key: key, localKey: localKey))
                    }
                }
                if let hostname = peer.hostname {
                    let resolved = resolve(hostname)
                    if resolved.isEmpty {
                        unmatchable.append("keyring \(keyring.name) peer \(peer.name) (hostname \(hostname) does not resolve)")
                    }
                    for address in resolved {
                        addressPeers.append(AddressPeer(network: address, prefixLength: address.bytes.count * 8, key: key, localKey: localKey))
                    }
                    names.append(hostname)
                }
                for name in names {
                    keys[name] = key
                    if let localKey { localKeys[name] = localKey }
                }
            }
        }
        var keyring = PreSharedKeyring(keys: keys, localKeys: localKeys)
        keyring.addressPeers = addressPeers.sorted { $0.prefixLength > $1.prefixLength }
        return (keyring, unmatchable)
    }
}
