public import HubIPC
public import Logging
public import ZeroMQ

/// The auth broker (`ikehub-authd`, DESIGN.md §1 and §3): a Majordomo-style
/// router between requesters (the IKE frontend) and auth workers.
///
/// Workers register the services they offer and heartbeat both ways; requests
/// go to the least-loaded live worker offering the service (round robin among
/// equals); a request held by a worker that dies is re-dispatched; the rounds of
/// a conversational service (`auth.eap`) stay with one worker; a repeated
/// idempotency key is answered from the first result. All of it runs on one I/O
/// thread that owns both sockets: routing never waits on anything.
public final class AuthBroker: Sendable {
    private let loop: IOLoop
    private let core: BrokerCore
    private let zap: ZAPAuthenticator?
    /// Frontend endpoints actually bound.
    public let boundFrontendEndpoints: [String]
    /// Worker endpoints actually bound (real ports after `tcp://…:*`).
    public let boundWorkerEndpoints: [String]

    /// Binds the sockets and starts routing.
    public init(configuration: BrokerConfiguration, context: ZMQContext, logger: Logger) throws(IPCError) {
        var zap: ZAPAuthenticator?
        if let security = configuration.workerSecurity {
            zap = try ZAPAuthenticator(context: context, allowList: [BrokerCore.zapDomain: security.allowedWorkerKeys],
                                       logger: logger)
        }
        self.zap = zap
        let frontend: ZMQSocket, backend: ZMQSocket
        var frontBound: [String] = [], backBound: [String] = []
        do {
            frontend = try ZMQSocket(context: context, type: .router)
            try frontend.setHighWaterMarks(send: 200_000, receive: 200_000)
            for endpoint in configuration.frontendEndpoints {
                let actual = try frontend.bind(endpoint)
                RuntimeDirectory.restrictSocketFile(of: actual)
                frontBound.append(actual)
            }
            backend = try ZMQSocket(context: context, type: .router)
            try backend.setHighWaterMarks(send: 200_000, receive: 200_000)
            try backend.setRouterMandatory(true)
            if let security = configuration.workerSecurity {
                try backend.setZAPDomain(BrokerCore.zapDomain)
                try backend.makeCurveServer(secretKey: security.keys.secretKey)
            }
            for endpoint in configuration.workerEndpoints {
                let actual = try backend.bind(endpoint)
                RuntimeDirectory.restrictSocketFile(of: actual)
                backBound.append(actual)
            }
        } catch {
            throw .transport(error)
        }
        boundFrontendEndpoints = frontBound
        boundWorkerEndpoints = backBound
        loop = try IOLoop(name: "authd")
        core = BrokerCore(frontend: frontend, backend: backend, loop: loop, configuration: configuration, logger: logger)
        let core = self.core
        loop.execute { core.start() }
    }

    deinit {
        loop.stop()
    }

    /// A snapshot of the registered workers, read on the broker thread.
    public func workers() async -> [BrokerWorkerSnapshot] {
        let core = self.core
        return await withCheckedContinuation { continuation in
            if !loop.execute({ continuation.resume(returning: core.snapshot()) }) {
                continuation.resume(returning: [])
            }
        }
    }

    /// Replaces the public keys of the workers admitted over `tcp://` (SIGHUP).
    /// Workers join with a new key without a restart; a removed key is refused at
    /// its next connection.
    public func replaceAllowedWorkerKeys(_ keys: Set<String>) {
        zap?.replaceAllowList([BrokerCore.zapDomain: keys])
    }

    /// Stops routing and closes the sockets (workers and requesters retry elsewhere
    /// or after the restart).
    public func close() {
        loop.stop()
        zap?.close()
    }
}

/// One worker in `show auth workers`.
public struct BrokerWorkerSnapshot: Sendable, Equatable {
    public let name: String
    public let pid: UInt32
    public let services: [String]
    public let outstanding: Int
    public let answered: Int
    public let leaving: Bool
}
