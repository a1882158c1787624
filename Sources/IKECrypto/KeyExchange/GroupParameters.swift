internal import COpenSSL
import HubVocabulary

/// Domain parameters of one group as an OpenSSL parameters-only key, built once and
/// shared (read-only) by every key generation and peer import for that group.
final class GroupParameters: @unchecked Sendable {
    let group: DiffieHellmanGroup
    /// Parameters-only `EVP_PKEY` (MODP and ECP); `nil` for the Montgomery curves.
    private let domain: Result<EVPKey, IKECryptoError>?
    /// The MODP prime, big-endian, `fieldLength` octets (empty for other families).
    let prime: [UInt8]

    private init(group: DiffieHellmanGroup) {
        self.group = group
        switch group.family {
        case .montgomery:
            domain = nil
            prime = []
        case .ecp, .modp:
            let built = Result { () throws(IKECryptoError) -> EVPKey in try GroupParameters.buildDomain(group) }
            domain = built
            if group.family == .modp, case .success(let key) = built {
                prime = (try? GroupParameters.readPrime(key, length: group.fieldLength)) ?? []
            } else {
                prime = []
            }
        }
    }

    /// The cached parameters of `group`.
    static func of(_ group: DiffieHellmanGroup) -> GroupParameters {
        switch group {
        case .modp1024: modp1024
        case .modp2048: modp2048
        case .modp3072: modp3072
        case .modp4096: modp4096
        case .ecp256: ecp256
        case .ecp384: ecp384
        case .ecp521: ecp521
        case .curve25519: curve25519
        case .curve448: curve448
        }
    }

    private static let modp1024 = GroupParameters(group: .modp1024)
    private static let modp2048 = GroupParameters(group: .modp2048)
    private static let modp3072 = GroupParameters(group: .modp3072)
    private static let modp4096 = GroupParameters(group: .modp4096)
    private static let ecp256 = GroupParameters(group: .ecp256)
    private static let ecp384 = GroupParameters(group: .ecp384)
    private static let ecp521 = GroupParameters(group: .ecp521)
    private static let curve25519 = GroupParameters(group: .curve25519)
    private static let curve448 = GroupParameters(group: .curve448)

    /// The domain key, or the error that prevented building it.
    func domainKey() throws(IKECryptoError) -> EVPKey {
        guard let domain else { throw .unsupportedAlgorithm("\(group) has no domain parameters") }
        return try domain.get()
    }

    /// OpenSSL's key type name for `group`.
    static func algorithmName(_ group: DiffieHellmanGroup) -> StaticString {
        switch group.family {
        case .modp: "DH"
        case .ecp: "EC"
        case .montgomery: group == .curve25519 ? "X25519" : "X448"
        }
    }

    /// The name OpenSSL knows the group by (RFC 3526 MODP, NIST curves); `nil` for the
    /// RFC 2409 1024-bit group, which OpenSSL does not name and we build from its prime.
    static func openSSLGroupName(_ group: DiffieHellmanGroup) -> StaticString? {
        switch group {
        case .modp1024: nil
        case .modp2048: "modp_2048"
        case .modp3072: "modp_3072"
        case .modp4096: "modp_4096"
        case .ecp256: "P-256"
        case .ecp384: "P-384"
        case .ecp521: "P-521"
        case .curve25519, .curve448: nil
        }
    }

    /// Pushes the domain parameters of `group` (its name, or p and g) onto `builder`.
    static func pushDomain(_ group: DiffieHellmanGroup, onto builder: ParameterBuilder) throws(IKECryptoError) {
        if let name = openSSLGroupName(group) {
            try builder.push("group", utf8: name)
            return
        }
        guard oakleyGroup2Prime.count == 128 else { throw .unsupportedAlgorithm("\(group): prime constant unreadable") }
        try oakleyGroup2Prime.withBytes { (bytes) throws(IKECryptoError) in
            try builder.push("p", number: BigNumber(bigEndian: bytes))
        }
        try [UInt8(2)].withBytes { (bytes) throws(IKECryptoError) in
            try builder.push("g", number: BigNumber(bigEndian: bytes))
        }
    }

    private static func buildDomain(_ group: DiffieHellmanGroup) throws(IKECryptoError) -> EVPKey {
        let context = try EVPKeyContext(algorithmName: algorithmName(group))
        // Keep the wrapper alive until every C call using its pointer has returned.
        defer { withExtendedLifetime(context) {} }
        guard EVP_PKEY_fromdata_init(context.pointer) == 1 else { throw .openSSLFailure("EVP_PKEY_fromdata_init") }
        let builder = try ParameterBuilder()
        try pushDomain(group, onto: builder)
        return try builder.withParameters { (list) throws(IKECryptoError) -> EVPKey in
            var key: OpaquePointer?
            guard EVP_PKEY_fromdata(context.pointer, &key, SHIM_EVP_PKEY_KEY_PARAMETERS, list) == 1, let key else {
                throw .openSSLFailure("EVP_PKEY_fromdata")
            }
            return EVPKey(taking: key)
        }
    }

    private static func readPrime(_ key: EVPKey, length: Int) throws(IKECryptoError) -> [UInt8] {
        var number: OpaquePointer?
        guard withExtendedLifetime(key, { EVP_PKEY_get_bn_param(key.pointer, "p", &number) }) == 1, let number else {
            throw .openSSLFailure("EVP_PKEY_get_bn_param")
        }
        let owned = BigNumber(taking: number)
        // Keep the wrapper alive until every C call using its pointer has returned.
        defer { withExtendedLifetime(owned) {} }
        var bytes = [UInt8](repeating: 0, count: length)
        guard BN_bn2binpad(owned.pointer, &bytes, Int32(length)) == Int32(length) else {
            throw .openSSLFailure("BN_bn2binpad")
        }
        return bytes
    }

    /// The 1024-bit MODP prime of RFC 2409 §6.2 ("Second Oakley Group"), generator 2:
    /// 2^1024 − 2^960 − 1 + 2^64 · ( [2^894 π] + 129093 ).
    static let oakleyGroup2Prime: [UInt8] = Hex.decode("""
        FFFFFFFF FFFFFFFF C90FDAA2 2168C234 C4C6628B 80DC1CD1
        29024E08 8A67CC74 020BBEA6 3B139B22 514A0879 8E3404DD
        EF9519B3 CD3A431B 302B0A6D F25F1437 4FE1356D 6D51C245
        E485B576 625E7EC6 F44C42E9 A637ED6B 0BFF5CB6 F406B7ED
        EE386BFB 5A899FA5 AE9F2411 7C4B1FE6 49286651 ECE65381
        FFFFFFFF FFFFFFFF
        """) ?? []
}
