internal import COpenSSL

/// The EVP_CIPHER / EVP_MAC objects the ESP path uses, fetched once per process (fetching
/// per SA costs a provider lookup; per packet it would dominate). Fetched algorithm objects
/// are immutable and may be shared between threads (OpenSSL 3 documents this); contexts
/// made from them may not.
final class OpenSSLAlgorithms: @unchecked Sendable {
    static let shared = OpenSSLAlgorithms()

    private let fetched: [String: OpaquePointer]
    let hmac: OpaquePointer?

    private init() {
        var table: [String: OpaquePointer] = [:]
        for name in ["AES-128-GCM", "AES-192-GCM", "AES-256-GCM", "AES-128-CBC", "AES-192-CBC", "AES-256-CBC", "ChaCha20-Poly1305"] {
            if let cipher = EVP_CIPHER_fetch(nil, name, nil) { table[name] = cipher }
        }
        fetched = table
        hmac = EVP_MAC_fetch(nil, "HMAC", nil)
    }

    /// The fetched cipher called `name` (OpenSSL's name), or a setup error.
    func cipher(named name: String) throws(ESPSetupError) -> OpaquePointer {
        guard let cipher = fetched[name] else {
            throw ESPSetupError(operation: "EVP_CIPHER_fetch \(name)", reason: "not available in this OpenSSL")
        }
        return cipher
    }

    /// The text of OpenSSL's most recent error on this thread (and clears the queue).
    static func lastErrorText() -> String {
        let code = ERR_get_error()
        guard code != 0 else { return "no OpenSSL error queued" }
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        ERR_clear_error()
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
