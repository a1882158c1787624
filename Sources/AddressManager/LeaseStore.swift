import HubStorage
import HubVocabulary

/// Leases on disk, one row per (pool, address) ever leased. `record` returns only after
/// SQLite has the row on disk (WAL, synchronous FULL), so an address that was answered
/// to a client survives a `kill -9` of the address manager.
public final class LeaseStore: @unchecked Sendable {
    private let database: SQLiteDatabase

    public init(path: String) throws(StorageError) {
        database = try SQLiteDatabase(path: path)
        try database.execute("""
            CREATE TABLE IF NOT EXISTS leases (
                pool TEXT NOT NULL,
                address BLOB NOT NULL,
                prefix_length INTEGER NOT NULL,
                identity TEXT NOT NULL,
                session BLOB NOT NULL,
                state INTEGER NOT NULL,
                updated_ns INTEGER NOT NULL,
                PRIMARY KEY (pool, address)
            );
            CREATE INDEX IF NOT EXISTS leases_by_session ON leases (session);
            """)
    }

    /// Writes (inserts or replaces) `lease`.
    public func record(_ lease: Lease) throws(StorageError) {
        try database.query("""
            INSERT OR REPLACE INTO leases (pool, address, prefix_length, identity, session, state, updated_ns)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, [.text(lease.pool), .blob(lease.address.bytes), .integer(Int64(lease.prefixLength)),
                  .text(lease.identity), .blob(lease.session.bytes), .integer(lease.state.rawValue),
                  .integer(lease.updated.nanosecondsSinceEpoch)])
    }

    /// Writes several leases in one transaction (release of a session's leases).
    public func record(_ leases: [Lease]) throws(StorageError) {
        guard !leases.isEmpty else { return }
        try database.transaction { () throws(StorageError) in
            for lease in leases { try record(lease) }
        }
    }

    /// Every lease, oldest change first. Rows that do not decode are reported, not dropped
    /// silently.
    public func loadAll() throws(StorageError) -> (leases: [Lease], undecodable: Int) {
        let rows = try database.query(
            "SELECT pool, address, prefix_length, identity, session, state, updated_ns FROM leases ORDER BY updated_ns")
        var leases: [Lease] = []
        var undecodable = 0
        for row in rows {
            guard row.count == 7, let pool = row[0].text, let addressBytes = row[1].blob,
                  let address = IPAddress(bytes: addressBytes), let prefix = row[2].integer,
                  let identity = row[3].text, let sessionBytes = row[4].blob,
                  let session = SessionID(bytes: sessionBytes), let stateValue = row[5].integer,
                  let state = Lease.State(rawValue: stateValue), let updated = row[6].integer,
                  (0...128).contains(prefix) else {
                undecodable += 1
                continue
            }
            leases.append(Lease(pool: pool, address: address, prefixLength: UInt8(prefix), identity: identity,
                                session: session, state: state, updated: WallTime(nanosecondsSinceEpoch: updated)))
        }
        return (leases, undecodable)
    }
}
