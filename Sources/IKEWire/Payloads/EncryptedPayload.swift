/// Encrypted and Authenticated payload, SK (RFC 7296 §3.14).
///
/// ```
///                      1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// | Next Payload  |C|  RESERVED   |         Payload Length        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                     Initialization Vector                     |
/// |         (length is block size for encryption algorithm)       |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ~                    Encrypted IKE Payloads                     ~
/// +               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |               |             Padding (0-255 octets)            |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +-+-+-+-+-+-+-+-+
/// |                                               |  Pad Length   |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ~                    Integrity Checksum Data                    ~
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
///
/// The wire layer holds the body opaquely (decryption is IKECrypto's job): split it with
/// ``parts(ivLength:icvLength:)``, get the AEAD associated data or the ICV input from
/// ``IKEMessage/associatedData(ofSerialized:)``, and turn the decrypted plaintext into
/// payloads with ``innerPayloads(fromPlaintext:firstPayload:)``.
public struct EncryptedPayload: Hashable, Sendable {
    public static let type = PayloadType.encrypted

    /// IV, ciphertext and ICV of an SK or SKF body, once the cipher's sizes are known.
    public struct Parts: Hashable, Sendable {
        public var iv: [UInt8]
        public var ciphertext: [UInt8]
        public var icv: [UInt8]
    }

    public var flags: GenericPayloadFlags
    /// The Next Payload field: type of the first payload inside (RFC 7296 §3.14).
    public var innerFirstPayload: PayloadType
    /// IV ‖ encrypted payloads, padding and pad length ‖ ICV, as on the wire.
    public var body: [UInt8]

    public init(innerFirstPayload: PayloadType, body: [UInt8], flags: GenericPayloadFlags = .none) {
        self.innerFirstPayload = innerFirstPayload
        self.body = body
        self.flags = flags
    }

    /// An SK payload assembled from its parts.
    public init(innerFirstPayload: PayloadType, parts: Parts) {
        self.init(innerFirstPayload: innerFirstPayload, body: parts.iv + parts.ciphertext + parts.icv)
    }

    /// Splits the body for a cipher with `ivLength`-octet IVs and `icvLength`-octet ICVs.
    public func parts(ivLength: Int, icvLength: Int, bodyOffset: Int = 0) throws(IKEParseError) -> Parts {
        try Self.split(body, ivLength: ivLength, icvLength: icvLength, payload: Self.type, bodyOffset: bodyOffset)
    }

    static func split(_ body: [UInt8], ivLength: Int, icvLength: Int, payload: PayloadType,
                      bodyOffset: Int) throws(IKEParseError) -> Parts {
        guard ivLength >= 0, icvLength >= 0, ivLength <= body.count, icvLength < body.count - ivLength else {
            throw .truncated(payload: payload, offset: bodyOffset, needed: ivLength.addingReportingOverflow(icvLength).partialValue)
        }
        return Parts(iv: Array(body[0..<ivLength]),
                     ciphertext: Array(body[ivLength..<(body.count - icvLength)]),
                     icv: Array(body[(body.count - icvLength)...]))
    }

    static func parse(from body: inout ByteReader, flags: GenericPayloadFlags, innerFirstPayload: PayloadType) -> EncryptedPayload {
        EncryptedPayload(innerFirstPayload: innerFirstPayload, body: body.readRemainingBytes(), flags: flags)
    }

    func serializeBody(into writer: inout ByteWriter) { writer.writeBytes(body) }

    // MARK: - Inner plaintext

    /// The payload octets of a decrypted SK plaintext: RFC 7296 §3.14 puts padding and a
    /// 1-octet Pad Length after them.
    public static func removingPadding(_ plaintext: [UInt8]) throws(IKEParseError) -> [UInt8] {
        guard let padLength = plaintext.last else {
            throw .truncated(payload: type, offset: 0, needed: 1)
        }
        let payloadCount = plaintext.count - 1 - Int(padLength)
        guard payloadCount >= 0 else {
            throw .lengthMismatch(payload: type, offset: plaintext.count - 1, declared: Int(padLength), available: plaintext.count - 1)
        }
        return Array(plaintext[0..<payloadCount])
    }

    /// Parses the inner payloads of a decrypted SK plaintext (payloads ‖ padding ‖ Pad
    /// Length). Offsets in errors are into `plaintext`.
    public static func innerPayloads(fromPlaintext plaintext: [UInt8], firstPayload: PayloadType) throws(IKEParseError) -> [Payload] {
        try Payload.parseChain(removingPadding(plaintext), firstPayload: firstPayload)
    }

    /// The plaintext to encrypt for `payloads`: payloads ‖ zero padding ‖ Pad Length, the
    /// total a multiple of `blockSize` (1 for AEAD and CTR modes, 16 for AES-CBC).
    public static func plaintext(for payloads: [Payload], blockSize: Int = 1) -> (firstPayload: PayloadType, plaintext: [UInt8]) {
        var bytes = Payload.serializeChain(payloads)
        let block = Swift.max(1, Swift.min(blockSize, 256))
        let padLength = (block - (bytes.count + 1) % block) % block
        bytes.append(contentsOf: repeatElement(0, count: padLength))
        bytes.append(UInt8(truncatingIfNeeded: padLength))
        return (payloads.first?.type ?? .none, bytes)
    }
}
