import Foundation
public import HubIPC
import HubStorage
import HubVocabulary
public import Logging

/// The address manager's IPC service (`ikehub-addrd`, address.proto): allocation,
/// renewal, release and reconciliation of leases, and `show ip local pool`.
///
/// One lock serialises the allocator: each request is a few map operations and at most
/// one SQLite transaction, and a lease is on disk before its reply is built.
public final class AddressService: @unchecked Sendable {
    private var allocator: AddressAllocator  // under `lock`
    /// Pool name → whether it hands out IPv6 prefixes (to honour the request's family).
    private var isIPv6Pool: [String: Bool]  // under `lock`
    private let lock = NSLock()
    private let logger: Logger
    /// For `HealthRequest`: this process's epoch and when it started.
    private let epoch: UInt64
    private let started = MonotonicTime.now()

    public init(allocator: AddressAllocator, logger: Logger, epoch: UInt64) {
        self.epoch = epoch
        self.allocator = allocator
        self.isIPv6Pool = Self.families(allocator)
        self.logger = logger
    }

    /// Applies new pools (SIGHUP): the allocator is rebuilt from the lease store, which
    /// holds every lease, so held addresses stay held; a lease whose pool is gone keeps
    /// its session working but is not handed out again.
    public func replacePools(_ pools: [AddressPool], store: LeaseStore, clock: any WallClock) throws(StorageError) {
        lock.lock()
        defer { lock.unlock() }
        allocator = try AddressAllocator(pools: pools, store: store, clock: clock)
        isIPv6Pool = Self.families(allocator)
    }

    /// Answers one request of address.proto or control.proto (`ShowRequest LOCAL_POOL`).
    public func handle(_ request: IPCRequest) -> IPCv1Envelope.OneOf_Body {
        let envelope = request.envelope
        let session = SessionID(bytes: envelope.sessionID)
        lock.lock()
        defer { lock.unlock() }
        switch envelope.body {
        case .allocateAddressRequest(let allocate):
            guard let session else { return Self.malformed("AllocateAddressRequest needs the envelope's session_id (16 octets)") }
            return allocateReply(allocate, session: session)
        case .renewAddressRequest(let renew):
            return .renewAddressReply(.with { reply in
                guard let session, let lease = allocator.lease(id: LeaseID(renew.leaseID), of: session) else { return }
                reply.renewed = true
                reply.lease = IPCv1Lease(lease)
            })
        case .releaseAddressRequest(let release):
            guard let session else { return .releaseAddressReply(.with { $0.wasHeld = false }) }
            do {
                let freed = try allocator.release(id: LeaseID(release.leaseID), of: session)
                if let freed {
                    logger.info("address released", metadata: [
                        "session.id": "\(session)", "lease.id": "\(freed.id)", "address": "\(freed.address)",
                        "reason": "\(release.reason)"])
                }
                return .releaseAddressReply(.with { $0.wasHeld = freed != nil })
            } catch {
                return Self.internalError(error)
            }
        case .reconcileLeasesRequest(let reconcile):
            return reconcileReply(reconcile)
        case .showRequest(let show) where show.topic == .localPool:
            return .showReply(LocalPoolTable.show(allocator, filter: show.filter))
        case .healthRequest:
            return .healthReply(.with {
                $0.process = "ikehub-addrd"
                $0.epoch = epoch
                $0.uptimeMs = (MonotonicTime.now().nanoseconds &- started.nanoseconds) / 1_000_000
            })
        default:
            return .error(.with {
                $0.code = .noSuchService
                $0.reason = "ikehub-addrd does not serve \(envelope.bodyName)"
            })
        }
    }

    private func allocateReply(_ request: IPCv1AllocateAddressRequest, session: SessionID) -> IPCv1Envelope.OneOf_Body {
        let identity = Self.identityKey(request.peerIdentity)
        if request.hasRequestedAddress, !request.requestedAddress.octets.isEmpty {
            guard let address = IPAddress(bytes: request.requestedAddress.octets) else {
                return Self.malformed("requested_address has \(request.requestedAddress.octets.count) octets (4 or 16 expected)")
            }
            do {
                let lease = try allocator.recordFramed(address: address, identity: identity, session: session)
                return Self.allocated(lease)
            } catch .addressInUse {
                return .allocateAddressReply(.with { $0.result = .requestedAddressInUse })
            } catch {
                return Self.internalError(error)
            }
        }
        guard !request.pools.isEmpty else {
            return .allocateAddressReply(.with { $0.result = .noSuchPool })
        }
        var sawExhausted = false
        for pool in request.pools {
            // A pool of the other family is skipped (CFG_REQUEST asked for v4 or v6).
            if let isIPv6 = isIPv6Pool[pool], request.family != .unspecified,
               isIPv6 != (request.family == .ipv6) { continue }
            do {
                let lease = try allocator.allocate(pool: pool, identity: identity, session: session)
                logger.info("address allocated", metadata: [
                    "session.id": "\(session)", "lease.id": "\(lease.id)", "address": "\(lease.address)", "pool": "\(pool)"])
                return Self.allocated(lease)
            } catch .poolExhausted {
                sawExhausted = true
            } catch .unknownPool {
                continue
            } catch {
                return Self.internalError(error)
            }
        }
        if !sawExhausted { logger.warning("allocation names no configured pool", metadata: ["pools": "\(request.pools)"]) }
        return .allocateAddressReply(.with { $0.result = sawExhausted ? .exhausted : .noSuchPool })
    }

    private func reconcileReply(_ request: IPCv1ReconcileLeasesRequest) -> IPCv1Envelope.OneOf_Body {
        var live: [(lease: IPCv1Lease, session: SessionID)] = []
        for lease in request.live {
            guard let session = SessionID(bytes: lease.sessionID) else { continue }
            live.append((lease, session))
        }
        do {
            let freed = try allocator.reconcile(liveSessions: Set(live.map(\.session)))
            var restored: [Lease] = []
            for (claimed, session) in live where allocator.lease(id: LeaseID(claimed.leaseID), of: session) == nil {
                guard let address = IPAddress(bytes: claimed.address.octets),
                      let lease = try allocator.restore(id: LeaseID(claimed.leaseID), pool: claimed.pool,
                                                        address: address, session: session) else {
                    logger.warning("live lease not restorable", metadata: [
                        "session.id": "\(session)", "lease.id": "\(LeaseID(claimed.leaseID))", "pool": "\(claimed.pool)"])
                    continue
                }
                restored.append(lease)
            }
            logger.notice("leases reconciled", metadata: [
                "frontend.epoch": "\(String(request.frontendEpoch, radix: 16))", "live": "\(live.count)",
                "freed": "\(freed.count)", "restored": "\(restored.count)"])
            return .reconcileLeasesReply(.with {
                $0.freed = freed.map(IPCv1Lease.init)
                $0.restored = restored.map(IPCv1Lease.init)
            })
        } catch {
            return Self.internalError(error)
        }
    }

    private static func families(_ allocator: AddressAllocator) -> [String: Bool] {
        var families: [String: Bool] = [:]
        for (pool, _) in allocator.poolUsage {
            if case .ipv6 = pool.kind { families[pool.name] = true } else { families[pool.name] = false }
        }
        return families
    }

    /// The key a lease is remembered under: RFC 7296 §3.5 ID type and the value in hex
    /// (hex so that user names never show up readable in the lease database's logs).
    static func identityKey(_ identity: IPCv1PeerIdentity) -> String {
        "\(identity.idType):\(Hex.encode([UInt8](identity.value)))"
    }

    private static func allocated(_ lease: Lease) -> IPCv1Envelope.OneOf_Body {
        .allocateAddressReply(.with {
            $0.result = .allocated
            $0.lease = IPCv1Lease(lease)
        })
    }

    private static func malformed(_ reason: String) -> IPCv1Envelope.OneOf_Body {
        .error(.with { $0.code = .malformed; $0.reason = reason })
    }

    private static func internalError(_ error: AllocationError) -> IPCv1Envelope.OneOf_Body {
        .error(.with { $0.code = .internal; $0.reason = "\(error)" })
    }
}

extension IPCv1Lease {
    /// The wire form of `lease` (no expiry: a lease lasts as long as its session).
    init(_ lease: Lease) {
        self.init()
        leaseID = lease.id.rawValue
        sessionID = Data(lease.session.bytes)
        address = .with { $0.octets = Data(lease.address.bytes) }
        prefixLength = UInt32(lease.prefixLength)
        pool = lease.pool
    }
}
