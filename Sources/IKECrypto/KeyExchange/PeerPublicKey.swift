internal import COpenSSL

/// Imports the peer's KE data as an OpenSSL public key, applying the RFC 6989 checks
/// that are ours to make before OpenSSL sees the value.
enum PeerPublicKey {
    /// `value` has already been checked to be `group.keyExchangeDataLength` octets.
    static func importing(_ value: [UInt8], group: DiffieHellmanGroup) throws(IKECryptoError) -> EVPKey {
        switch group.family {
        case .montgomery:
            return try value.withBytes { (bytes) throws(IKECryptoError) -> EVPKey in
                clearOpenSSLErrors()
                guard let key = EVP_PKEY_new_raw_public_key_ex(
                    nil, GroupParameters.algorithmName(group).cString, nil, bytes.cBytes, bytes.count) else {
                    throw .invalidPeerPublicValue(group: group, reason: IKECryptoError.openSSLFailure("EVP_PKEY_new_raw_public_key_ex").description)
                }
                return EVPKey(taking: key)
            }
        case .modp:
            try checkMODPRange(value, group: group)
            return try fromData(group: group) { (builder) throws(IKECryptoError) in
                try value.withBytes { (bytes) throws(IKECryptoError) in
                    try builder.push("pub", number: BigNumber(bigEndian: bytes))
                }
            }
        case .ecp:
            // SEC 1 uncompressed point; OpenSSL rejects coordinates ≥ p and points off the curve.
            let point = [UInt8(0x04)] + value
            return try fromData(group: group) { (builder) throws(IKECryptoError) in
                try point.withBytes { (bytes) throws(IKECryptoError) in try builder.push("pub", octets: bytes) }
            }
        }
    }

    /// RFC 6989 §2.1: 1 < y < p − 1, with y and p both big-endian and prime-length.
    static func checkMODPRange(_ value: [UInt8], group: DiffieHellmanGroup) throws(IKECryptoError) {
        let prime = GroupParameters.of(group).prime
        guard prime.count == value.count else { throw .unsupportedAlgorithm("\(group): prime unavailable") }
        // y ≤ 1 ⇔ every octet but the last is zero and the last is 0 or 1.
        if value.dropLast().allSatisfy({ $0 == 0 }), let last = value.last, last <= 1 {
            throw .invalidPeerPublicValue(group: group, reason: "y ≤ 1 (RFC 6989 §2.1)")
        }
        // p is odd, so p − 1 is p with its last octet decremented.
        var primeMinusOne = prime
        primeMinusOne[primeMinusOne.count - 1] &-= 1
        if !value.lexicographicallyPrecedes(primeMinusOne) {
            throw .invalidPeerPublicValue(group: group, reason: "y ≥ p − 1 (RFC 6989 §2.1)")
        }
    }

    private static func fromData(
        group: DiffieHellmanGroup, _ pushPublic: (ParameterBuilder) throws(IKECryptoError) -> Void
    ) throws(IKECryptoError) -> EVPKey {
        let context = try EVPKeyContext(algorithmName: GroupParameters.algorithmName(group))
        // Keep the wrapper alive until every C call using its pointer has returned.
        defer { withExtendedLifetime(context) {} }
        guard EVP_PKEY_fromdata_init(context.pointer) == 1 else { throw .openSSLFailure("EVP_PKEY_fromdata_init") }
        let builder = try ParameterBuilder()
        try GroupParameters.pushDomain(group, onto: builder)
        try pushPublic(builder)
        return try builder.withParameters { (list) throws(IKECryptoError) -> EVPKey in
            var key: OpaquePointer?
            guard EVP_PKEY_fromdata(context.pointer, &key, SHIM_EVP_PKEY_PUBLIC_KEY, list) == 1, let key else {
                throw .invalidPeerPublicValue(group: group, reason: IKECryptoError.openSSLFailure("EVP_PKEY_fromdata").description)
            }
            return EVPKey(taking: key)
        }
    }
}
