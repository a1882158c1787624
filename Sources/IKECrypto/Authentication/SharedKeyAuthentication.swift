import HubVocabulary

/// AUTH method 2, Shared Key Message Integrity Code (RFC 7296 §2.15):
/// AUTH = prf( prf(Secret, "Key Pad for IKEv2"), SignedOctets ). With EAP the secret is
/// the MSK, or SK_pi/SK_pr when the method produced none (RFC 7296 §2.16).
public enum SharedKeyAuthentication {
    /// The 17 ASCII octets "Key Pad for IKEv2", no terminating NUL.
    public static let keyPad: [UInt8] = Array("Key Pad for IKEv2".utf8)

    /// The AUTH payload's Authentication Data for `octets`.
    public static func authenticationData(
        secret: SecretBytes, octets: AuthenticationOctets, prf: PseudorandomFunction
    ) throws(IKECryptoError) -> [UInt8] {
        let paddedKey = try prf.compute(key: secret, data: keyPad)
        return try paddedKey.withBytes { (key) throws(IKECryptoError) in
            try prf.makeMAC(key: key).tag([.bytes(octets.bytes)])
        }
    }

    /// Whether `received` is the AUTH data for `octets`; compared in constant time.
    public static func isValid(
        authenticationData received: [UInt8], secret: SecretBytes, octets: AuthenticationOctets,
        prf: PseudorandomFunction
    ) throws(IKECryptoError) -> Bool {
        let expected = try authenticationData(secret: secret, octets: octets, prf: prf)
        return constantTimeEquals(expected, received)
    }
}
