/// AUTH payloads that carry signatures (RFC 7296 §2.15, RFC 4754, RFC 7427): builds the
/// Authentication Data for our AUTH payload and verifies the peer's.
public enum SignatureAuthentication {
    /// The Authentication Data signing `octets` with `privateKey` the way `method` says:
    /// the bare signature for methods 1 and 9–11 (raw r ‖ s for ECDSA), and
    /// length ‖ AlgorithmIdentifier ‖ signature for method 14.
    public static func authenticationData(
        signing octets: AuthenticationOctets, with privateKey: PrivateKey, method: SignatureAuthenticationMethod
    ) throws(IKECryptoError) -> [UInt8] {
        try checkKey(privateKey.kind, suits: method)
        let algorithm = method.algorithm
        let signature = try SignatureEngine.sign(octets.bytes, with: privateKey.key, algorithm: algorithm)
        switch method {
        case .rsaDigitalSignature:
            return signature
        case .ecdsaSHA256P256, .ecdsaSHA384P384, .ecdsaSHA512P521:
            let length = method.requiredCurve?.coordinateLength ?? 0
            return try ECDSASignatureEncoding.raw(fromDER: signature, coordinateLength: length)
        case .digitalSignature:
            guard let identifier = algorithm.algorithmIdentifier else {
                throw .unsupportedAlgorithm("\(algorithm) has no RFC 7427 AlgorithmIdentifier here")
            }
            return [UInt8(identifier.count)] + identifier + signature
        }
    }

    /// Verifies the peer's Authentication Data for Auth Method `authMethod` over `octets`;
    /// returns the method and algorithm it used. Throws `signatureVerificationFailed` for
    /// a well-formed signature that does not verify, and other cases for malformed data or
    /// a key that cannot have produced it.
    @discardableResult
    public static func verify(
        authenticationData data: [UInt8], authMethod: UInt8, octets: AuthenticationOctets, publicKey: PublicKey
    ) throws(IKECryptoError) -> SignatureAuthenticationMethod {
        let method: SignatureAuthenticationMethod
        let signature: [UInt8]
        switch authMethod {
        case 1:
            method = .rsaDigitalSignature
            signature = data
        case 9, 10, 11:
            method = authMethod == 9 ? .ecdsaSHA256P256 : authMethod == 10 ? .ecdsaSHA384P384 : .ecdsaSHA512P521
            let length = method.requiredCurve?.coordinateLength ?? 0
            signature = try ECDSASignatureEncoding.der(fromRaw: data, coordinateLength: length)
        case 14:
            guard let identifierLength = data.first.map(Int.init), data.count > 1 + identifierLength else {
                throw .malformedAuthenticationData("method 14: AlgorithmIdentifier length exceeds the \(data.count) octets")
            }
            let identifier = Array(data[1..<(1 + identifierLength)])
            guard let algorithm = SignatureAlgorithm(algorithmIdentifier: identifier) else {
                throw .unknownSignatureAlgorithm(identifier: identifier)
            }
            method = .digitalSignature(algorithm)
            signature = Array(data[(1 + identifierLength)...])
        default:
            throw .unsupportedAlgorithm("Auth Method \(authMethod) is not a signature method")
        }
        try checkKey(publicKey.kind, suits: method)
        guard try SignatureEngine.verify(signature, of: octets.bytes, with: publicKey.key, algorithm: method.algorithm) else {
            throw .signatureVerificationFailed
        }
        return method
    }

    /// RSA methods need an RSA key; methods 9–11 need the exact curve; method 14 ECDSA
    /// takes any supported curve (RFC 7427 decouples hash and curve).
    private static func checkKey(_ kind: AsymmetricKeyKind, suits method: SignatureAuthenticationMethod) throws(IKECryptoError) {
        switch (kind, method.algorithm.usesRSAKey) {
        case (.rsa, true):
            return
        case (.ecdsa(let curve), false):
            if let required = method.requiredCurve, required != curve {
                throw .signatureAlgorithmMismatch("\(method) needs curve \(required), key is \(curve)")
            }
            return
        case (.unsupported(let reason), _):
            throw .signatureAlgorithmMismatch("\(method) with an unsupported key (\(reason))")
        default:
            throw .signatureAlgorithmMismatch("\(method) cannot use a \(kind) key")
        }
    }
}
