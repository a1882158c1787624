import Foundation
public import HubVocabulary

extension IPCv1Envelope {
    /// A request envelope for `service` carrying `body`.
    public static func request(
        _ body: IPCv1Envelope.OneOf_Body, service: String = "", session: SessionID? = nil,
        idempotencyKey: [UInt8] = []
    ) -> IPCv1Envelope {
        var envelope = IPCv1Envelope()
        envelope.schemaMajor = IPCSchema.major
        envelope.schemaMinor = IPCSchema.minor
        envelope.service = service
        if let session { envelope.sessionID = Data(session.bytes) }
        envelope.idempotencyKey = Data(idempotencyKey)
        envelope.body = body
        return envelope
    }

    /// The reply to this request carrying `body`: same correlation id, session
    /// and service; this build's version.
    public func reply(_ body: IPCv1Envelope.OneOf_Body) -> IPCv1Envelope {
        var reply = IPCv1Envelope()
        reply.schemaMajor = IPCSchema.major
        reply.schemaMinor = IPCSchema.minor
        reply.correlationID = correlationID
        reply.sessionID = sessionID
        reply.service = service
        reply.body = body
        return reply
    }

    /// An ErrorReply to this request.
    public func errorReply(_ code: IPCv1ErrorReply.Code, _ reason: String) -> IPCv1Envelope {
        reply(.error(.with { $0.code = code; $0.reason = reason }))
    }

    /// The refusal sent to a peer on another major version. Encoded in our own
    /// major; the peer reads our version from the frozen head.
    public static func unsupportedMajorReply(peerMajor: UInt32, peerMinor: UInt32) -> IPCv1Envelope {
        var reply = IPCv1Envelope()
        reply.schemaMajor = IPCSchema.major
        reply.schemaMinor = IPCSchema.minor
        reply.body = .error(.with {
            $0.code = .unsupportedMajorVersion
            $0.reason = IPCError.unsupportedMajorVersion(peerMajor: peerMajor, peerMinor: peerMinor).description
            $0.supportedMajors = IPCSchema.supportedMajors
        })
        return reply
    }

    /// The UnsupportedReply to a request whose body case is unknown here.
    public func unsupportedReply(fieldNumber: UInt32) -> IPCv1Envelope {
        reply(.unsupported(.with { $0.bodyFieldNumber = fieldNumber; $0.receiverMinor = IPCSchema.minor }))
    }

    /// The session this message is about, if it names a well-formed one.
    public var session: SessionID? { SessionID(bytes: [UInt8](sessionID)) }

    /// A one-line description for logs: body case, ids, sizes. Never the text
    /// format (which would print `SecretValue` octets).
    public var logSummary: String {
        var parts = [bodyName]
        if !service.isEmpty { parts.append("service=\(service)") }
        parts.append("corr=\(correlationID)")
        if !sessionID.isEmpty { parts.append("session=\(Hex.encode([UInt8](sessionID)))") }
        if attempt > 1 { parts.append("attempt=\(attempt)") }
        return parts.joined(separator: " ")
    }

    /// The name of the body case, for logs and metrics labels.
    public var bodyName: String {
        guard let body else { return "empty" }
        // The case label by reflection: rendering the case would build the text
        // format of the payload, secrets included.
        return Mirror(reflecting: body).children.first?.label ?? "unknown"
    }
}
