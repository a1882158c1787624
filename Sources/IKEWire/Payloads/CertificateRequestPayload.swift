/// Certificate Request payload, CERTREQ (RFC 7296 §3.7).
///
/// ```
///                      1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// | Next Payload  |C|  RESERVED   |         Payload Length        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// | Cert Encoding |                                               |
/// +-+-+-+-+-+-+-+-+                                               |
/// ~                    Certification Authority                    ~
/// |                                                               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
public struct CertificateRequestPayload: Hashable, Sendable {
    public static let type = PayloadType.certificateRequest
    /// Size of one CA entry for X.509 encodings: a SHA-1 hash of the CA's
    /// SubjectPublicKeyInfo (RFC 7296 §3.7).
    public static let authorityHashLength = 20

    public var flags: GenericPayloadFlags
    public var encoding: CertificateEncoding
    /// The Certification Authority field as received.
    public var authorityData: [UInt8]

    public init(encoding: CertificateEncoding, authorityData: [UInt8], flags: GenericPayloadFlags = .none) {
        self.encoding = encoding
        self.authorityData = authorityData
        self.flags = flags
    }

    /// A CERTREQ for X.509 certificates signed by the CAs with these SPKI SHA-1 hashes.
    public init(x509AuthorityHashes: [[UInt8]]) {
        self.init(encoding: .x509Signature, authorityData: x509AuthorityHashes.flatMap { $0 })
    }

    /// The 20-octet CA hashes of an X.509 CERTREQ.
    public var authorityHashes: [[UInt8]] {
        stride(from: 0, to: authorityData.count - authorityData.count % Self.authorityHashLength, by: Self.authorityHashLength)
            .map { Array(authorityData[$0..<($0 + Self.authorityHashLength)]) }
    }

    static func parse(from body: inout ByteReader, flags: GenericPayloadFlags) throws(IKEParseError) -> CertificateRequestPayload {
        let encoding = CertificateEncoding(try body.readInteger(as: UInt8.self))
        return CertificateRequestPayload(encoding: encoding, authorityData: body.readRemainingBytes(), flags: flags)
    }

    func serializeBody(into writer: inout ByteWriter) {
        writer.writeInteger(encoding.rawValue)
        writer.writeBytes(authorityData)
    }

    /// For X.509 encodings the CA field is a concatenation of 20-octet hashes.
    public func validate(bodyOffset: Int = 0) throws(IKEParseError) {
        guard encoding == .x509Signature || encoding == .pkcs7WrappedX509 else { return }
        guard authorityData.count % Self.authorityHashLength == 0 else {
            throw .invalidSyntax(payload: Self.type, offset: bodyOffset + 1,
                                 reason: "CA field of \(authorityData.count) octets is not a list of 20-octet SHA-1 hashes")
        }
    }
}
