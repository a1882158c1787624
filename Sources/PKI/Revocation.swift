public import FlexConfig
public import HubVocabulary
import Synchronization

/// Where CRLs come from. Implementations may do I/O (an http fetch); the verifier calls
/// them only after the chain and the AUTH signature have verified.
public protocol RevocationListSource: Sendable {
    /// CRLs that may cover `certificate`, which `issuer` issued, at `time`. The verifier
    /// itself checks each CRL's signature, issuer and currency, so a source may return
    /// anything it has; `failures` says why a list could not be had (for the log).
    func revocationLists(for certificate: Certificate, issuer: Certificate, at time: WallTime) -> RevocationListLookup
}

/// What a `RevocationListSource` found.
public struct RevocationListLookup: Sendable {
    public var lists: [CertificateRevocationList]
    public var failures: [String]

    public init(lists: [CertificateRevocationList] = [], failures: [String] = []) {
        self.lists = lists
        self.failures = failures
    }
}

/// CRLs from files (the trustpoint's `crl-file`) plus the http URLs of each certificate's
/// CRL distribution points, fetched on first use and kept until their nextUpdate
/// (RFC 5280 §5.1.2.5); a failed fetch is retried after `retryAfterFailure` seconds,
/// not on every IKE_AUTH. Thread-safe.
public final class RevocationListStore: RevocationListSource {
    private struct CachedList {
        var list: CertificateRevocationList?
        var failure: String?
        var attemptedAt: WallTime
    }

    private let files: Mutex<[CertificateRevocationList]>
    private let cache = Mutex<[String: CachedList]>([:])
    private let gates = Mutex<[String: FetchGate]>([:])
    private let fetches = Atomic<Int>(0)
    private let client: HTTPClient
    private let retryAfterFailure: Int64

    public init(files: [CertificateRevocationList] = [], client: HTTPClient = HTTPClient(), retryAfterFailureSeconds: Int64 = 60) {
        self.files = Mutex(files)
        self.client = client
        self.retryAfterFailure = retryAfterFailureSeconds
    }

    /// Adds a CRL read from a file (a newer one for the same issuer replaces the older).
    public func add(_ list: CertificateRevocationList) {
        files.withLock { lists in
            lists.removeAll { $0.issuer.matches(list.issuer) && $0.thisUpdate <= list.thisUpdate }
            lists.append(list)
        }
    }

    /// How many http fetches were made (cache behaviour, for `show` and tests).
    public var fetchCount: Int { fetches.load(ordering: .relaxed) }

    public func revocationLists(for certificate: Certificate, issuer: Certificate, at time: WallTime) -> RevocationListLookup {
        var lookup = RevocationListLookup()
        lookup.lists = files.withLock { $0.filter { $0.issuer.matches(issuer.subject) } }
        for url in certificate.crlDistributionPoints where url.lowercased().hasPrefix("http://") {
            switch list(at: url, time: time) {
            case .success(let list): lookup.lists.append(list)
            case .failure(let error): lookup.failures.append(error.description)
            }
        }
        if lookup.lists.isEmpty, lookup.failures.isEmpty {
            lookup.failures.append(certificate.crlDistributionPoints.isEmpty
                ? "no CRL file for issuer \"\(issuer.subject.rfc4514)\" and no CRL distribution point"
                : "no http CRL distribution point (\(certificate.crlDistributionPoints.joined(separator: ", ")))")
        }
        return lookup
    }

    /// The cached answer for `url` at `time`, or nil when it must be fetched.
    private func cachedAnswer(_ url: String, time: WallTime) -> Result<CertificateRevocationList, PKIError>? {
        guard let cached = cache.withLock({ $0[url] }) else { return nil }
        if cached.failure == nil, let list = cached.list, list.nextUpdate.map({ time < $0 }) ?? true { return .success(list) }
        if let failure = cached.failure, cached.attemptedAt <= time, time < cached.attemptedAt.adding(seconds: retryAfterFailure) {
            return .failure(.http(url: url, reason: "\(failure) (cached failure, retried after \(retryAfterFailure) s)"))
        }
        return nil
    }

    private func list(at url: String, time: WallTime) -> Result<CertificateRevocationList, PKIError> {
        if let answer = cachedAnswer(url, time: time) { return answer }
        // One fetch per URL at a time: when a CRL reaches its nextUpdate under load, the
        // other lookups wait for that fetch instead of all fetching it.
        let gate = gates.withLock { gates in
            if let gate = gates[url] { return gate }
            let gate = FetchGate()
            gates[url] = gate
            return gate
        }
        return gate.mutex.withLock { _ in
            if let answer = cachedAnswer(url, time: time) { return answer }
            fetches.add(1, ordering: .relaxed)
            let result: Result<CertificateRevocationList, PKIError>
            do throws(PKIError) {
                let body = try client.get(url)
                result = .success(try CertificateRevocationList(encoded: body, source: url))
            } catch {
                result = .failure(error)
            }
            cache.withLock { entries in
                switch result {
                case .success(let list) where list.nextUpdate.map({ $0 <= time }) ?? false:
                    // A CRL already past its nextUpdate: not fetched again before the retry time.
                    entries[url] = CachedList(list: list, failure: "the CRL at \(url) is past its nextUpdate", attemptedAt: time)
                case .success(let list):
                    entries[url] = CachedList(list: list, failure: nil, attemptedAt: time)
                case .failure(let error):
                    entries[url] = CachedList(list: entries[url]?.list, failure: error.description, attemptedAt: time)
                }
            }
            return result
        }
    }
}

/// Serialises the fetches of one URL.
private final class FetchGate: Sendable {
    let mutex = Mutex(())
}

/// The trustpoint's `revocation-check` methods, tried in order as IOS does:
/// - `crl`: the issuer's CRL must be had (file or distribution point), signed by the
///   issuer and current at the validation time; a listed serial number is **revoked**.
/// - `ocsp`: not implemented on IKEHub; counts as "could not be checked" and the next
///   method is tried.
/// - `none`: reached only when the methods before it could not check: accept.
///
/// So `crl none` tries the CRL and accepts when it cannot be fetched; `crl` alone
/// rejects with **CRL unavailable**. A revoked certificate is rejected whatever follows.
/// An empty list is the IOS default, `revocation-check crl`.
public struct RevocationPolicy: Hashable, Sendable {
    public var methods: [Trustpoint.RevocationCheck]

    public init(_ methods: [Trustpoint.RevocationCheck]) {
        self.methods = methods.isEmpty ? [.crl] : methods
    }

    /// IOS `revocation-check none`.
    public static let none = RevocationPolicy([.none])
}

/// How revocation was settled for a verified peer.
public enum RevocationStatus: Hashable, Sendable, CustomStringConvertible {
    /// Every certificate below the anchor was checked against a current CRL.
    case checked
    /// CRLs could not be had and the policy's `none` accepted that (reason for the log).
    case uncheckedAccepted(String)
    /// The policy is `none` only.
    case notChecked

    public var description: String {
        switch self {
        case .checked: "CRL checked"
        case .uncheckedAccepted(let reason): "CRL not available, accepted by 'revocation-check ... none': \(reason)"
        case .notChecked: "revocation-check none"
        }
    }
}

enum RevocationChecker {
    /// Checks each certificate of `chain` below its last element against its issuer's CRL.
    static func check(
        chain: [Certificate], policy: RevocationPolicy, source: any RevocationListSource, at time: WallTime
    ) throws(PKIError) -> RevocationStatus {
        var unavailable: [String] = []
        for method in policy.methods {
            switch method {
            case .none:
                return unavailable.isEmpty ? .notChecked : .uncheckedAccepted(unavailable.joined(separator: "; "))
            case .ocsp:
                unavailable.append("OCSP is not implemented")
            case .crl:
                if let reason = try checkCRLs(chain: chain, source: source, at: time) {
                    unavailable.append(reason)
                } else {
                    return .checked
                }
            }
        }
        let subject = chain.first?.subject.rfc4514 ?? ""
        throw PKIError.reject(.crlUnavailable, subject, unavailable.joined(separator: "; "))
    }

    /// `nil` when every certificate was checked and none is revoked; the reason when a
    /// CRL could not be had. Throws `revoked`.
    private static func checkCRLs(chain: [Certificate], source: any RevocationListSource, at time: WallTime) throws(PKIError) -> String? {
        guard chain.count >= 2 else { return nil }
        var missing: [String] = []
        for index in 0..<(chain.count - 1) {
            let certificate = chain[index]
            let issuer = chain[index + 1]
            let lookup = source.revocationLists(for: certificate, issuer: issuer, at: time)
            var problems = lookup.failures
            var usable: [CertificateRevocationList] = []
            for list in lookup.lists {
                guard list.isSigned(by: issuer) else {
                    problems.append("a CRL for \"\(list.issuer.rfc4514)\" is not signed by the issuer")
                    continue
                }
                guard list.isCurrent(at: time) else {
                    problems.append("the CRL of \"\(list.issuer.rfc4514)\" is not current (thisUpdate \(list.thisUpdate), nextUpdate \(list.nextUpdate.map(\.description) ?? "none"))")
                    continue
                }
                usable.append(list)
            }
            if usable.contains(where: { $0.lists(certificate) }) {
                throw PKIError.reject(.revoked, certificate.subject.rfc4514,
                                      "serial \(certificate.serialNumber) is on the CRL of \"\(issuer.subject.rfc4514)\"")
            }
            if usable.isEmpty {
                missing.append("no valid CRL for \"\(certificate.subject.rfc4514)\": \(problems.joined(separator: "; "))")
            }
        }
        // Every certificate is looked at, so a revoked CA is found even when the end
        // entity's CRL is missing.
        return missing.isEmpty ? nil : missing.joined(separator: "; ")
    }
}
