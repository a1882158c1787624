/// A received IKE message: the UDP payload without the non-ESP marker (the frontend
/// classifies port-4500 datagrams with `UDPDatagramClassifier`), and both endpoints.
public struct InboundDatagram: Hashable, Sendable {
    public var bytes: [UInt8]
    public var remote: Endpoint
    public var local: Endpoint

    public init(bytes: [UInt8], remote: Endpoint, local: Endpoint) {
        self.bytes = bytes
        self.remote = remote
        self.local = local
    }
}

/// An IKE message to send. `bytes` is the IKE message alone: the frontend prepends the
/// 4-octet non-ESP marker when `local.port` is 4500 (RFC 3948 §2.2).
public struct OutboundDatagram: Hashable, Sendable {
    public var bytes: [UInt8]
    public var remote: Endpoint
    public var local: Endpoint

    public init(bytes: [UInt8], remote: Endpoint, local: Endpoint) {
        self.bytes = bytes
        self.remote = remote
        self.local = local
    }

    /// True when the frontend must prefix the non-ESP marker.
    public var needsNonESPMarker: Bool { local.port == Endpoint.natTraversalPort }
}
