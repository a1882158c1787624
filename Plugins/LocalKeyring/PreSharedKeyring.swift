import Foundation
public import HubVocabulary

#if canImport(Glibc)
import Glibc
#endif

/// The pre-shared keys the `auth.psk` service checks AUTH with, read from a
/// keyring file given in the worker's configuration (`--psk-keyring`).
///
/// Format, one peer per line (`#` starts a comment), in the spirit of IOS
/// `crypto ikev2 keyring` / `peer` / `identity` / `pre-shared-key`:
///
///     <identity> <pre-shared key>
///
/// `<identity>` is the peer's IKE ID as text: an FQDN, an e-mail address
/// (RFC822_ADDR), an IPv4/IPv6 address or a KEY_ID. The key is the rest of the
/// line. The file holds secrets: it must not be readable by group or others.
public struct PreSharedKeyring: Sendable {
    private let keys: [String: SecretBytes]
    /// IOS `pre-shared-key local K`: the key our own AUTH is computed with, by identity,
    /// when it differs from the peer's (`pre-shared-key remote K`) one.
    private var localKeys: [String: SecretBytes] = [:]
    /// Keyring peers matched by `address A MASK` (IPv4) or `address P/L` (IPv6), most
    /// specific first; tried when no identity entry names the peer.
    var addressPeers: [AddressPeer] = []

    /// One peer matched by its outer address.
    struct AddressPeer: Sendable {
        let network: IPAddress
        let prefixLength: Int
        let key: SecretBytes
        let localKey: SecretBytes?

        func contains(_ address: IPAddress) -> Bool { address.isWithin(network, prefixLength: prefixLength) }
    }

    /// Why a keyring cannot be used; names the file and line.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Number of peers.
    public var count: Int { keys.count + addressPeers.count }

    /// Keys by identity (for tests and embedding).
    public init(keys: [String: SecretBytes], localKeys: [String: SecretBytes] = [:]) {
        self.keys = keys
        self.localKeys = localKeys
    }

    /// Reads `path`; refuses a file that group or others can read.
    public init(contentsOf path: String) throws(Failure) {
        var info = stat()
        guard stat(path, &info) == 0 else { throw Failure(description: "\(path): cannot read the keyring (errno \(errno))") }
        guard info.st_mode & 0o077 == 0 else {
            throw Failure(description: "\(path): keyring is readable by group or others (mode \(String(info.st_mode & 0o777, radix: 8))); chmod 600 it")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure(description: "\(path): cannot read the keyring")
        }
        var keys: [String: SecretBytes] = [:]
        var bytes = [UInt8](data)
        defer { for index in bytes.indices { bytes[index] = 0 } }
        for (number, line) in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.drop { $0 == 32 || $0 == 9 }
            if trimmed.isEmpty || trimmed.first == UInt8(ascii: "#") { continue }
            guard let space = trimmed.firstIndex(where: { $0 == 32 || $0 == 9 }) else {
                throw Failure(description: "\(path):\(number + 1):1: expected `<identity> <pre-shared key>`")
            }
            let identity = String(decoding: trimmed[trimmed.startIndex..<space], as: UTF8.self)
            var key = trimmed[space...].drop { $0 == 32 || $0 == 9 }
            while let last = key.last, last == 13 || last == 32 || last == 9 { key = key.dropLast() }
            guard !key.isEmpty else {
                throw Failure(description: "\(path):\(number + 1):\(space - trimmed.startIndex + 1): the key for \(identity) is empty")
            }
            keys[identity] = SecretBytes(key)
        }
        self.keys = keys
    }

    /// The key for a peer identity (RFC 7296 §3.5 ID type and data), if any; the
    /// any-peer key of a configuration keyring when no entry names the identity.
    public func key(idType: UInt32, value: [UInt8], peerAddress: IPAddress? = nil) -> SecretBytes? {
        specificKey(idType: idType, value: value)
            ?? peerAddress.flatMap { address in addressPeers.first { $0.contains(address) }?.key }
            ?? keys[Self.anyPeer]
    }

    /// The key for our AUTH towards that peer: its asymmetric local key, else the same key.
    public func localKey(idType: UInt32, value: [UInt8], peerAddress: IPAddress? = nil) -> SecretBytes? {
        if specificKey(idType: idType, value: value) == nil, let peerAddress,
           let peer = addressPeers.first(where: { $0.contains(peerAddress) }) {
            return peer.localKey ?? peer.key
        }
        if !localKeys.isEmpty, let name = Self.identityText(idType: idType, value: value) ?? Optional(Self.anyPeer),
           let key = localKeys[name] ?? localKeys[Self.anyPeer] {
            return key
        }
        return key(idType: idType, value: value, peerAddress: peerAddress)
    }

    /// The identity as the keyring names it (dotted IPv4; FQDN, e-mail and key-id as text).
    public static func identityText(idType: UInt32, value: [UInt8]) -> String? {
        switch idType {
        case 1 where value.count == 4: value.map(String.init).joined(separator: ".")
        case 5: IPAddress(bytes: value)?.description
        default: String(decoding: value, as: UTF8.self)
        }
    }

    private func specificKey(idType: UInt32, value: [UInt8]) -> SecretBytes? {
        switch idType {
        case 1 where value.count == 4:  // ID_IPV4_ADDR
            return keys[value.map(String.init).joined(separator: ".")]
        case 5 where value.count == 16:  // ID_IPV6_ADDR
            var address = in6_addr()
            withUnsafeMutableBytes(of: &address) { $0.copyBytes(from: value) }
            var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            guard inet_ntop(AF_INET6, &address, &text, socklen_t(text.count)) != nil else { return nil }
            return keys[String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)]
        default:  // FQDN, RFC822_ADDR, KEY_ID: the text itself
            return keys[String(decoding: value, as: UTF8.self)]
        }
    }
}
