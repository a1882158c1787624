import HubIPC
public import ZeroMQ

/// Where the broker listens and how it treats workers.
public struct BrokerConfiguration: Sendable {
    /// Endpoints for requesters (the IKE frontend, ikehubctl): usually `ipc://`.
    public var frontendEndpoints: [String]
    /// Endpoints for workers: `ipc://` on this host, `tcp://` for other hosts.
    public var workerEndpoints: [String]
    /// CURVE for the `tcp://` worker endpoints, and the allow-list of worker
    /// public keys (Z85) checked by ZAP. Nil: no CURVE (ipc only).
    public var workerSecurity: WorkerSecurity?
    /// Heartbeat period both ways (DESIGN.md §3: 1 s).
    public var heartbeatInterval: Duration = .seconds(1)
    /// Missed heartbeats after which a worker is dead (DESIGN.md §3: 3).
    public var heartbeatLiveness: Int = 3
    /// Requests a worker gets at once when it does not say.
    public var defaultWorkerCapacity: Int = 256
    /// How long an idle EAP conversation stays pinned to its worker.
    public var pinIdleLifetime: Duration = .seconds(60)
    /// The trustpoint keys and chains the broker signs with (BrokerCore+Signing.swift);
    /// nil: ComputeAuthRequest for a trustpoint is answered with a reason.
    public var signing: GatewaySigning?
    /// `auth.cert` in the broker (CertificateAuthenticationService.swift); nil: routed to workers.
    public var certificateAuthentication: CertificateAuthenticationService?
    /// How long an EAP MSK waits for the session's final AUTH round before it is zeroed.
    public var mskLifetime: Duration = .seconds(60)

    public init(frontendEndpoints: [String], workerEndpoints: [String], workerSecurity: WorkerSecurity? = nil) {
        self.frontendEndpoints = frontendEndpoints
        self.workerEndpoints = workerEndpoints
        self.workerSecurity = workerSecurity
    }

    /// CURVE settings of the worker socket.
    public struct WorkerSecurity: Sendable {
        /// The broker's key pair; workers are configured with its public key.
        public var keys: CurveKeyPair
        /// Z85 public keys of the workers admitted.
        public var allowedWorkerKeys: Set<String>

        public init(keys: CurveKeyPair, allowedWorkerKeys: Set<String>) {
            self.keys = keys
            self.allowedWorkerKeys = allowedWorkerKeys
        }
    }
}
