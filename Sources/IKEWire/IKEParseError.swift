/// Why received octets are not an acceptable IKEv2 message, with the place: the payload
/// (`nil` = the IKE header or the datagram itself) and the octet offset in the buffer
/// that was parsed (the datagram, or the decrypted SK plaintext for inner payloads).
///
/// Every case maps to the Notify a responder answers with (``notifyToSend``), so the
/// exchange layer never invents its own mapping.
public enum IKEParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Fewer octets than a field needs: the datagram is shorter than the IKE header or
    /// than its Length field says, or a payload body is too short for its fixed fields.
    case truncated(payload: PayloadType?, offset: Int, needed: Int)
    /// A length field disagrees with the octets around it (a payload overruns the
    /// message, a message has octets after its last payload, a payload Length below 4).
    case lengthMismatch(payload: PayloadType?, offset: Int, declared: Int, available: Int)
    /// A payload of a type this implementation does not know has the critical bit set
    /// (RFC 7296 §2.5): the message MUST be rejected with UNSUPPORTED_CRITICAL_PAYLOAD.
    case unsupportedCriticalPayload(type: PayloadType, offset: Int)
    /// The major version is not 2 (RFC 7296 §2.5: answer INVALID_MAJOR_VERSION).
    case invalidMajorVersion(major: UInt8, minor: UInt8)
    /// A field holds a value the RFC forbids, or structure is inconsistent.
    case invalidSyntax(payload: PayloadType?, offset: Int, reason: String)
    /// A payload occurs more or fewer times than ``MessageRules`` allows.
    case payloadCount(exchange: ExchangeType, isResponse: Bool, payload: PayloadType, count: Int, minimum: Int, maximum: Int)
    /// A payload is outside SK although the rules say it must be encrypted, or the reverse.
    case payloadEncryption(exchange: ExchangeType, isResponse: Bool, payload: PayloadType, mustBeEncrypted: Bool)
    /// The exchange type has no entry in ``MessageRules`` (RFC 7296 §3.1: unknown
    /// exchange types are not processed).
    case unsupportedExchange(ExchangeType)

    /// The Notify to put into the error response, or `nil` where the RFC says to drop
    /// the message silently.
    public var notifyToSend: NotifyType? {
        switch self {
        case .truncated, .lengthMismatch, .invalidSyntax, .payloadCount, .payloadEncryption:
            .invalidSyntax
        case .unsupportedCriticalPayload:
            .unsupportedCriticalPayload
        case .invalidMajorVersion:
            .invalidMajorVersion
        case .unsupportedExchange:
            nil
        }
    }

    /// The Notification Data to send with ``notifyToSend``: the 1-octet payload type for
    /// UNSUPPORTED_CRITICAL_PAYLOAD (RFC 7296 §3.10.1), otherwise empty.
    public var notifyData: [UInt8] {
        if case .unsupportedCriticalPayload(let type, _) = self { return [type.rawValue] }
        return []
    }

    private static func place(_ payload: PayloadType?) -> String {
        payload.map { "payload \($0)" } ?? "IKE header"
    }

    private static func direction(_ isResponse: Bool) -> String { isResponse ? "response" : "request" }

    public var description: String {
        switch self {
        case .truncated(let payload, let offset, let needed):
            return "\(Self.place(payload)) at offset \(offset): truncated, \(needed) more octets needed"
        case .lengthMismatch(let payload, let offset, let declared, let available):
            return "\(Self.place(payload)) at offset \(offset): length \(declared) does not match the \(available) octets available"
        case .unsupportedCriticalPayload(let type, let offset):
            return "unsupported critical payload \(type.rawValue) at offset \(offset)"
        case .invalidMajorVersion(let major, let minor):
            return "IKE version \(major).\(minor) is not 2.x"
        case .invalidSyntax(let payload, let offset, let reason):
            return "\(Self.place(payload)) at offset \(offset): \(reason)"
        case .payloadCount(let exchange, let isResponse, let payload, let count, let minimum, let maximum):
            let need = minimum == maximum ? "\(minimum)" : (maximum == Int.max ? "at least \(minimum)" : "\(minimum)…\(maximum)")
            return "\(exchange) \(Self.direction(isResponse)): payload \(payload) occurs \(count) times, need \(need)"
        case .payloadEncryption(let exchange, let isResponse, let payload, let mustBeEncrypted):
            return "\(exchange) \(Self.direction(isResponse)): payload \(payload) must \(mustBeEncrypted ? "" : "not ")be inside SK"
        case .unsupportedExchange(let exchange):
            return "no payload rules for exchange \(exchange)"
        }
    }
}
