public import FlexConfig
import HubVocabulary

/// Evaluates `crypto pki certificate map NAME SEQ` for `match certificate NAME` in
/// profile selection, as IOS does:
///
/// - A map is the set of its sequences; the certificate matches the map when **all**
///   rules of **one** sequence hold (sequences tried in ascending number). A sequence
///   without rules matches every certificate.
/// - `subject-name`, `issuer-name`: the DN as RFC 4514 text (`cn=…,ou=…,o=…`),
///   lowercased. `eq`/`ne` compare the whole name (spaces around `,` `=` `+` ignored);
///   `co`/`nc` test for a substring. Case never matters.
/// - `alt-subject-name`: every subjectAltName value (DNS name, e-mail, IP address, URI):
///   `eq`/`co` hold when one value is equal / contains; `ne`/`nc` when none does.
/// - `serial-number`: hex without `:`, spaces or leading zeros, case ignored; `eq`, `ne`,
///   `co`, `nc` as for names.
/// - `expires-on`: the certificate's notAfter against a UTC date `dd mm yyyy
///   [hh:mm[:ss]]`, `mmm dd yyyy [hh:mm[:ss]]` or `yyyy-mm-dd[Thh:mm:ss[Z]]`; `lt`, `le`,
///   `gt`, `ge` order them, `eq`/`ne` compare to the second (to the day when no time
///   is given).
public struct CertificateMapEvaluator: Sendable {
    public let maps: [CertificateMap]

    public init(maps: [CertificateMap]) {
        self.maps = maps
    }

    /// The sequence of map `name` that `certificate` satisfies; a `mapMismatch`
    /// rejection naming each sequence's first failed rule otherwise.
    @discardableResult
    public func matchingSequence(of name: String, for certificate: Certificate) throws(PKIError) -> Int {
        let sequences = maps.filter { $0.name == name }.sorted { $0.sequence < $1.sequence }
        guard !sequences.isEmpty else { throw .configuration("crypto pki certificate map \(name) is not defined") }
        var failures: [String] = []
        for map in sequences {
            var failed: String?
            for rule in map.rules {
                if let reason = try Self.evaluate(rule, certificate) {
                    failed = reason
                    break
                }
            }
            guard let failed else { return map.sequence }
            failures.append("sequence \(map.sequence): \(failed)")
        }
        throw PKIError.reject(.mapMismatch, certificate.subject.rfc4514,
                              "certificate map \(name): \(failures.joined(separator: "; "))")
    }

    /// The names of every map that `certificate` satisfies (what IKEExchanges'
    /// `CertificateMapMatcher.matchingMaps` returns for the end entity). A map with a
    /// rule that cannot be evaluated (an unparsable date) does not match.
    public func matchingMaps(for certificate: Certificate) -> Set<String> {
        Set(Set(maps.map(\.name)).filter { (try? matchingSequence(of: $0, for: certificate)) != nil })
    }

    /// `matchingMaps(for:)` for a CERT payload's DER; none when it does not decode.
    public func matchingMaps(endEntity der: [UInt8]) -> Set<String> {
        guard let certificate = try? Certificate(der: der) else { return [] }
        return matchingMaps(for: certificate)
    }

    /// The first of `names` (a profile's `match certificate` maps) that `certificate`
    /// satisfies, with the sequence; a `mapMismatch` rejection listing all otherwise.
    public func firstMatch(among names: [String], for certificate: Certificate) throws(PKIError) -> (map: String, sequence: Int) {
        var reasons: [String] = []
        for name in names {
            do throws(PKIError) {
                return (name, try matchingSequence(of: name, for: certificate))
            } catch {
                guard let rejection = error.rejection else { throw error }
                reasons.append(rejection.reason)
            }
        }
        throw PKIError.reject(.mapMismatch, certificate.subject.rfc4514,
                              reasons.isEmpty ? "no certificate map to match" : reasons.joined(separator: "; "))
    }

    /// `nil` when the rule holds, otherwise the reason it does not.
    static func evaluate(_ rule: CertificateMap.Rule, _ certificate: Certificate) throws(PKIError) -> String? {
        let label = "\(rule.field.rawValue) \(rule.operator.rawValue) \(rule.value)"
        let holds: Bool
        switch rule.field {
        case .subjectName:
            holds = try compareName(certificate.subject.rfc4514, rule)
        case .issuerName:
            holds = try compareName(certificate.issuer.rfc4514, rule)
        case .altSubjectName:
            let values = certificate.subjectAlternativeNames.map { $0.text.lowercased() }
            let wanted = rule.value.lowercased()
            switch rule.operator {
            case .eq: holds = values.contains(wanted)
            case .ne: holds = !values.contains(wanted)
            case .co: holds = values.contains { $0.contains(wanted) }
            case .nc: holds = !values.contains { $0.contains(wanted) }
            default: throw .configuration("\(label): \(rule.operator.rawValue) compares dates only")
            }
        case .serialNumber:
            let serial = normalisedSerial(certificate.serialNumber)
            let wanted = normalisedSerial(rule.value)
            switch rule.operator {
            case .eq: holds = serial == wanted
            case .ne: holds = serial != wanted
            case .co: holds = serial.contains(wanted)
            case .nc: holds = !serial.contains(wanted)
            default: throw .configuration("\(label): \(rule.operator.rawValue) compares dates only")
            }
        case .expiresOn:
            guard let (instant, hasTime) = parseDate(rule.value) else {
                throw .configuration("\(label): not a date (dd mm yyyy hh:mm:ss, mmm dd yyyy hh:mm:ss or yyyy-mm-dd)")
            }
            // Without a time of day the comparison is by day.
            let notAfter = hasTime ? certificate.notAfter.secondsSinceEpoch : floorDay(certificate.notAfter.secondsSinceEpoch)
            switch rule.operator {
            case .eq: holds = notAfter == instant
            case .ne: holds = notAfter != instant
            case .lt: holds = notAfter < instant
            case .le: holds = notAfter <= instant
            case .gt: holds = notAfter > instant
            case .ge: holds = notAfter >= instant
            case .co, .nc: throw .configuration("\(label): \(rule.operator.rawValue) compares names only")
            }
        }
        if holds { return nil }
        let actual: String = switch rule.field {
        case .subjectName: certificate.subject.rfc4514
        case .issuerName: certificate.issuer.rfc4514
        case .altSubjectName: certificate.subjectAlternativeNames.map(\.text).joined(separator: ", ")
        case .serialNumber: certificate.serialNumber
        case .expiresOn: WallTimeText.format(certificate.notAfter)
        }
        return "'\(label)' does not hold for \"\(actual)\""
    }

    private static func compareName(_ name: String, _ rule: CertificateMap.Rule) throws(PKIError) -> Bool {
        let have = normalisedName(name)
        let wanted = normalisedName(rule.value)
        switch rule.operator {
        case .eq: return have == wanted
        case .ne: return have != wanted
        case .co: return have.contains(wanted)
        case .nc: return !have.contains(wanted)
        default: throw .configuration("\(rule.field.rawValue) \(rule.operator.rawValue): compares dates only")
        }
    }

    /// Lowercased, with blanks around the RDN separators removed.
    static func normalisedName(_ name: String) -> String {
        var output = ""
        var pendingBlank = false
        for character in name.lowercased() {
            if character == " " { pendingBlank = true; continue }
            if pendingBlank, !",=+".contains(character), let last = output.last, !",=+".contains(last) { output.append(" ") }
            pendingBlank = false
            output.append(character)
        }
        return output
    }

    static func normalisedSerial(_ serial: String) -> String {
        let hex = serial.lowercased().filter { $0 != ":" && $0 != " " }
        let trimmed = hex.drop { $0 == "0" }
        return trimmed.isEmpty ? (hex.isEmpty ? "" : "0") : String(trimmed)
    }

    private static func floorDay(_ seconds: Int64) -> Int64 {
        (seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400) * 86400
    }

    private static let monthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// Seconds since the epoch (UTC) and whether a time of day was given.
    static func parseDate(_ text: String) -> (Int64, Bool)? {
        let lower = text.lowercased().trimmingSpaces
        var dateParts: [Substring]
        var timePart: Substring?
        if lower.contains("-") {
            let split = lower.split(whereSeparator: { $0 == "t" || $0 == " " })
            guard let date = split.first else { return nil }
            dateParts = date.split(separator: "-")
            guard dateParts.count == 3 else { return nil }
            dateParts = [dateParts[2], dateParts[1], dateParts[0]]
            timePart = split.count > 1 ? split[1].split(separator: "z").first : nil
        } else {
            let words = lower.split(separator: " ")
            guard words.count == 3 || words.count == 4 else { return nil }
            if let month = monthNames.firstIndex(of: String(words[0].prefix(3))) {
                dateParts = [words[1], Substring(String(month + 1)), words[2]]
            } else {
                dateParts = [words[0], words[1], words[2]]
            }
            timePart = words.count == 4 ? words[3] : nil
        }
        guard let day = Int64(dateParts[0]), let month = Int64(dateParts[1]), let year = Int64(dateParts[2]),
              (1...12).contains(month), (1...31).contains(day), year >= 1950 else { return nil }
        var seconds = WallTimeText.days(year: year, month: month, day: day) * 86400
        if let timePart {
            let fields = timePart.split(separator: ":").map { Int64($0) }
            guard (2...3).contains(fields.count), fields.allSatisfy({ $0 != nil }) else { return nil }
            let hour = fields[0]!, minute = fields[1]!, second = fields.count == 3 ? fields[2]! : 0
            guard hour < 24, minute < 60, second < 61 else { return nil }
            seconds += hour * 3600 + minute * 60 + second
        }
        return (seconds, timePart != nil)
    }
}
