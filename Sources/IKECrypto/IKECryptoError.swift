/// Every failure IKECrypto reports. Pure functions throw this type (`throws(IKECryptoError)`).
///
/// Cases that come from peer input (`invalidPeerPublicValue`, `integrityCheckFailed`, …)
/// carry the place (group, byte offset) so the caller can log it and answer with the
/// right notify (INVALID_KE_PAYLOAD, INVALID_SYNTAX, AUTHENTICATION_FAILED).
public enum IKECryptoError: Error, Equatable, Sendable, CustomStringConvertible {
    /// OpenSSL refused an operation. `code` is `ERR_get_error()`; `reason` names the
    /// OpenSSL function we called followed by OpenSSL's own error string.
    case openSSL(code: UInt, reason: String)
    /// The transform is known to IKE but this build of IKECrypto or OpenSSL lacks it.
    case unsupportedAlgorithm(String)
    /// A key of the wrong size was handed to an algorithm with a fixed key size.
    case invalidKeyLength(algorithm: String, expected: Int, actual: Int)
    /// prf+ was asked for more than 255 blocks (RFC 7296 §2.13).
    case prfPlusOutputTooLong(requested: Int, maximum: Int)
    /// A transform set that cannot work together, e.g. AEAD with an INTEG transform.
    case invalidTransformCombination(String)
    /// A KE payload whose key exchange data has the wrong length for its group (RFC 7296 §3.4).
    case invalidKeyExchangeLength(group: DiffieHellmanGroup, expected: Int, actual: Int)
    /// The peer's public value failed the RFC 6989 checks.
    case invalidPeerPublicValue(group: DiffieHellmanGroup, reason: String)
    /// An X25519/X448 agreement produced the all-zero value (RFC 8031 §2).
    case allZeroSharedSecret(group: DiffieHellmanGroup)
    /// An Encrypted (SK) or Encrypted Fragment (SKF) payload that is structurally wrong;
    /// `offset` is the byte offset in the message where the problem was found.
    case malformedEncryptedPayload(offset: Int, reason: String)
    /// The ICV (or AEAD tag) of the encrypted payload at `offset` did not verify.
    case integrityCheckFailed(offset: Int)
    /// The decrypted Pad Length octet points before the start of the plaintext.
    case invalidPadding(offset: Int, padLength: Int, plaintextLength: Int)
    /// An IV of the wrong size was given to `seal`.
    case invalidIVLength(expected: Int, actual: Int)
    /// The operating system's random generator failed.
    case randomSourceFailed(String)
    /// A PEM/DER key or certificate could not be decoded.
    case keyDecodingFailed(String)
    /// The key cannot be used with the requested or received signature algorithm.
    case signatureAlgorithmMismatch(String)
    /// An RFC 7427 AUTH payload names an AlgorithmIdentifier we do not accept.
    case unknownSignatureAlgorithm(identifier: [UInt8])
    /// AUTH data that cannot be parsed (too short, bad DER, wrong r‖s width).
    case malformedAuthenticationData(String)
    /// The signature is well-formed but does not verify with the public key.
    case signatureVerificationFailed

    public var description: String {
        switch self {
        case .openSSL(let code, let reason): "OpenSSL error \(code): \(reason)"
        case .unsupportedAlgorithm(let name): "unsupported algorithm \(name)"
        case .invalidKeyLength(let algorithm, let expected, let actual):
            "\(algorithm): key is \(actual) octets, need \(expected)"
        case .prfPlusOutputTooLong(let requested, let maximum):
            "prf+ asked for \(requested) octets, at most \(maximum) (255 blocks, RFC 7296 §2.13)"
        case .invalidTransformCombination(let reason): "invalid transform combination: \(reason)"
        case .invalidKeyExchangeLength(let group, let expected, let actual):
            "KE data for group \(group.rawValue) is \(actual) octets, need \(expected)"
        case .invalidPeerPublicValue(let group, let reason):
            "peer public value for group \(group.rawValue) rejected: \(reason)"
        case .allZeroSharedSecret(let group): "group \(group.rawValue) shared secret is all zero (RFC 8031 §2)"
        case .malformedEncryptedPayload(let offset, let reason): "encrypted payload at offset \(offset): \(reason)"
        case .integrityCheckFailed(let offset): "encrypted payload at offset \(offset): integrity check failed"
        case .invalidPadding(let offset, let padLength, let plaintextLength):
            "encrypted payload at offset \(offset): pad length \(padLength) exceeds plaintext of \(plaintextLength) octets"
        case .invalidIVLength(let expected, let actual): "IV is \(actual) octets, need \(expected)"
        case .randomSourceFailed(let reason): "random source failed: \(reason)"
        case .keyDecodingFailed(let reason): "key decoding failed: \(reason)"
        case .signatureAlgorithmMismatch(let reason): "signature algorithm mismatch: \(reason)"
        case .unknownSignatureAlgorithm(let identifier):
            "unknown RFC 7427 AlgorithmIdentifier \(identifier.map { String($0, radix: 16) }.joined())"
        case .malformedAuthenticationData(let reason): "malformed AUTH data: \(reason)"
        case .signatureVerificationFailed: "signature does not verify"
        }
    }
}
