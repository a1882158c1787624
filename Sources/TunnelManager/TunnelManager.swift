import Foundation
import ESPDataPlane
public import FlexConfig
public import HubIPC
import HubNetworking
import HubVocabulary
public import Logging
import Netlink
import Synchronization

/// The tunnel manager of `ikehub-tunneld` with the userspace backend (DESIGN.md §5): it
/// answers tunnel.proto — clones virtual-templates into TUN interfaces (`va<n>`), routes the
/// clients' addresses to them, and installs the CHILD_SAs on the ESP data plane.
///
/// Every request runs under one lock: the netlink socket serves one request at a time, and a
/// virtual-access changes as a unit. The packet threads are the data plane's, never blocked
/// by this lock.
///
/// With a state store (the daemon always has one), a `kill -9` loses nothing: the TUN
/// interfaces are persistent (their addresses and routes stay in the kernel), and the store
/// holds each virtual-access and each ChildSA with its keys and checkpointed sequence
/// numbers; `restore()` re-attaches and re-installs them before the first request. A
/// SIGTERM (`close()`) deletes everything and empties the store.
public final class TunnelManager: Sendable {
    struct State {
        var table = VirtualAccessTable()
        var configuration: FlexConfiguration
        var closed = false
    }

    let state: Mutex<State>
    let netlink: NetlinkSocket
    let ports: NATTraversalPorts
    let logger: Logger
    let clock: any WallClock
    /// Where virtual-access interfaces and SAs are checkpointed; `nil` = nothing survives.
    let store: TunnelStateStore?
    let checkpointing = Atomic<Bool>(false)
    /// The open-file limit: a virtual-access needs one descriptor (its TUN).
    let openFileLimit: UInt64
    /// Descriptors kept for everything else (sockets, SQLite, epoll, the runtime's own):
    /// out of descriptors, libdispatch traps instead of failing a call.
    static let reservedDescriptors: UInt64 = 512

    /// A manager for `configuration` that installs SAs on `ports`' data planes; with
    /// `stateFile`, it checkpoints them there for `restore()`.
    public init(configuration: FlexConfiguration, ports: NATTraversalPorts, logger: Logger,
                clock: any WallClock = SystemWallClock(), stateFile: String? = nil,
                openFileLimit: UInt64? = nil) throws(TunnelManagerError) {
        do { netlink = try NetlinkSocket(family: .route) } catch { throw .netlink(error) }
        state = Mutex(State(configuration: configuration))
        self.ports = ports
        self.logger = logger
        self.clock = clock
        self.openFileLimit = openFileLimit ?? OpenFileLimit.current
        if let stateFile {
            do { store = try TunnelStateStore(path: stateFile) } catch {
                throw .invalidRequest(field: "state file", reason: "\(stateFile): \(error)")
            }
        } else {
            store = nil
        }
    }

    /// Applies a re-read configuration: new virtual-access interfaces use the new templates;
    /// live ones keep what they were created with (no session drops, DESIGN.md §6).
    public func replaceConfiguration(_ configuration: FlexConfiguration) {
        state.withLock { $0.configuration = configuration }
    }

    /// Answers one tunnel.proto request.
    public func handle(_ request: IPCRequest) -> IPCv1Envelope.OneOf_Body {
        let envelope = request.envelope
        switch envelope.body {
        case .createVirtualAccessRequest(let body):
            return reply { () throws(TunnelManagerError) in .createVirtualAccessReply(try createVirtualAccess(body, session: envelope.sessionID)) }
        case .deleteVirtualAccessRequest(let body):
            return .deleteVirtualAccessReply(.with { $0.wasPresent = deleteVirtualAccess(body.virtualAccess) })
        case .installChildSaRequest(let body):
            return reply { () throws(TunnelManagerError) in .installChildSaReply(try installChildSAs(body)) }
        case .deleteChildSaRequest(let body):
            return reply { () throws(TunnelManagerError) in .deleteChildSaReply(try deleteChildSAs(body)) }
        case .rekeyChildSaRequest(let body):
            return reply { () throws(TunnelManagerError) in .rekeyChildSaReply(try rekeyChildSAs(body)) }
        case .countersRequest(let body):
            return reply { () throws(TunnelManagerError) in .countersReply(try counters(body.virtualAccess)) }
        default:
            return .error(.with { $0.code = .rejected; $0.reason = "ikehub-tunneld does not serve \(envelope.bodyName)" })
        }
    }

    private func reply(_ body: () throws(TunnelManagerError) -> IPCv1Envelope.OneOf_Body) -> IPCv1Envelope.OneOf_Body {
        do {
            return try body()
        } catch {
            logger.notice("tunnel request refused: \(error)")
            return .error(.with { $0.code = .rejected; $0.reason = error.description })
        }
    }

    /// Removes every virtual-access (SAs, routes, interfaces) and stops the NAT-T ports: the
    /// SIGTERM path. Requests after this are refused. The interfaces go in one netlink
    /// request for their group (their routes and addresses with them) rather than one at a
    /// time, which the kernel makes wait for RCU once per interface: minutes at 10,000.
    public func close() {
        checkpointing.store(false, ordering: .releasing)
        let records = state.withLock { state -> [VirtualAccess] in
            state.closed = true
            let records = Array(state.table.byNumber.values)
            state.table = VirtualAccessTable()
            return records
        }
        for record in records {
            record.plane?.removeSession(record.dataPlaneSession)
            try? record.interface.setPersistent(false)
        }
        if !records.isEmpty {
            do {
                try state.withLock { _ throws(NetlinkError) in try RouteNetlink(socket: netlink).deleteLinks(group: VirtualAccess.interfaceGroup) }
            } catch {
                // Closing each TUN below still deletes it, one RCU wait at a time.
                logger.error("interface group \(VirtualAccess.interfaceGroup) not deleted at once: \(error)")
            }
            logger.info("\(records.count) virtual-access interface(s) deleted at shutdown", metadata: [
                "va": "\(records.map(\.number).min() ?? 0)…\(records.map(\.number).max() ?? 0)", "reason": "shutdown",
            ])
        }
        try? store?.clear()
        ports.stop()
    }

    /// `session.id` for the log: the 16-octet session identifier in hex.
    static func sessionLabel(_ key: Data) -> String {
        key.isEmpty ? "none" : Hex.encode(Array(key))
    }
}
