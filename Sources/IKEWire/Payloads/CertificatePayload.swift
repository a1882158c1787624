/// The Certificate Encoding octet of CERT and CERTREQ (RFC 7296 §3.6).
public struct CertificateEncoding: RawRepresentable, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public init(_ rawValue: UInt8) { self.rawValue = rawValue }

    /// 1: PKCS #7 wrapped X.509 certificate.
    public static let pkcs7WrappedX509 = CertificateEncoding(1)
    /// 2: PGP certificate.
    public static let pgp = CertificateEncoding(2)
    /// 3: DNS signed key.
    public static let dnsSignedKey = CertificateEncoding(3)
    /// 4: X.509 certificate – signature (the usual DER certificate).
    public static let x509Signature = CertificateEncoding(4)
    /// 6: Kerberos token.
    public static let kerberosToken = CertificateEncoding(6)
    /// 7: Certificate revocation list (CRL).
    public static let crl = CertificateEncoding(7)
    /// 8: Authority revocation list (ARL).
    public static let arl = CertificateEncoding(8)
    /// 9: SPKI certificate.
    public static let spki = CertificateEncoding(9)
    /// 10: X.509 attribute certificate.
    public static let x509Attribute = CertificateEncoding(10)
    /// 11: Raw RSA key (deprecated).
    public static let rawRSAKey = CertificateEncoding(11)
    /// 12: Hash and URL of X.509 certificate.
    public static let hashAndURLOfX509Certificate = CertificateEncoding(12)
    /// 13: Hash and URL of X.509 bundle.
    public static let hashAndURLOfX509Bundle = CertificateEncoding(13)
    /// 14: OCSP content (RFC 4806).
    public static let ocspContent = CertificateEncoding(14)
    /// 15: Raw public key (RFC 7670).
    public static let rawPublicKey = CertificateEncoding(15)
}

/// Certificate payload, CERT (RFC 7296 §3.6).
///
/// ```
///                      1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// | Next Payload  |C|  RESERVED   |         Payload Length        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// | Cert Encoding |                                               |
/// +-+-+-+-+-+-+-+-+                                               |
/// ~                       Certificate Data                        ~
/// |                                                               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
public struct CertificatePayload: Hashable, Sendable {
    public static let type = PayloadType.certificate

    public var flags: GenericPayloadFlags
    public var encoding: CertificateEncoding
    /// The certificate (DER for ``CertificateEncoding/x509Signature``), unparsed here.
    public var data: [UInt8]

    public init(encoding: CertificateEncoding, data: [UInt8], flags: GenericPayloadFlags = .none) {
        self.encoding = encoding
        self.data = data
        self.flags = flags
    }

    static func parse(from body: inout ByteReader, flags: GenericPayloadFlags) throws(IKEParseError) -> CertificatePayload {
        let encoding = CertificateEncoding(try body.readInteger(as: UInt8.self))
        return CertificatePayload(encoding: encoding, data: body.readRemainingBytes(), flags: flags)
    }

    func serializeBody(into writer: inout ByteWriter) {
        writer.writeInteger(encoding.rawValue)
        writer.writeBytes(data)
    }
}
