/// Encrypted and Authenticated Fragment payload, SKF (RFC 7383 §2.5).
///
/// ```
///                      1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// | Next Payload  |C|  RESERVED   |         Payload Length        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |        Fragment Number        |        Total Fragments        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                     Initialization Vector                     |
/// ~                      Encrypted content                        ~
/// +               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |               |             Padding (0-255 octets)            |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +-+-+-+-+-+-+-+-+
/// |                                               |  Pad Length   |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ~                    Integrity Checksum Data                    ~
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
///
/// Only fragment 1 names the first inner payload; the others carry Next Payload 0
/// (RFC 7383 §2.5). The associated data includes the Fragment Number and Total
/// Fragments fields (``IKEMessage/associatedData(ofSerialized:)``).
public struct EncryptedFragmentPayload: Hashable, Sendable {
    public static let type = PayloadType.encryptedFragment
    /// Fragment Number and Total Fragments precede the IV.
    public static let fragmentHeaderSize = 4

    public var flags: GenericPayloadFlags
    /// The Next Payload field (non-zero only in fragment 1).
    public var innerFirstPayload: PayloadType
    /// Fragment Number, from 1.
    public var fragmentNumber: UInt16
    /// Total Fragments.
    public var totalFragments: UInt16
    /// IV ‖ encrypted content ‖ ICV as on the wire.
    public var body: [UInt8]

    public init(fragmentNumber: UInt16, totalFragments: UInt16, innerFirstPayload: PayloadType,
                body: [UInt8], flags: GenericPayloadFlags = .none) {
        self.fragmentNumber = fragmentNumber
        self.totalFragments = totalFragments
        self.innerFirstPayload = innerFirstPayload
        self.body = body
        self.flags = flags
    }

    /// Splits the encrypted part for the negotiated cipher.
    public func parts(ivLength: Int, icvLength: Int, bodyOffset: Int = 0) throws(IKEParseError) -> EncryptedPayload.Parts {
        try EncryptedPayload.split(body, ivLength: ivLength, icvLength: icvLength, payload: Self.type,
                                   bodyOffset: bodyOffset + Self.fragmentHeaderSize)
    }

    static func parse(from body: inout ByteReader, flags: GenericPayloadFlags,
                      innerFirstPayload: PayloadType) throws(IKEParseError) -> EncryptedFragmentPayload {
        let number = try body.readInteger(as: UInt16.self)
        let total = try body.readInteger(as: UInt16.self)
        return EncryptedFragmentPayload(fragmentNumber: number, totalFragments: total, innerFirstPayload: innerFirstPayload,
                                        body: body.readRemainingBytes(), flags: flags)
    }

    func serializeBody(into writer: inout ByteWriter) {
        writer.writeInteger(fragmentNumber)
        writer.writeInteger(totalFragments)
        writer.writeBytes(body)
    }

    /// RFC 7383 §2.5: 1 ≤ Fragment Number ≤ Total Fragments, and only fragment 1 has a
    /// non-zero Next Payload.
    public func validate(bodyOffset: Int = 0) throws(IKEParseError) {
        guard fragmentNumber >= 1, totalFragments >= 1, fragmentNumber <= totalFragments else {
            throw .invalidSyntax(payload: Self.type, offset: bodyOffset,
                                 reason: "fragment \(fragmentNumber) of \(totalFragments)")
        }
        guard (fragmentNumber == 1) == (innerFirstPayload != .none) else {
            throw .invalidSyntax(payload: Self.type, offset: Swift.max(0, bodyOffset - genericPayloadHeaderSize),
                                 reason: "fragment \(fragmentNumber) has Next Payload \(innerFirstPayload.rawValue); only fragment 1 names the inner payload")
        }
    }
}
