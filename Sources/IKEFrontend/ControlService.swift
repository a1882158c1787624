import Foundation
import HubIPC
import HubVocabulary
import IKEExchanges

/// The frontend's part of the operator's control conversation (control.proto):
/// `show crypto ikev2 sa`, `show crypto session` (with the tunnel manager's counters) and
/// `clear crypto session [remote ADDRESS | username NAME]`. Rows carry plain cells;
/// `ikehubctl` lays them out as IOS does.
struct ControlService: Sendable {
    let engine: FrontendEngine
    let peers: ProcessPeers

    /// Columns of a CRYPTO_SESSION / IKEV2_SA row.
    static let columns = ["session", "interface", "profile", "state", "local", "remote", "nat", "identity", "username",
                          "address", "encryption", "prf", "integrity", "group", "lifetime", "age", "dpd", "children",
                          "in_octets", "in_packets", "out_octets", "out_packets", "spi_i", "spi_r"]

    func handle(_ request: IPCRequest) async -> IPCv1Envelope.OneOf_Body {
        switch request.envelope.body {
        case .showRequest(let show):
            switch show.topic {
            case .ikev2Sa, .cryptoSession:
                return .showReply(await rows(filter: show.filter, withCounters: show.topic == .cryptoSession))
            case .cryptoSessionHistory:
                let refusals = await engine.setupRefusals()
                return .showReply(.with { reply in
                    reply.columns = ["time", "peer", "answer", "reason"]
                    reply.rows = refusals.map { refusal in
                        .with { $0.cells = [Self.timestamp(refusal.time), refusal.peer, refusal.notify, refusal.reason] }
                    }
                })
            default:
                return .error(.with { $0.code = .rejected; $0.reason = "ikehub-ike does not own show topic \(show.topic)" })
            }
        case .clearRequest_p(let clear):
            guard clear.topic == .clearCryptoSession || clear.topic == .clearIkev2Sa else {
                return .error(.with { $0.code = .rejected; $0.reason = "ikehub-ike does not own clear topic \(clear.topic)" })
            }
            let selector = Self.selector(clear.filter)
            let cleared = await engine.clearSessions(where: selector)
            return .clearReply_p(.with { $0.cleared = UInt32(cleared) })
        case .healthRequest:
            return .healthReply(.with { $0.process = "ikehub-ike" })
        default:
            return .error(.with { $0.code = .rejected; $0.reason = "ikehub-ike control answers show/clear only" })
        }
    }

    /// UTC, to the second: `2026-12-01T12:00:00Z`.
    static func timestamp(_ time: WallTime) -> String {
        var seconds = time_t(time.nanosecondsSinceEpoch / 1_000_000_000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
                      parts.tm_hour, parts.tm_min, parts.tm_sec)
    }

    /// `remote ADDRESS`, `username NAME`, or everything.
    static func selector(_ filter: String) -> (IKESASnapshot) -> Bool {
        let words = filter.split(separator: " ").map(String.init)
        if words.count == 2, words[0] == "remote" { return { $0.remote.address.description == words[1] } }
        if words.count == 2, words[0] == "username" {
            return { $0.username == words[1] || $0.identity?.text == words[1] }
        }
        return { _ in true }
    }

    private func rows(filter: String, withCounters: Bool) async -> IPCv1ShowReply {
        let selector = Self.selector(filter)
        var reply = IPCv1ShowReply()
        reply.columns = Self.columns
        for sa in await engine.snapshot() where selector(sa) {
            let index = await engine.virtualAccessIndex(of: sa.session)
            var counters: [String] = ["", "", "", ""]
            if withCounters, let index, let values = await peers.counters(virtualAccess: index, session: sa.session) {
                counters = [values.inputOctets, values.inputPackets, values.outputOctets, values.outputPackets].map { String($0) }
            }
            let children = sa.children.map { child in
                let local = child.localSelectors.map(\.description).joined(separator: " ")
                let remote = child.remoteSelectors.map(\.description).joined(separator: " ")
                return "\(String(child.inboundSPI, radix: 16))/\(String(child.outboundSPI, radix: 16)) \(child.transforms) \(local) === \(remote)"
            }.joined(separator: "; ")
            let cells: [String] = [
                sa.session.description, index.map { "Virtual-Access\($0)" } ?? "", sa.profile, sa.state,
                "\(sa.local.address)/\(sa.local.port)", "\(sa.remote.address)/\(sa.remote.port)", sa.natDetected ? "yes" : "no",
                sa.identity?.description ?? "", sa.username ?? "", sa.assignedIPv4.map { "\($0)" } ?? "",
                sa.encryption, sa.prf, sa.integrity ?? "", sa.group, String(sa.lifetimeSeconds), String(sa.ageSeconds),
                sa.deadPeerDetectionSeconds.map(String.init) ?? "", children,
            ] + counters + [sa.identifier.initiatorSPI.description, sa.identifier.responderSPI.description]
            reply.rows.append(.with { $0.cells = cells })
        }
        return reply
    }
}
