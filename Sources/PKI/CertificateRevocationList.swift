internal import COpenSSL
import HubVocabulary

/// An X.509 CRL (RFC 5280 §5), decoded once; immutable.
public final class CertificateRevocationList: @unchecked Sendable {
    let object: CRLObject
    public let issuer: DistinguishedName
    public let thisUpdate: WallTime
    /// `nil` when the CRL gives none (then it is never refreshed by time).
    public let nextUpdate: WallTime?
    /// The DER encoding.
    public let der: [UInt8]

    /// A DER or PEM ("X509 CRL") CRL.
    public convenience init(encoded bytes: [UInt8], source: String) throws(PKIError) {
        let pemMarker = Array("-----BEGIN X509 CRL-----".utf8)
        let isPEM = bytes.count >= pemMarker.count
            && (0...(bytes.count - pemMarker.count)).contains { bytes[$0..<($0 + pemMarker.count)].elementsEqual(pemMarker) }
        var parsed: OpaquePointer?
        ERR_clear_error()
        if isPEM {
            let bio = try ReadBIO(bytes)
            parsed = withExtendedLifetime(bio) { PEM_read_bio_X509_CRL(bio.pointer, nil, nil, nil) }
        } else {
            parsed = bytes.withUnsafeBufferPointer { buffer in
                var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
                return d2i_X509_CRL(nil, &cursor, buffer.count)
            }
        }
        guard let parsed else { throw .decoding(what: "CRL from \(source)", reason: drainOpenSSLErrors()) }
        try self.init(object: CRLObject(taking: parsed), source: source)
    }

    /// A CRL file, DER or PEM.
    public convenience init(file path: String) throws(PKIError) {
        try self.init(encoded: try readWholeFile(path), source: path)
    }

    init(object: CRLObject, source: String) throws(PKIError) {
        self.object = object
        let crl = object.pointer
        guard let issuerName = X509_CRL_get_issuer(crl) else {
            throw .decoding(what: "CRL from \(source)", reason: "no issuer")
        }
        issuer = try DistinguishedName(borrowing: issuerName)
        guard let this = asn1TimeSeconds(X509_CRL_get0_lastUpdate(crl)) else {
            throw .decoding(what: "CRL from \(source)", reason: "no thisUpdate")
        }
        thisUpdate = WallTime(secondsSinceEpoch: this)
        nextUpdate = asn1TimeSeconds(X509_CRL_get0_nextUpdate(crl)).map { WallTime(secondsSinceEpoch: $0) }
        guard let encoded = derEncoding({ i2d_X509_CRL(crl, $0) }) else { throw openSSLFailure("i2d_X509_CRL") }
        der = encoded
    }

    /// Whether `issuerCertificate` issued this CRL: its subject is the CRL issuer and its
    /// key verifies the CRL signature.
    public func isSigned(by issuerCertificate: Certificate) -> Bool {
        guard issuer.matches(issuerCertificate.subject) else { return false }
        return withExtendedLifetime((object, issuerCertificate.object)) {
            guard let key = X509_get0_pubkey(issuerCertificate.object.pointer) else { return false }
            let verified = X509_CRL_verify(object.pointer, key) == 1
            ERR_clear_error()
            return verified
        }
    }

    /// Whether the CRL lists `certificate` (by issuer and serial number). An entry with
    /// reason removeFromCRL (delta CRLs) does not count.
    public func lists(_ certificate: Certificate) -> Bool {
        withExtendedLifetime((object, certificate.object)) {
            var entry: OpaquePointer?
            return X509_CRL_get0_by_cert(object.pointer, &entry, certificate.object.pointer) == 1
        }
    }

    /// True when `time` is within thisUpdate … nextUpdate.
    public func isCurrent(at time: WallTime) -> Bool {
        guard thisUpdate <= time else { return false }
        guard let nextUpdate else { return true }
        return time < nextUpdate
    }
}
