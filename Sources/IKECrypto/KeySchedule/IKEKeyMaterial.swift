import HubVocabulary

/// The seven keys of an IKE SA (RFC 7296 §2.14), each in wiped-on-release storage.
public struct IKEKeys: Sendable {
    /// Derives CHILD_SA keys and the next SKEYSEED on rekey.
    public let skD: SecretBytes
    /// Integrity key for messages the original initiator sends (empty with an AEAD).
    public let skAi: SecretBytes
    /// Integrity key for messages the original responder sends (empty with an AEAD).
    public let skAr: SecretBytes
    /// Encryption key (and salt) for messages the original initiator sends.
    public let skEi: SecretBytes
    /// Encryption key (and salt) for messages the original responder sends.
    public let skEr: SecretBytes
    /// Key for the initiator's AUTH octets: prf(SK_pi, RestOfInitIDPayload).
    public let skPi: SecretBytes
    /// Key for the responder's AUTH octets: prf(SK_pr, RestOfRespIDPayload).
    public let skPr: SecretBytes

    /// Keys derived elsewhere (e.g. restored from the state store).
    public init(skD: SecretBytes, skAi: SecretBytes, skAr: SecretBytes, skEi: SecretBytes,
                skEr: SecretBytes, skPi: SecretBytes, skPr: SecretBytes) {
        self.skD = skD
        self.skAi = skAi
        self.skAr = skAr
        self.skEi = skEi
        self.skEr = skEr
        self.skPi = skPi
        self.skPr = skPr
    }
}

/// The IKE SA key schedule (RFC 7296 §2.14 and §2.18).
public enum IKEKeyMaterial {
    /// SKEYSEED = prf(Ni | Nr, g^ir) (RFC 7296 §2.14). `initiatorNonce`/`responderNonce`
    /// are Nonce payload bodies without the generic header. For the fixed-key PRFs
    /// (AES-XCBC, AES-CMAC) the key is the first 64 bits of Ni followed by the first
    /// 64 bits of Nr.
    public static func skeyseed(
        prf: PseudorandomFunction, sharedSecret: SecretBytes,
        initiatorNonce: [UInt8], responderNonce: [UInt8]
    ) throws(IKECryptoError) -> SecretBytes {
        let key: [UInt8]
        if prf.hasFixedKeyLength {
            guard initiatorNonce.count >= 8, responderNonce.count >= 8 else {
                throw .invalidKeyLength(algorithm: "\(prf) SKEYSEED nonces", expected: 8,
                                        actual: min(initiatorNonce.count, responderNonce.count))
            }
            key = Array(initiatorNonce.prefix(8)) + Array(responderNonce.prefix(8))
        } else {
            key = initiatorNonce + responderNonce
        }
        return try key.withBytes { (keyBytes) throws(IKECryptoError) in
            try prf.output(key: keyBytes, parts: [.secret(sharedSecret)])
        }
    }

    /// SKEYSEED of an IKE SA created by rekeying (RFC 7296 §2.18):
    /// prf(SK_d (old), g^ir (new) | Ni | Nr), computed with the old IKE SA's PRF.
    public static func rekeyedSKEYSEED(
        oldPRF: PseudorandomFunction, oldSKd: SecretBytes, sharedSecret: SecretBytes,
        initiatorNonce: [UInt8], responderNonce: [UInt8]
    ) throws(IKECryptoError) -> SecretBytes {
        try oldSKd.withBytes { (keyBytes) throws(IKECryptoError) in
            try oldPRF.output(key: keyBytes, parts: [.secret(sharedSecret), .bytes(initiatorNonce), .bytes(responderNonce)])
        }
    }

    /// {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr} = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr),
    /// split with the lengths of `transforms` (RFC 7296 §2.14). The SPIs are those of the
    /// new IKE SA, initiator's first, whoever started this exchange.
    public static func deriveKeys(
        transforms: NegotiatedIKETransforms, skeyseed: SecretBytes,
        initiatorNonce: [UInt8], responderNonce: [UInt8],
        initiatorSPI: IKESPI, responderSPI: IKESPI
    ) throws(IKECryptoError) -> IKEKeys {
        let seed: [MACInput] = [.bytes(initiatorNonce), .bytes(responderNonce),
                                .bytes(initiatorSPI.bytes), .bytes(responderSPI.bytes)]
        let stream = try skeyseed.withBytes { (keyBytes) throws(IKECryptoError) in
            try transforms.prf.prfPlus(key: keyBytes, seed: seed, length: transforms.keyMaterialLength)
        }
        var splitter = KeyStreamSplitter(stream)
        return IKEKeys(
            skD: splitter.next(transforms.prfKeyLength),
            skAi: splitter.next(transforms.integrityKeyLength),
            skAr: splitter.next(transforms.integrityKeyLength),
            skEi: splitter.next(transforms.encryptionKeyLength),
            skEr: splitter.next(transforms.encryptionKeyLength),
            skPi: splitter.next(transforms.prfKeyLength),
            skPr: splitter.next(transforms.prfKeyLength))
    }
}

/// Cuts consecutive keys off a prf+ stream.
struct KeyStreamSplitter {
    private let stream: SecretBytes
    private var offset = 0

    init(_ stream: SecretBytes) {
        self.stream = stream
    }

    /// The next `count` octets; the caller sized the stream for all of its keys.
    mutating func next(_ count: Int) -> SecretBytes {
        defer { offset += count }
        return stream.slice(offset..<(offset + count))
    }
}
