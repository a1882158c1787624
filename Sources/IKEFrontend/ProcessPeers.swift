import Foundation
import HubIPC
import HubVocabulary
import IKEExchanges
import IKEWire
import Logging

/// The frontend's IPC clients to the other processes, and the translation of engine
/// requests into the schema (DESIGN §2). Each call returns the engine's result type; an
/// IPC failure becomes the engine's failure case with a reason naming the process.
struct ProcessPeers: Sendable {
    let authd: IPCClient
    let addrd: IPCClient
    let tunneld: IPCClient
    let acctd: IPCClient
    let logger: Logger
    /// For requests the broker may answer only after RADIUS did (auth.psk, auth.eap,
    /// authz): the configuration's RADIUS budget, resent every attempt timeout so that a
    /// dead worker's request is re-dispatched (the broker answers a resend of a request it
    /// still holds once).
    let aaaPolicy: RetryPolicy
    /// The configuration's access lists and interfaces, for `route set` attributes.
    let routeSets: RouteSets

    init(authd: IPCClient, addrd: IPCClient, tunneld: IPCClient, acctd: IPCClient, logger: Logger,
         aaaDeadline: Duration = RetryPolicy.standard.deadline, routeSets: RouteSets = RouteSets()) {
        self.routeSets = routeSets
        self.authd = authd
        self.addrd = addrd
        self.tunneld = tunneld
        self.acctd = acctd
        self.logger = logger
        let attempt = RetryPolicy.standard.attemptTimeout
        aaaPolicy = RetryPolicy(deadline: aaaDeadline, attemptTimeout: attempt,
                                maximumAttempts: Int(aaaDeadline / attempt) + 1)
    }

    // MARK: - Authorization (auth broker, service authz)

    /// The profile's `aaa authorization` lines, run and merged by the `authz` service.
    func authorize(_ request: AuthorizationRequest) async -> AuthorizationResult {
        let body = IPCv1Envelope.OneOf_Body.authorizeRequest(.with {
            $0.profile = request.profile
            $0.peerIdentity = .with { $0.idType = UInt32(request.identity.kind.rawValue); $0.value = Data(request.identity.data) }
            $0.authenticatedName = request.username ?? ""
            $0.cachedAttributes = request.cachedAttributes.map { attribute in .with { $0.name = attribute.name; $0.value = attribute.value } }
            switch request.method {
            case .psk: $0.authMethod = .psk
            case .eap: $0.authMethod = .eap
            case .cert: $0.authMethod = .cert
            }
            if let peer = request.peer { $0.peerAddress = .with { $0.octets = Data(peer.address.bytes) } }
        })
        do {
            let reply = try await authd.request(body, service: "authz", session: request.session, policy: aaaPolicy)
            guard case .authorizeReply(let answer) = reply.body else {
                return .rejected(reason: "auth broker answered \(reply.bodyName)")
            }
            guard answer.verdict == .accept else { return .rejected(reason: answer.reason.isEmpty ? "authorization refused" : answer.reason) }
            let mapping = AuthorizationMapping(answer.attributes.map { AAAAttribute(name: $0.name, value: $0.value) },
                                               client: request.peerClient, profile: request.profile, routeSets: routeSets)
            for reason in mapping.unsent {
                logger.info("authorization attribute not sent", metadata: ["session.id": "\(request.session)", "reason": "\(reason)"])
            }
            return .authorized(mapping.authorization)
        } catch {
            return .rejected(reason: "auth broker (authz): \(error)")
        }
    }

    // MARK: - Addresses (addrd)

    func allocate(_ request: AddressRequest, pool: String?) async -> AddressResult {
        let body = IPCv1Envelope.OneOf_Body.allocateAddressRequest(.with {
            $0.family = request.wantsIPv6 && !request.wantsIPv4 ? .ipv6 : .ipv4
            if let framed = request.framedIPv4Address { $0.requestedAddress = .with { $0.octets = Data(framed.bytes) } }
            if let name = request.poolName ?? pool { $0.pools = [name] }
            $0.peerIdentity = .with { $0.idType = UInt32(request.identity.kind.rawValue); $0.value = Data(request.identity.data) }
        })
        do {
            let reply = try await addrd.request(body, session: request.session, idempotent: false)
            guard case .allocateAddressReply(let answer) = reply.body else {
                return .failed(reason: "address manager answered \(reply.bodyName)")
            }
            guard answer.result == .allocated, let address = IPAddress(bytes: [UInt8](answer.lease.address.octets)) else {
                return .failed(reason: "address manager: \(answer.result)")
            }
            switch address {
            case .v4(let v4):
                return .assigned(AddressAssignment(lease: LeaseID(answer.lease.leaseID), ipv4Address: v4,
                                                   ipv4Netmask: IPv4Address(0xffff_ffff)))
            case .v6(let v6):
                return .assigned(AddressAssignment(lease: LeaseID(answer.lease.leaseID), ipv6Address: v6,
                                                   ipv6PrefixLength: UInt8(clamping: answer.lease.prefixLength)))
            }
        } catch {
            return .failed(reason: "address manager: \(error)")
        }
    }

    func release(_ release: AddressRelease) async {
        let body = IPCv1Envelope.OneOf_Body.releaseAddressRequest(.with { $0.leaseID = release.lease.rawValue; $0.reason = "session ended" })
        do { _ = try await addrd.request(body, session: release.session) } catch {
            logger.warning("address release failed", metadata: ["session.id": "\(release.session)", "error": "\(error)"])
        }
    }

    // MARK: - Tunnels (tunneld)

    func createVirtualAccess(_ request: VirtualAccessRequest) async -> VirtualAccessResult {
        let body = IPCv1Envelope.OneOf_Body.createVirtualAccessRequest(.with {
            $0.virtualTemplate = UInt32(clamping: request.virtualTemplate ?? 1)
            var addresses: [IPCv1IPAddress] = []
            if let v4 = request.ipv4Address { addresses.append(.with { $0.octets = Data(v4.bytes) }) }
            if let v6 = request.ipv6Address { addresses.append(.with { $0.octets = Data(v6.bytes) }) }
            $0.clientAddresses = addresses
            $0.interfaceConfig = request.interfaceConfig.map { line in .with { $0.name = AuthorizationAttribute.interfaceConfig.rawValue; $0.value = line } }
        })
        do {
            let reply = try await tunneld.request(body, session: request.session)
            guard case .createVirtualAccessReply(let answer) = reply.body else {
                return .failed(reason: "tunnel manager answered \(reply.bodyName)")
            }
            return .created(VirtualAccessInterface(index: answer.virtualAccess))
        } catch {
            return .failed(reason: "tunnel manager: \(error)")
        }
    }

    func deleteVirtualAccess(_ release: VirtualAccessRelease) async {
        let body = IPCv1Envelope.OneOf_Body.deleteVirtualAccessRequest(.with { $0.virtualAccess = release.interface.index })
        do { _ = try await tunneld.request(body, session: release.session) } catch {
            logger.warning("virtual-access delete failed", metadata: ["session.id": "\(release.session)", "error": "\(error)"])
        }
    }

    func install(_ installation: ChildSAInstallation) async -> ChildSAInstallResult {
        func sa(_ direction: ChildSADirection, inbound: Bool) -> IPCv1ChildSA {
            .with {
                $0.spi = direction.spi
                $0.protocol = 3
                $0.direction = inbound ? .inbound : .outbound
                let local = installation.local, remote = installation.remote
                $0.localAddress = .with { $0.octets = Data(local.address.bytes) }
                $0.remoteAddress = .with { $0.octets = Data(remote.address.bytes) }
                if installation.encapsulation == .udp {
                    $0.encapsulationLocalPort = UInt32(local.port)
                    $0.encapsulationRemotePort = UInt32(remote.port)
                }
                if let encryption = installation.transforms.encryption {
                    $0.encryptionTransformID = UInt32(encryption.algorithm.transformID)
                    $0.encryptionKeyBits = UInt32(encryption.keyLengthBits)
                }
                $0.integrityTransformID = UInt32(installation.transforms.integrity?.transformID ?? 0)
                $0.encryptionKey = .with { $0.octets = Data(direction.encryptionKey.revealedBytes()) }
                $0.integrityKey = .with { $0.octets = Data(direction.integrityKey.revealedBytes()) }
                $0.localSelectors = installation.localSelectors.map(Self.selector)
                $0.remoteSelectors = installation.remoteSelectors.map(Self.selector)
                $0.replayWindow = 128
                $0.extendedSequenceNumbers = installation.extendedSequenceNumbers
                $0.hardLifetimeSeconds = UInt32(clamping: installation.lifetimeSeconds)
            }
        }
        let body = IPCv1Envelope.OneOf_Body.installChildSaRequest(.with {
            $0.virtualAccess = installation.virtualAccess?.index ?? 0
            $0.sas = [sa(installation.inbound, inbound: true), sa(installation.outbound, inbound: false)]
        })
        do {
            let reply = try await tunneld.request(body, session: installation.session)
            guard case .installChildSaReply(let answer) = reply.body else {
                return .failed(reason: "tunnel manager answered \(reply.bodyName)")
            }
            switch answer.result {
            case .installed, .alreadyInstalled: return .installed
            default: return .failed(reason: "tunnel manager: \(answer.result) \(answer.reason)")
            }
        } catch {
            return .failed(reason: "tunnel manager: \(error)")
        }
    }

    func remove(_ removal: ChildSARemoval, virtualAccess: UInt32?) async {
        let body = IPCv1Envelope.OneOf_Body.deleteChildSaRequest(.with {
            $0.virtualAccess = virtualAccess ?? 0
            $0.spis = [removal.inboundSPI, removal.outboundSPI]
        })
        do { _ = try await tunneld.request(body, session: removal.session) } catch {
            logger.warning("CHILD_SA delete failed", metadata: ["session.id": "\(removal.session)", "error": "\(error)"])
        }
    }

    static func selector(_ selector: TrafficSelector) -> IPCv1TrafficSelector {
        .with {
            $0.tsType = selector.isIPv4 ? 7 : 8
            $0.ipProtocol = UInt32(selector.ipProtocol)
            $0.startPort = UInt32(selector.startPort)
            $0.endPort = UInt32(selector.endPort)
            $0.startAddress = .with { $0.octets = Data(selector.startAddress.bytes) }
            $0.endAddress = .with { $0.octets = Data(selector.endAddress.bytes) }
        }
    }

    // MARK: - Accounting (acctd)

    func accountingStart(_ start: AccountingStart) async {
        let body = IPCv1Envelope.OneOf_Body.accountingStartRequest(.with {
            $0.session = .with {
                $0.accountingSessionID = start.session.description
                $0.userName = start.username ?? start.identity.text ?? start.identity.description
                if let framed = start.framedIPv4Address { $0.framedAddress = .with { $0.octets = Data(framed.bytes) } }
                $0.peerAddress = .with { $0.octets = Data(start.peer.address.bytes) }
            }
            $0.startedAt = Int64(Date().timeIntervalSince1970)
        })
        do { _ = try await acctd.request(body, session: start.session, idempotent: false) } catch {
            logger.warning("accounting start not spooled", metadata: ["session.id": "\(start.session)", "error": "\(error)"])
        }
    }

    /// Accounting Stop with the session's counters from tunneld (asked before the
    /// virtual-access goes away; zero when tunneld no longer has them).
    func accountingStop(_ stop: AccountingStop, username: String?, virtualAccess: UInt32?) async {
        let counters: IPCv1CountersReply? = if let virtualAccess {
            await self.counters(virtualAccess: virtualAccess, session: stop.session)
        } else {
            nil
        }
        let cause: UInt32 = switch stop.reason {
        case .peerDeleted: 1        // User-Request
        case .deadPeer: 3           // Lost-Service
        case .administrative: 6     // Admin-Reset
        case .lifetimeExpired: 5    // Session-Timeout
        default: 10                 // NAS-Request
        }
        let body = IPCv1Envelope.OneOf_Body.accountingStopRequest(.with {
            $0.session = .with {
                $0.accountingSessionID = stop.session.description
                if let username { $0.userName = username }
            }
            if let counters {
                $0.inputOctets = counters.inputOctets
                $0.outputOctets = counters.outputOctets
                $0.inputPackets = counters.inputPackets
                $0.outputPackets = counters.outputPackets
            }
            $0.terminateCause = cause
        })
        do { _ = try await acctd.request(body, session: stop.session, idempotent: false) } catch {
            logger.warning("accounting stop not spooled", metadata: ["session.id": "\(stop.session)", "error": "\(error)"])
        }
    }

    func counters(virtualAccess: UInt32, session: SessionID) async -> IPCv1CountersReply? {
        let body = IPCv1Envelope.OneOf_Body.countersRequest(.with { $0.virtualAccess = virtualAccess })
        guard let reply = try? await tunneld.request(body, session: session), case .countersReply(let counters) = reply.body else { return nil }
        return counters
    }
}
