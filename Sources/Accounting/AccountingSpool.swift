import HubStorage
import HubVocabulary

/// Accounting records on disk until a server acknowledged them (DESIGN §4: "records are
/// spooled durably before they are sent; nothing is lost, nothing duplicated").
///
/// A session has at most one Start and one Stop: appending a second one is reported as a
/// duplicate and not stored, so a frontend retrying after a restart cannot double-bill.
public final class AccountingSpool: @unchecked Sendable {
    /// A stored record and its delivery state.
    public struct Entry: Hashable, Sendable {
        public let id: Int64
        public let record: AccountingRecord
        public let attempts: Int
    }

    /// What `append` did.
    public enum AppendResult: Equatable, Sendable {
        case appended(id: Int64)
        /// The session already has a record of this kind (Start or Stop).
        case duplicate
    }

    private let database: SQLiteDatabase

    public init(path: String) throws(StorageError) {
        database = try SQLiteDatabase(path: path)
        try database.execute("""
            CREATE TABLE IF NOT EXISTS records (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                kind INTEGER NOT NULL,
                session BLOB,
                user_name TEXT,
                peer BLOB,
                framed BLOB NOT NULL,
                classes BLOB NOT NULL,
                input_octets INTEGER NOT NULL,
                output_octets INTEGER NOT NULL,
                input_packets INTEGER NOT NULL,
                output_packets INTEGER NOT NULL,
                session_time INTEGER,
                terminate_cause INTEGER,
                event_ns INTEGER NOT NULL,
                sent INTEGER NOT NULL DEFAULT 0,
                attempts INTEGER NOT NULL DEFAULT 0
            );
            CREATE UNIQUE INDEX IF NOT EXISTS one_start_one_stop ON records (session, kind)
                WHERE kind IN (1, 2) AND session IS NOT NULL;
            CREATE INDEX IF NOT EXISTS unsent ON records (sent, id);
            """)
    }

    /// Stores `record` durably; returns once it is on disk.
    public func append(_ record: AccountingRecord) throws(StorageError) -> AppendResult {
        let parameters: [SQLiteValue] = [
            .integer(record.kind.rawValue),
            record.session.map { .blob($0.bytes) } ?? .null,
            record.userName.map { .text($0) } ?? .null,
            record.peerAddress.map { .blob($0.bytes) } ?? .null,
            .blob(Self.pack(record.framedAddresses.map(\.bytes))),
            .blob(Self.pack(record.classes)),
            .integer(Int64(bitPattern: record.counters.inputOctets)),
            .integer(Int64(bitPattern: record.counters.outputOctets)),
            .integer(Int64(bitPattern: record.counters.inputPackets)),
            .integer(Int64(bitPattern: record.counters.outputPackets)),
            record.sessionTime.map { .integer(Int64($0)) } ?? .null,
            record.terminateCause.map { .integer(Int64($0.rawValue)) } ?? .null,
            .integer(record.eventTime.nanosecondsSinceEpoch),
        ]
        let rows = try database.query("""
            INSERT OR IGNORE INTO records (kind, session, user_name, peer, framed, classes, input_octets,
                output_octets, input_packets, output_packets, session_time, terminate_cause, event_ns)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
            """, parameters)
        guard let id = rows.first?.first?.integer else { return .duplicate }
        return .appended(id: id)
    }

    /// Unsent records, oldest first.
    public func pending(limit: Int = 100) throws(StorageError) -> [Entry] {
        let rows = try database.query("""
            SELECT id, kind, session, user_name, peer, framed, classes, input_octets, output_octets,
                   input_packets, output_packets, session_time, terminate_cause, event_ns, attempts
            FROM records WHERE sent = 0 ORDER BY id LIMIT ?
            """, [.integer(Int64(limit))])
        return rows.compactMap(Self.entry)
    }

    /// Number of records not yet acknowledged.
    public func pendingCount() throws(StorageError) -> Int {
        Int(try database.query("SELECT count(*) FROM records WHERE sent = 0").first?.first?.integer ?? 0)
    }

    /// The server acknowledged `id`.
    public func markSent(_ id: Int64) throws(StorageError) {
        try database.query("UPDATE records SET sent = 1 WHERE id = ?", [.integer(id)])
    }

    /// A send of `id` failed (counted for the operator's `show` output).
    public func markAttempted(_ id: Int64) throws(StorageError) {
        try database.query("UPDATE records SET attempts = attempts + 1 WHERE id = ?", [.integer(id)])
    }

    /// Forgets acknowledged records of sessions whose Stop is older than `cutoff`. The Stop
    /// row itself goes too: by then no frontend retry can arrive.
    public func pruneAcknowledged(before cutoff: WallTime) throws(StorageError) {
        try database.query("""
            DELETE FROM records WHERE sent = 1 AND session IN (
                SELECT session FROM records WHERE kind = 2 AND sent = 1 AND event_ns < ?)
            """, [.integer(cutoff.nanosecondsSinceEpoch)])
    }

    // MARK: - Encoding

    /// Byte strings with 2-octet length prefixes.
    static func pack(_ values: [[UInt8]]) -> [UInt8] {
        var packed: [UInt8] = []
        for value in values {
            let count = min(value.count, Int(UInt16.max))
            packed += [UInt8(count >> 8), UInt8(count & 0xff)] + value.prefix(count)
        }
        return packed
    }

    static func unpack(_ packed: [UInt8]) -> [[UInt8]]? {
        var values: [[UInt8]] = []
        var index = 0
        while index < packed.count {
            guard index + 2 <= packed.count else { return nil }
            let count = Int(packed[index]) << 8 | Int(packed[index + 1])
            index += 2
            guard index + count <= packed.count else { return nil }
            values.append(Array(packed[index..<(index + count)]))
            index += count
        }
        return values
    }

    private static func entry(_ row: [SQLiteValue]) -> Entry? {
        guard row.count == 15, let id = row[0].integer, let kindValue = row[1].integer,
              let kind = AccountingRecord.Kind(rawValue: kindValue),
              let framed = row[5].blob.flatMap(unpack), let classes = row[6].blob.flatMap(unpack),
              let eventNS = row[13].integer, let attempts = row[14].integer else { return nil }
        let session = row[2].blob.flatMap { SessionID(bytes: $0) }
        let counters = AccountingRecord.Counters(
            inputOctets: UInt64(bitPattern: row[7].integer ?? 0), outputOctets: UInt64(bitPattern: row[8].integer ?? 0),
            inputPackets: UInt64(bitPattern: row[9].integer ?? 0), outputPackets: UInt64(bitPattern: row[10].integer ?? 0))
        let record = AccountingRecord(
            kind: kind, session: session, userName: row[3].text,
            peerAddress: row[4].blob.flatMap { IPAddress(bytes: $0) },
            framedAddresses: framed.compactMap { IPAddress(bytes: $0) }, classes: classes, counters: counters,
            sessionTime: row[11].integer.map { UInt32(clamping: $0) },
            terminateCause: row[12].integer.flatMap { AccountingRecord.TerminateCause(rawValue: UInt32(clamping: $0)) },
            eventTime: WallTime(nanosecondsSinceEpoch: eventNS))
        return Entry(id: id, record: record, attempts: Int(attempts))
    }
}
