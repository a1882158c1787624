import HubVocabulary

/// The octets an AUTH payload signs or MACs (RFC 7296 §2.15):
///
///     InitiatorSignedOctets = RealMessage1 | NonceRData | MACedIDForI
///     ResponderSignedOctets = RealMessage2 | NonceIData | MACedIDForR
///     MACedIDForI = prf(SK_pi, RestOfInitIDPayload)
///
/// RealMessage is the IKE_SA_INIT message exactly as sent or received (never
/// re-encoded). The nonces are Nonce payload bodies. RestOfIDPayload is the ID payload
/// body: ID Type (1) ‖ RESERVED (3) ‖ identification data.
public struct AuthenticationOctets: Hashable, Sendable {
    /// The octets to sign or MAC.
    public let bytes: [UInt8]

    /// Octets assembled elsewhere, e.g. received by the auth broker from the IKE frontend
    /// (DESIGN lesson 13: the process that signs is not the one that parses packets).
    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Octets for the side that sent `realMessage` (its IKE_SA_INIT message), keyed with
    /// that side's SK_p, over that side's ID payload, with the other side's nonce.
    public init(
        realMessage: [UInt8], peerNonce: [UInt8], prf: PseudorandomFunction,
        identityKey: SecretBytes, restOfIDPayload: [UInt8]
    ) throws(IKECryptoError) {
        let macedID = try identityKey.withBytes { (key) throws(IKECryptoError) in
            try prf.makeMAC(key: key).tag([.bytes(restOfIDPayload)])
        }
        bytes = realMessage + peerNonce + macedID
    }

    /// The initiator's signed octets: its IKE_SA_INIT request, Nr, prf(SK_pi, IDi body).
    public static func initiatorSigned(
        realMessage1: [UInt8], responderNonce: [UInt8], prf: PseudorandomFunction,
        skPi: SecretBytes, restOfInitiatorIDPayload: [UInt8]
    ) throws(IKECryptoError) -> AuthenticationOctets {
        try AuthenticationOctets(realMessage: realMessage1, peerNonce: responderNonce, prf: prf,
                                 identityKey: skPi, restOfIDPayload: restOfInitiatorIDPayload)
    }

    /// The responder's signed octets: its IKE_SA_INIT response, Ni, prf(SK_pr, IDr body).
    public static func responderSigned(
        realMessage2: [UInt8], initiatorNonce: [UInt8], prf: PseudorandomFunction,
        skPr: SecretBytes, restOfResponderIDPayload: [UInt8]
    ) throws(IKECryptoError) -> AuthenticationOctets {
        try AuthenticationOctets(realMessage: realMessage2, peerNonce: initiatorNonce, prf: prf,
                                 identityKey: skPr, restOfIDPayload: restOfResponderIDPayload)
    }
}
