internal import COpenSSL
import HubVocabulary

/// Builds an ECP key pair from a known private scalar (RFC 5903 §8 vectors), computing
/// the public point Q = d·G with the non-deprecated `EC_POINT` API.
enum EllipticCurvePoint {
    static func keyPair(group: DiffieHellmanGroup, privateValue: SecretBytes) throws(IKECryptoError) -> EVPKey {
        guard privateValue.count == group.fieldLength else {
            throw .invalidKeyLength(algorithm: group.description, expected: group.fieldLength, actual: privateValue.count)
        }
        let curve = try Curve(group)
        let scalar = try privateValue.withBytes { (bytes) throws(IKECryptoError) in try BigNumber(bigEndian: bytes) }
        let publicPoint = try curve.multiplyGenerator(by: scalar)
        let context = try EVPKeyContext(algorithmName: "EC")
        // Keep the wrapper alive until every C call using its pointer has returned.
        defer { withExtendedLifetime(context) {} }
        guard EVP_PKEY_fromdata_init(context.pointer) == 1 else { throw .openSSLFailure("EVP_PKEY_fromdata_init") }
        let builder = try ParameterBuilder()
        try GroupParameters.pushDomain(group, onto: builder)
        try builder.push("priv", number: scalar)
        try publicPoint.withBytes { (bytes) throws(IKECryptoError) in try builder.push("pub", octets: bytes) }
        return try builder.withParameters { (list) throws(IKECryptoError) -> EVPKey in
            var key: OpaquePointer?
            guard EVP_PKEY_fromdata(context.pointer, &key, SHIM_EVP_PKEY_KEYPAIR, list) == 1, let key else {
                throw .openSSLFailure("EVP_PKEY_fromdata")
            }
            return EVPKey(taking: key)
        }
    }

    /// Owns an `EC_GROUP`.
    private final class Curve {
        let pointer: OpaquePointer
        let group: DiffieHellmanGroup

        init(_ group: DiffieHellmanGroup) throws(IKECryptoError) {
            let nid: Int32 = switch group {
            case .ecp256: NID_X9_62_prime256v1
            case .ecp384: NID_secp384r1
            default: NID_secp521r1
            }
            clearOpenSSLErrors()
            guard let curve = EC_GROUP_new_by_curve_name(nid) else { throw .openSSLFailure("EC_GROUP_new_by_curve_name") }
            pointer = curve
            self.group = group
        }

        deinit { EC_GROUP_free(pointer) }

        /// d·G as an uncompressed SEC 1 point (0x04 ‖ x ‖ y).
        func multiplyGenerator(by scalar: BigNumber) throws(IKECryptoError) -> [UInt8] {
            guard let point = EC_POINT_new(pointer) else { throw .openSSLFailure("EC_POINT_new") }
            defer { EC_POINT_free(point) }
            guard withExtendedLifetime(scalar, { EC_POINT_mul(pointer, point, scalar.pointer, nil, nil, nil) }) == 1 else {
                throw .openSSLFailure("EC_POINT_mul")
            }
            var encoded = [UInt8](repeating: 0, count: 1 + 2 * group.fieldLength)
            let written = EC_POINT_point2oct(pointer, point, POINT_CONVERSION_UNCOMPRESSED, &encoded, encoded.count, nil)
            guard written == encoded.count else { throw .openSSLFailure("EC_POINT_point2oct") }
            return encoded
        }
    }
}
