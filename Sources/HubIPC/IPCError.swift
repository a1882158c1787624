public import ZeroMQ

/// Why an IPC operation failed, with what the caller needs to decide on a retry.
public enum IPCError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The bytes are not a valid Envelope; `reason` names the frame and the decoder's complaint.
    case malformed(reason: String)
    /// The peer speaks a schema major this build does not.
    case unsupportedMajorVersion(peerMajor: UInt32, peerMinor: UInt32)
    /// No reply before the request's deadline (all attempts used).
    case deadlineExceeded(service: String, attempts: Int)
    /// The peer answered with an ErrorReply.
    case remote(code: IPCv1ErrorReply.Code, reason: String)
    /// The peer does not know the request's body case (it runs an older minor).
    case unsupportedByPeer(bodyFieldNumber: UInt32, peerMinor: UInt32)
    /// The endpoint is closed (shutting down).
    case closed
    /// A libzmq call failed.
    case transport(ZMQError)
    /// A runtime directory or endpoint could not be prepared.
    case endpoint(reason: String)

    public var description: String {
        switch self {
        case .malformed(let reason): "malformed IPC message: \(reason)"
        case .unsupportedMajorVersion(let major, let minor):
            "peer speaks ikehub.ipc v\(major).\(minor), this process v\(IPCSchema.major).\(IPCSchema.minor)"
        case .deadlineExceeded(let service, let attempts):
            "no reply from \(service.isEmpty ? "peer" : service) before the deadline (\(attempts) attempts)"
        case .remote(let code, let reason): "peer refused: \(code) \(reason)"
        case .unsupportedByPeer(let field, let minor):
            "peer (schema minor \(minor)) does not support body field \(field)"
        case .closed: "IPC endpoint closed"
        case .transport(let error): "ZeroMQ: \(error)"
        case .endpoint(let reason): "IPC endpoint: \(reason)"
        }
    }
}
