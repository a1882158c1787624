internal import COpenSSL
import HubVocabulary

/// Our half of one IKE key exchange: an ephemeral private key, the public value for our KE
/// payload, and the agreement with the peer's KE data.
///
/// Immutable after creation; `sharedSecret(peer:)` builds its own OpenSSL context per
/// call, so one instance may be used from any thread.
public final class KeyExchange: @unchecked Sendable {
    /// The group of this exchange (the KE payload's DH Group Num).
    public let group: DiffieHellmanGroup
    /// The key exchange data of our KE payload (RFC 7296 §3.4), `group.keyExchangeDataLength` octets.
    public let publicValue: [UInt8]
    private let key: EVPKey

    /// A fresh ephemeral key for `group` (same as `init(group:)`).
    public static func generate(group: DiffieHellmanGroup) throws(IKECryptoError) -> KeyExchange {
        try KeyExchange(group: group)
    }

    /// Generates a fresh ephemeral key from OpenSSL's CSPRNG (seeded from the OS).
    public init(group: DiffieHellmanGroup) throws(IKECryptoError) {
        let key = try KeyExchange.generateKey(group)
        self.group = group
        self.key = key
        publicValue = try KeyExchange.encodedPublicValue(of: key, group: group)
    }

    /// Uses a known private value (a published test vector's, or a key that must be
    /// reused): the big-endian scalar for ECP groups, the 32/56 raw octets for
    /// Curve25519/448 (RFC 7748 §5). MODP private values are not importable.
    public init(group: DiffieHellmanGroup, privateValue: SecretBytes) throws(IKECryptoError) {
        let key: EVPKey
        switch group.family {
        case .montgomery:
            guard privateValue.count == group.fieldLength else {
                throw .invalidKeyLength(algorithm: group.description, expected: group.fieldLength, actual: privateValue.count)
            }
            key = try privateValue.withBytes { (bytes) throws(IKECryptoError) -> EVPKey in
                clearOpenSSLErrors()
                guard let raw = EVP_PKEY_new_raw_private_key_ex(
                    nil, GroupParameters.algorithmName(group).cString, nil, bytes.cBytes, bytes.count) else {
                    throw .openSSLFailure("EVP_PKEY_new_raw_private_key_ex")
                }
                return EVPKey(taking: raw)
            }
        case .ecp:
            key = try EllipticCurvePoint.keyPair(group: group, privateValue: privateValue)
        case .modp:
            throw .unsupportedAlgorithm("\(group): importing a private value")
        }
        self.group = group
        self.key = key
        publicValue = try KeyExchange.encodedPublicValue(of: key, group: group)
    }

    /// g^ir from the peer's key exchange data, after the RFC 6989 checks: the length must
    /// match the group; MODP requires 1 < y < p−1; ECP requires both coordinates below p
    /// and a point on the curve (OpenSSL checks both when importing the point);
    /// Curve25519/448 reject an all-zero result (RFC 8031 §2).
    public func sharedSecret(peer peerValue: [UInt8]) throws(IKECryptoError) -> SecretBytes {
        guard peerValue.count == group.keyExchangeDataLength else {
            throw .invalidKeyExchangeLength(group: group, expected: group.keyExchangeDataLength, actual: peerValue.count)
        }
        let peer = try PeerPublicKey.importing(peerValue, group: group)
        let context = try EVPKeyContext(for: key)
        // Keep the wrapper alive until every C call using its pointer has returned.
        defer { withExtendedLifetime(context) {} }
        guard EVP_PKEY_derive_init(context.pointer) == 1 else { throw .openSSLFailure("EVP_PKEY_derive_init") }
        if group.family == .modp {
            // IKE's g^ir is left-padded to the prime length (RFC 7296 §2.14).
            guard EVP_PKEY_CTX_set_dh_pad(context.pointer, 1) == 1 else { throw .openSSLFailure("EVP_PKEY_CTX_set_dh_pad") }
        }
        // No second validation by OpenSSL: for the MODP safe-prime groups the range check
        // suffices (RFC 6989 §2.1) and OpenSSL's y^q mod p costs several agreements; for the
        // prime-order NIST curves the on-curve check done on import suffices (RFC 6989 §2.3),
        // and EVP_PKEY_public_check would add a scalar multiplication per handshake.
        let validate: Int32 = group.family == .montgomery ? 1 : 0
        let peerSet = withExtendedLifetime(peer) { EVP_PKEY_derive_set_peer_ex(context.pointer, peer.pointer, validate) }
        guard peerSet == 1 else {
            throw .invalidPeerPublicValue(group: group, reason: IKECryptoError.openSSLFailure("EVP_PKEY_derive_set_peer_ex").description)
        }
        var length = 0
        guard EVP_PKEY_derive(context.pointer, nil, &length) == 1, length == group.sharedSecretLength else {
            throw .openSSLFailure("EVP_PKEY_derive")
        }
        let group = self.group
        let secret = try SecretBytes.filled(count: length) { (output) throws(IKECryptoError) in
            var written = length
            guard EVP_PKEY_derive(context.pointer, output.cMutableBytes, &written) == 1, written == length else {
                if group.family == .montgomery {
                    // OpenSSL's X25519/X448 derive fails exactly when the result is all zero.
                    ERR_clear_error()
                    throw .allZeroSharedSecret(group: group)
                }
                throw .openSSLFailure("EVP_PKEY_derive")
            }
        }
        if group.family == .montgomery, secret.isAllZero {
            throw .allZeroSharedSecret(group: group)
        }
        return secret
    }

    // MARK: - Generation and encoding

    private static func generateKey(_ group: DiffieHellmanGroup) throws(IKECryptoError) -> EVPKey {
        let context: EVPKeyContext
        if group.family == .montgomery {
            context = try EVPKeyContext(algorithmName: GroupParameters.algorithmName(group))
        } else {
            context = try EVPKeyContext(for: GroupParameters.of(group).domainKey())
        }
        // Keep the wrapper alive until every C call using its pointer has returned.
        defer { withExtendedLifetime(context) {} }
        guard EVP_PKEY_keygen_init(context.pointer) == 1 else { throw .openSSLFailure("EVP_PKEY_keygen_init") }
        var generated: OpaquePointer?
        guard EVP_PKEY_generate(context.pointer, &generated) == 1, let generated else {
            throw .openSSLFailure("EVP_PKEY_generate")
        }
        return EVPKey(taking: generated)
    }

    /// Our KE data: the MODP value left-padded to the prime length, x ‖ y without the
    /// SEC 1 0x04 prefix, or the raw u-coordinate.
    private static func encodedPublicValue(of key: EVPKey, group: DiffieHellmanGroup) throws(IKECryptoError) -> [UInt8] {
        if group.family == .montgomery {
            var value = [UInt8](repeating: 0, count: group.fieldLength)
            var length = value.count
            let status = withExtendedLifetime(key) { EVP_PKEY_get_raw_public_key(key.pointer, &value, &length) }
            guard status == 1, length == group.fieldLength else { throw .openSSLFailure("EVP_PKEY_get_raw_public_key") }
            return value
        }
        var encoded: UnsafeMutablePointer<UInt8>?
        let length = withExtendedLifetime(key) { EVP_PKEY_get1_encoded_public_key(key.pointer, &encoded) }
        guard length > 0, let encoded else { throw .openSSLFailure("EVP_PKEY_get1_encoded_public_key") }
        defer { shim_OPENSSL_free(encoded) }
        let bytes = Array(UnsafeBufferPointer(start: encoded, count: length))
        switch group.family {
        case .ecp:
            guard bytes.count == 1 + group.keyExchangeDataLength, bytes.first == 0x04 else {
                throw .unsupportedAlgorithm("\(group): unexpected public point encoding")
            }
            return Array(bytes.dropFirst())
        case .modp:
            guard bytes.count <= group.fieldLength else { throw .unsupportedAlgorithm("\(group): public value too long") }
            return [UInt8](repeating: 0, count: group.fieldLength - bytes.count) + bytes
        case .montgomery:
            return bytes
        }
    }
}

extension SecretBytes {
    /// True when every octet is zero; constant-time in the contents.
    var isAllZero: Bool {
        withUnsafeBytes { bytes in bytes.reduce(UInt8(0)) { $0 | $1 } == 0 }
    }
}
