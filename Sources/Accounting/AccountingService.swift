import Foundation
public import HubIPC
import HubStorage
import HubVocabulary
public import Logging

/// The accounting daemon's IPC service (`ikehub-acctd`, accounting.proto): every
/// Start, Interim-Update, Stop and Accounting-On/Off is written to the durable spool
/// before the reply says `spooled`; the delivery thread sends it later.
///
/// Field mapping (AccountingSession → RFC 2866 record): `accounting_session_id` is the
/// SessionID in hex (the envelope's `session_id` when empty); `user_name` → User-Name;
/// `framed_address` → Framed-IP-Address / Framed-IPv6-Address; `peer_address` →
/// Calling-Station-Id; attributes named `class` → Class (RFC 2865 §5.25), their value in
/// hex (text that is not hex is taken as its UTF-8 octets). Other attributes and
/// `method_list` are not sent: records go to the one configured accounting list.
public final class AccountingService: Sendable {
    private let spool: AccountingSpool
    private let delivery: AccountingDelivery
    private let clock: any WallClock
    private let logger: Logger
    /// For `HealthRequest`: this process's epoch and when it started.
    private let epoch: UInt64
    private let started = MonotonicTime.now()

    public init(spool: AccountingSpool, delivery: AccountingDelivery, clock: any WallClock, logger: Logger, epoch: UInt64) {
        self.epoch = epoch
        self.spool = spool
        self.delivery = delivery
        self.clock = clock
        self.logger = logger
    }

    /// Answers one request of accounting.proto.
    public func handle(_ request: IPCRequest) -> IPCv1Envelope.OneOf_Body {
        let envelope = request.envelope
        let record: AccountingRecord
        switch envelope.body {
        case .accountingStartRequest(let start):
            guard let base = base(.start, start.session, envelope) else { return Self.noSession }
            var started = base
            if start.startedAt > 0 { started.eventTime = WallTime(secondsSinceEpoch: start.startedAt) }
            record = started
        case .accountingInterimRequest(let interim):
            guard var base = base(.interimUpdate, interim.session, envelope) else { return Self.noSession }
            base.counters = .init(inputOctets: interim.inputOctets, outputOctets: interim.outputOctets,
                                  inputPackets: interim.inputPackets, outputPackets: interim.outputPackets)
            base.sessionTime = interim.sessionSeconds
            record = base
        case .accountingStopRequest(let stop):
            guard var base = base(.stop, stop.session, envelope) else { return Self.noSession }
            base.counters = .init(inputOctets: stop.inputOctets, outputOctets: stop.outputOctets,
                                  inputPackets: stop.inputPackets, outputPackets: stop.outputPackets)
            base.sessionTime = stop.sessionSeconds
            base.terminateCause = AccountingRecord.TerminateCause(rawValue: stop.terminateCause)
            record = base
        case .accountingOnOffRequest(let onOff):
            record = AccountingRecord(kind: onOff.on ? .accountingOn : .accountingOff, session: nil, eventTime: clock.now())
        case .healthRequest:
            return .healthReply(.with {
                $0.process = "ikehub-acctd"
                $0.epoch = epoch
                $0.uptimeMs = (MonotonicTime.now().nanoseconds &- started.nanoseconds) / 1_000_000
            })
        default:
            return .error(.with {
                $0.code = .noSuchService
                $0.reason = "ikehub-acctd does not serve \(envelope.bodyName)"
            })
        }
        return spooled(record)
    }

    /// Appends `record` (durably) and wakes the delivery thread. Used for the daemon's own
    /// Accounting-On/Off too.
    public func spooled(_ record: AccountingRecord) -> IPCv1Envelope.OneOf_Body {
        let session = record.session.map { "\($0)" } ?? "-"
        do {
            switch try spool.append(record) {
            case .appended(let id):
                logger.debug("accounting record spooled", metadata: [
                    "session.id": "\(session)", "acct.status": "\(record.kind)", "spool.id": "\(id)"])
                delivery.wake()
                return .accountingReply(.with { $0.spooled = true })
            case .duplicate:
                logger.info("duplicate accounting record ignored (one Start and one Stop per session)", metadata: [
                    "session.id": "\(session)", "acct.status": "\(record.kind)"])
                return .accountingReply(.with { $0.spooled = true; $0.reason = "duplicate" })
            }
        } catch {
            logger.error("accounting record not spooled: \(error)", metadata: ["session.id": "\(session)"])
            return .accountingReply(.with { $0.spooled = false; $0.reason = "spool: \(error)" })
        }
    }

    private func base(_ kind: AccountingRecord.Kind, _ session: IPCv1AccountingSession,
                      _ envelope: IPCv1Envelope) -> AccountingRecord? {
        let identifier = SessionID(hex: session.accountingSessionID.lowercased()) ?? SessionID(bytes: envelope.sessionID)
        guard let identifier else { return nil }
        var framed: [IPAddress] = []
        if let address = IPAddress(bytes: session.framedAddress.octets) { framed.append(address) }
        let classes = session.attributes.filter { $0.name.lowercased() == "class" }.map { attribute in
            Hex.decode(attribute.value) ?? Array(attribute.value.utf8)
        }
        return AccountingRecord(kind: kind, session: identifier, userName: session.userName.isEmpty ? nil : session.userName,
                                peerAddress: IPAddress(bytes: session.peerAddress.octets), framedAddresses: framed,
                                classes: classes, eventTime: clock.now())
    }

    private static let noSession: IPCv1Envelope.OneOf_Body = .error(.with {
        $0.code = .malformed
        $0.reason = "accounting needs accounting_session_id (32 hex digits) or the envelope's session_id"
    })
}
