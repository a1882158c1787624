internal import COpenSSL
import HubVocabulary
public import IKECrypto

/// A subjectAltName entry (RFC 5280 §4.2.1.6) of the kinds IKE identities bind to.
public enum SubjectAlternativeName: Hashable, Sendable, CustomStringConvertible {
    case dns(String)
    case email(String)
    /// 4 or 16 octets.
    case ipAddress([UInt8])
    case uri(String)
    case directoryName(DistinguishedName)

    /// The value as IOS shows it for `alt-subject-name` (addresses in dotted/colon form).
    public var text: String {
        switch self {
        case .dns(let name), .email(let name), .uri(let name): name
        case .ipAddress(let octets): Self.addressText(octets)
        case .directoryName(let name): name.rfc4514
        }
    }

    public var description: String {
        switch self {
        case .dns(let name): "DNS:\(name)"
        case .email(let name): "email:\(name)"
        case .ipAddress: "IP:\(text)"
        case .uri(let name): "URI:\(name)"
        case .directoryName(let name): "DirName:\(name)"
        }
    }

    static func addressText(_ octets: [UInt8]) -> String {
        if let address = IPAddress(bytes: octets) { return address.description }
        return octets.map { String($0, radix: 16) }.joined(separator: ":")
    }
}

/// KeyUsage bits (RFC 5280 §4.2.1.3).
public struct KeyUsage: OptionSet, Hashable, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let digitalSignature = KeyUsage(rawValue: UInt32(KU_DIGITAL_SIGNATURE))
    public static let nonRepudiation = KeyUsage(rawValue: UInt32(KU_NON_REPUDIATION))
    public static let keyEncipherment = KeyUsage(rawValue: UInt32(KU_KEY_ENCIPHERMENT))
    public static let dataEncipherment = KeyUsage(rawValue: UInt32(KU_DATA_ENCIPHERMENT))
    public static let keyAgreement = KeyUsage(rawValue: UInt32(KU_KEY_AGREEMENT))
    public static let keyCertSign = KeyUsage(rawValue: UInt32(KU_KEY_CERT_SIGN))
    public static let cRLSign = KeyUsage(rawValue: UInt32(KU_CRL_SIGN))
}

/// Well-known ExtendedKeyUsage purposes (RFC 5280 §4.2.1.12, RFC 4945 §5.1.3.12).
public enum ExtendedKeyUsage {
    public static let serverAuth = "1.3.6.1.5.5.7.3.1"
    public static let clientAuth = "1.3.6.1.5.5.7.3.2"
    /// id-kp-ipsecIKE (RFC 4945).
    public static let ipsecIKE = "1.3.6.1.5.5.7.3.17"
    public static let anyExtendedKeyUsage = "2.5.29.37.0"
}

/// An X.509 certificate, decoded once; immutable and shareable between threads.
public final class Certificate: @unchecked Sendable, Hashable, CustomStringConvertible {
    let object: X509Object
    /// The DER encoding (CERT payload data for encoding 4, RFC 7296 §3.6).
    public let der: [UInt8]
    public let subject: DistinguishedName
    public let issuer: DistinguishedName
    /// The serial number as upper-case hex without leading zeros (IOS `show crypto pki
    /// certificates` form).
    public let serialNumber: String
    public let notBefore: WallTime
    public let notAfter: WallTime
    public let subjectAlternativeNames: [SubjectAlternativeName]
    /// `nil` when the certificate has no KeyUsage extension.
    public let keyUsage: KeyUsage?
    /// Dotted OIDs of the ExtendedKeyUsage extension; `nil` when it is absent.
    public let extendedKeyUsage: [String]?
    /// BasicConstraints cA.
    public let isCertificateAuthority: Bool
    /// http/ldap/file URIs of the CRL distribution points (fullName URIs only).
    public let crlDistributionPoints: [String]
    /// DER SubjectPublicKeyInfo.
    public let subjectPublicKeyInfo: [UInt8]

    /// A DER certificate (a CERT payload body).
    public convenience init(der: [UInt8]) throws(PKIError) {
        let parsed = der.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            let result = d2i_X509(nil, &cursor, buffer.count)
            // Trailing octets after the certificate are not a certificate.
            if let result, let cursor, cursor != buffer.baseAddress! + buffer.count {
                X509_free(result)
                return nil
            }
            return result
        }
        guard let parsed else { throw .decoding(what: "DER certificate", reason: drainOpenSSLErrors()) }
        try self.init(object: X509Object(taking: parsed))
    }

    /// Every "CERTIFICATE" block of a PEM text, in order; throws when there is none.
    public static func certificates(pem: [UInt8], source: String = "PEM input") throws(PKIError) -> [Certificate] {
        let bio = try ReadBIO(pem)
        var result: [Certificate] = []
        ERR_clear_error()
        while let parsed = withExtendedLifetime(bio, { PEM_read_bio_X509(bio.pointer, nil, nil, nil) }) {
            result.append(try Certificate(object: X509Object(taking: parsed)))
        }
        ERR_clear_error()
        guard !result.isEmpty else { throw .decoding(what: source, reason: "no PEM CERTIFICATE block") }
        return result
    }

    /// Every certificate of a PEM file.
    public static func certificates(pemFile path: String) throws(PKIError) -> [Certificate] {
        try certificates(pem: try readWholeFile(path), source: path)
    }

    init(object: X509Object) throws(PKIError) {
        self.object = object
        let x = object.pointer
        guard let encoded = derEncoding({ i2d_X509(x, $0) }) else { throw openSSLFailure("i2d_X509") }
        der = encoded
        guard let subjectName = X509_get_subject_name(x), let issuerName = X509_get_issuer_name(x) else {
            throw .decoding(what: "certificate", reason: "no subject or issuer name")
        }
        subject = try DistinguishedName(borrowing: subjectName)
        issuer = try DistinguishedName(borrowing: issuerName)
        serialNumber = Self.serialText(X509_get0_serialNumber(x))
        guard let start = asn1TimeSeconds(X509_get0_notBefore(x)), let end = asn1TimeSeconds(X509_get0_notAfter(x)) else {
            throw .decoding(what: "certificate \(subject.rfc4514)", reason: "unreadable validity")
        }
        notBefore = WallTime(secondsSinceEpoch: start)
        notAfter = WallTime(secondsSinceEpoch: end)
        // X509_get_key_usage / X509_check_ca also cache the decoded extensions (x509v3 cache).
        let usage = X509_get_key_usage(x)
        keyUsage = (X509_get_extension_flags(x) & UInt32(EXFLAG_KUSAGE)) != 0 ? KeyUsage(rawValue: usage) : nil
        guard X509_get_extension_flags(x) & UInt32(EXFLAG_INVALID) == 0 else {
            throw .decoding(what: "certificate \(subject.rfc4514)", reason: "an extension does not decode")
        }
        isCertificateAuthority = X509_check_ca(x) != 0
        subjectAlternativeNames = try Self.alternativeNames(x)
        extendedKeyUsage = Self.extendedKeyUsages(x)
        crlDistributionPoints = Self.distributionPoints(x)
        guard let spki = derEncoding({ i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), $0) }) else {
            throw openSSLFailure("i2d_X509_PUBKEY")
        }
        subjectPublicKeyInfo = spki
    }

    /// The subject public key, for AUTH verification with IKECrypto.
    public func publicKey() throws(PKIError) -> PublicKey {
        do {
            return try PublicKey(subjectPublicKeyInfo: subjectPublicKeyInfo)
        } catch {
            throw .decoding(what: "public key of \(subject.rfc4514)", reason: error.description)
        }
    }

    /// SHA-1 of the SubjectPublicKeyInfo: the CA identifier of CERTREQ (RFC 7296 §3.7).
    public func subjectPublicKeyInfoSHA1() throws(PKIError) -> [UInt8] {
        do {
            return try MessageDigest.sha1.hash(subjectPublicKeyInfo)
        } catch {
            throw .crypto("SHA-1 of the SubjectPublicKeyInfo: \(error)")
        }
    }

    /// Whether `issuerCandidate` issued this certificate: its subject is our issuer, the
    /// key identifiers agree (`X509_check_issued`) and its key verifies our signature.
    public func isIssued(by issuerCandidate: Certificate) -> Bool {
        withExtendedLifetime((object, issuerCandidate.object)) {
            guard X509_check_issued(issuerCandidate.object.pointer, object.pointer) == X509_V_OK,
                  let key = X509_get0_pubkey(issuerCandidate.object.pointer) else { return false }
            let verified = X509_verify(object.pointer, key) == 1
            ERR_clear_error()
            return verified
        }
    }

    /// True when subject and issuer are the same name (a self-issued root).
    public var isSelfIssued: Bool { subject.matches(issuer) }

    public var description: String { "\(subject.rfc4514) (serial \(serialNumber), issuer \(issuer.rfc4514))" }

    public static func == (lhs: Certificate, rhs: Certificate) -> Bool { lhs.der == rhs.der }
    public func hash(into hasher: inout Hasher) { hasher.combine(der) }

    // MARK: - Extension decoding

    private static func serialText(_ serial: UnsafePointer<ASN1_INTEGER>?) -> String {
        guard let serial, let number = ASN1_INTEGER_to_BN(serial, nil) else { return "" }
        defer { BN_free(number) }
        guard let hex = BN_bn2hex(number) else { return "" }
        defer { shim_OPENSSL_free(hex) }
        return String(cString: hex)
    }

    private static func alternativeNames(_ x: OpaquePointer) throws(PKIError) -> [SubjectAlternativeName] {
        guard let raw = X509_get_ext_d2i(x, NID_subject_alt_name, nil, nil) else { return [] }
        let names = OpaquePointer(raw)
        defer { GENERAL_NAMES_free(names) }
        return try generalNames(names)
    }

    static func generalNames(_ names: OpaquePointer) throws(PKIError) -> [SubjectAlternativeName] {
        var result: [SubjectAlternativeName] = []
        for element in stackElements(names) {
            let name = element.assumingMemoryBound(to: GENERAL_NAME.self)
            var type: Int32 = 0
            let value = GENERAL_NAME_get0_value(name, &type)
            switch type {
            case GEN_DNS:
                result.append(.dns(String(decoding: asn1Bytes(value?.assumingMemoryBound(to: ASN1_STRING.self)), as: UTF8.self)))
            case GEN_EMAIL:
                result.append(.email(String(decoding: asn1Bytes(value?.assumingMemoryBound(to: ASN1_STRING.self)), as: UTF8.self)))
            case GEN_URI:
                result.append(.uri(String(decoding: asn1Bytes(value?.assumingMemoryBound(to: ASN1_STRING.self)), as: UTF8.self)))
            case GEN_IPADD:
                result.append(.ipAddress(asn1Bytes(value?.assumingMemoryBound(to: ASN1_STRING.self))))
            case GEN_DIRNAME:
                if let value { result.append(.directoryName(try DistinguishedName(borrowing: OpaquePointer(value)))) }
            default:
                continue
            }
        }
        return result
    }

    private static func extendedKeyUsages(_ x: OpaquePointer) -> [String]? {
        guard let raw = X509_get_ext_d2i(x, NID_ext_key_usage, nil, nil) else { return nil }
        let usages = OpaquePointer(raw)
        defer { EXTENDED_KEY_USAGE_free(usages) }
        return stackElements(usages).map { objectIdentifierText(OpaquePointer($0)) }
    }

    private static func distributionPoints(_ x: OpaquePointer) -> [String] {
        guard let raw = X509_get_ext_d2i(x, NID_crl_distribution_points, nil, nil) else { return [] }
        let points = OpaquePointer(raw)
        defer { CRL_DIST_POINTS_free(points) }
        var urls: [String] = []
        for element in stackElements(points) {
            let point = element.assumingMemoryBound(to: DIST_POINT.self)
            guard let name = point.pointee.distpoint, name.pointee.type == 0, let full = name.pointee.name.fullname,
                  let decoded = try? generalNames(full) else { continue }
            for case .uri(let url) in decoded { urls.append(url) }
        }
        return urls
    }
}

/// The whole file at `path` (at most 4 MiB: certificates and CRLs, never larger).
func readWholeFile(_ path: String) throws(PKIError) -> [UInt8] {
    guard let bio = BIO_new_file(path, "rb") else {
        throw .file(path: path, reason: "cannot open: \(drainOpenSSLErrors())")
    }
    defer { BIO_free(bio) }
    var contents: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 16384)
    while true {
        let read = BIO_read(bio, &chunk, Int32(chunk.count))
        if read <= 0 { break }
        contents.append(contentsOf: chunk[0..<Int(read)])
        if contents.count > 4 << 20 { throw .file(path: path, reason: "larger than 4 MiB") }
    }
    return contents
}
