/// Why an SA could not be built: wrong key material for its suite, or OpenSSL refused a
/// context. Raised when the tunnel manager installs an SA, never on the packet path.
public struct ESPSetupError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What was being set up (e.g. "AES-256-GCM key", "EVP_CIPHER_fetch AES-128-CBC").
    public let operation: String
    /// The reason, with OpenSSL's error text where there is one.
    public let reason: String

    public init(operation: String, reason: String) {
        self.operation = operation
        self.reason = reason
    }

    public var description: String { "\(operation): \(reason)" }
}
