internal import COpenSSL

extension IKECryptoError {
    /// The error OpenSSL queued for the call `function`, with the queue drained so a later
    /// failure does not report a stale entry.
    static func openSSLFailure(_ function: StaticString) -> IKECryptoError {
        let code = ERR_get_error()
        var text = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &text, text.count)
        while ERR_get_error() != 0 {}
        let message = text.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        return .openSSL(code: UInt(code), reason: "\(function): \(code == 0 ? "no error queued" : message)")
    }
}

/// Clears OpenSSL's thread-local error queue before a call whose failure we will report,
/// so `openSSLFailure` names this failure and not an older one.
@inline(__always)
func clearOpenSSLErrors() {
    ERR_clear_error()
}
