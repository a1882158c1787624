internal import COpenSSL
import HubVocabulary

/// Builds and verifies a path from an end-entity certificate to one of a trustpoint's
/// CA certificates (RFC 5280 §6) at a given time, with OpenSSL's `X509_verify_cert`.
///
/// - The trustpoint's CAs are the anchors; any of them may be an intermediate CA
///   (`X509_V_FLAG_PARTIAL_CHAIN`), as an IOS trustpoint authenticated to a subordinate
///   CA is.
/// - `intermediates` (the peer's other CERT payloads) are untrusted path elements.
/// - Validity is checked at `time` (`X509_STORE_CTX_set_time`), never the system clock.
/// - CA basicConstraints and keyCertSign are enforced by OpenSSL; revocation is checked
///   separately (`RevocationChecker`) so `revocation-check` keeps IOS semantics.
enum ChainVerifier {
    /// The path: the end entity first, the anchor last.
    static func verify(
        _ leaf: Certificate, intermediates: [Certificate], anchors: [Certificate], at time: WallTime
    ) throws(PKIError) -> [Certificate] {
        guard !anchors.isEmpty else {
            throw PKIError.reject(.untrustedIssuer, leaf.subject.rfc4514, "the trustpoint has no CA certificate")
        }
        let store = try StoreObject()
        for anchor in anchors {
            let added = withExtendedLifetime((store, anchor.object)) { X509_STORE_add_cert(store.pointer, anchor.object.pointer) }
            guard added == 1 else { throw openSSLFailure("X509_STORE_add_cert") }
        }
        let untrusted = try CertificateStackObject(intermediates.map(\.object))
        let context = try StoreContextObject()
        return try withExtendedLifetime((store, untrusted, context, leaf.object)) { () throws(PKIError) -> [Certificate] in
            guard X509_STORE_CTX_init(context.pointer, store.pointer, leaf.object.pointer, untrusted.pointer) == 1 else {
                throw openSSLFailure("X509_STORE_CTX_init")
            }
            let parameters = X509_STORE_CTX_get0_param(context.pointer)
            X509_VERIFY_PARAM_set_flags(parameters, UInt(X509_V_FLAG_PARTIAL_CHAIN))
            X509_STORE_CTX_set_time(context.pointer, 0, time_t(time.secondsSinceEpoch))
            ERR_clear_error()
            if X509_verify_cert(context.pointer) != 1 {
                let code = X509_STORE_CTX_get_error(context.pointer)
                let text = String(cString: X509_verify_cert_error_string(Int(code)))
                ERR_clear_error()
                var subject = leaf.subject.rfc4514
                var failing: Certificate?
                if let current = X509_STORE_CTX_get_current_cert(context.pointer),
                   let certificate = try? Certificate(object: X509Object(sharing: current)) {
                    subject = certificate.subject.rfc4514
                    failing = certificate
                }
                throw PKIError.reject(rule(for: code), subject, describe(code, text, failing, at: time))
            }
            guard let chain = X509_STORE_CTX_get1_chain(context.pointer) else { throw openSSLFailure("X509_STORE_CTX_get1_chain") }
            defer { shim_sk_X509_pop_free(chain) }
            var path: [Certificate] = []
            for index in 0..<shim_sk_X509_num(chain) {
                guard let element = shim_sk_X509_value(chain, index) else { continue }
                path.append(try Certificate(object: X509Object(sharing: element)))
            }
            return path
        }
    }

    private static func rule(for code: Int32) -> CertificateRule {
        switch code {
        case X509_V_ERR_CERT_HAS_EXPIRED: .expired
        case X509_V_ERR_CERT_NOT_YET_VALID: .notYetValid
        case X509_V_ERR_CERT_REVOKED: .revoked
        case X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD, X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD,
             X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION: .malformed
        default: .untrustedIssuer
        }
    }

    private static func describe(_ code: Int32, _ text: String, _ certificate: Certificate?, at time: WallTime) -> String {
        guard let certificate else { return "\(text) (X509_V_ERR \(code))" }
        switch code {
        case X509_V_ERR_CERT_HAS_EXPIRED:
            return "notAfter \(WallTimeText.format(certificate.notAfter)) is before the validation time \(WallTimeText.format(time))"
        case X509_V_ERR_CERT_NOT_YET_VALID:
            return "notBefore \(WallTimeText.format(certificate.notBefore)) is after the validation time \(WallTimeText.format(time))"
        default:
            return "\(text) (X509_V_ERR \(code)), issuer \"\(certificate.issuer.rfc4514)\""
        }
    }
}

/// UTC time as `2027-12-31T23:59:59Z` for log lines.
public enum WallTimeText {
    public static func format(_ time: WallTime) -> String {
        let seconds = time.secondsSinceEpoch
        let days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
        let secondOfDay = seconds - days * 86400
        let (year, month, day) = civil(fromDays: days)
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)-\(two(month))-\(two(day))T\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60))Z"
    }

    /// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's algorithm).
    static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthPrime = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthPrime + 2) / 5 + 1
        let month = monthPrime < 10 ? monthPrime + 3 : monthPrime - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// The inverse of `civil(fromDays:)`.
    static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
