internal import CZMQ

/// Z85, the printable encoding of ZeroMQ RFC 32 (used for CURVE keys): every
/// 4 octets become 5 characters.
public enum Z85 {
    /// The text of `octets`; nil unless the count is a multiple of 4.
    public static func encode(_ octets: [UInt8]) -> String? {
        guard octets.count % 4 == 0 else { return nil }
        var text = [CChar](repeating: 0, count: octets.count / 4 * 5 + 1)
        let ok = octets.withUnsafeBufferPointer { zmq_z85_encode(&text, $0.baseAddress, $0.count) != nil }
        return ok ? String(cString: text) : nil
    }

    /// The octets of `text`; nil unless it is valid Z85 (length a multiple of 5).
    public static func decode(_ text: String) -> [UInt8]? {
        let count = text.utf8.count
        guard count % 5 == 0 else { return nil }
        var out = [UInt8](repeating: 0, count: count / 5 * 4)
        let ok = out.withUnsafeMutableBufferPointer { zmq_z85_decode($0.baseAddress, text) != nil }
        return ok ? out : nil
    }
}
