/// Why a radcli handle could not be made or a request could not be answered.
public enum RadiusClientError: Error, Equatable, Sendable, CustomStringConvertible {
    /// radcli refused a configuration option (name, and the reason it printed if any).
    case configurationRejected(option: String, reason: String)
    /// The dictionary file could not be read.
    case dictionaryUnreadable(path: String)
    /// A value that cannot be passed to radcli (e.g. a secret with `:`), naming the field.
    case invalidValue(field: String, reason: String)
    /// radcli does not know an attribute's type (not in the dictionary).
    case unknownAttribute(type: UInt32, vendor: UInt32)
    /// No server answered within the timeout and retries.
    case timeout
    /// A reply that failed radcli's checks (bad authenticator, bad identifier).
    case badResponse
    /// Any other radcli failure.
    case failed(String)
    /// No server of a group gave a valid answer: each one tried, and what happened.
    case noServerAnswered(group: String, tried: [String])

    public var description: String {
        switch self {
        case .configurationRejected(let option, let reason): "radcli rejected option '\(option)': \(reason)"
        case .dictionaryUnreadable(let path): "cannot read RADIUS dictionary \(path)"
        case .invalidValue(let field, let reason): "invalid \(field): \(reason)"
        case .unknownAttribute(let type, let vendor):
            vendor == 0 ? "attribute \(type) is not in the RADIUS dictionary"
                        : "vendor \(vendor) attribute \(type) is not in the RADIUS dictionary"
        case .timeout: "no RADIUS server answered"
        case .badResponse: "RADIUS response failed validation"
        case .failed(let reason): "RADIUS request failed: \(reason)"
        case .noServerAnswered(let group, let tried):
            "no RADIUS server of group \(group) answered (\(tried.joined(separator: "; ")))"
        }
    }
}
