import Foundation
import HubStorage
import HubVocabulary
import IKEExchanges

/// The frontend's checkpoints on disk (DESIGN §4): one row per established session, the
/// latest ``IKESACheckpoint`` of it, written when the engine emits one and removed when
/// the session ends. A restarted `ikehub-ike` resumes every session from here.
///
/// The rows hold SK_* keys: the file is created mode 0600 in the process's state
/// directory. WAL with `synchronous = NORMAL`: a commit is in the OS before the next
/// datagram is handled, so a `kill -9` loses nothing; only a power cut can lose the last
/// changes (the peer then sees a stale Message ID and the session ends by DPD).
final class CheckpointStore: @unchecked Sendable {
    private let database: SQLiteDatabase
    let path: String

    init(path: String) throws(StorageError) {
        let existed = FileManager.default.fileExists(atPath: path)
        if !existed {
            // Create it private before SQLite writes a key into it.
            let fd = open(path, O_CREAT | O_WRONLY | O_EXCL, 0o600)
            if fd >= 0 { close(fd) }
        }
        database = try SQLiteDatabase(path: path)
        chmod(path, 0o600)
        try database.execute("PRAGMA synchronous = NORMAL")
        try database.execute("""
            CREATE TABLE IF NOT EXISTS checkpoints (
                session BLOB PRIMARY KEY,
                record BLOB NOT NULL
            );
            """)
        self.path = path
    }

    func save(_ checkpoint: IKESACheckpoint) throws(StorageError) {
        try database.query("INSERT OR REPLACE INTO checkpoints (session, record) VALUES (?, ?)",
                           [.blob(checkpoint.session.bytes), .blob(CheckpointCodec.encode(checkpoint))])
    }

    func remove(_ session: SessionID) throws(StorageError) {
        try database.query("DELETE FROM checkpoints WHERE session = ?", [.blob(session.bytes)])
    }

    /// Every stored checkpoint; records that do not decode are deleted and reported with
    /// the reason, so one bad row never stops the others from resuming.
    func loadAll() throws(StorageError) -> (checkpoints: [IKESACheckpoint], refused: [String]) {
        var checkpoints: [IKESACheckpoint] = []
        var refused: [String] = []
        for row in try database.query("SELECT session, record FROM checkpoints") {
            guard row.count == 2, let session = row[0].blob, let record = row[1].blob else { continue }
            do {
                checkpoints.append(try CheckpointCodec.decode(record))
            } catch {
                refused.append("\(SessionID(bytes: session).map(\.description) ?? "?"): \(error)")
                try database.query("DELETE FROM checkpoints WHERE session = ?", [.blob(session)])
            }
        }
        return (checkpoints, refused)
    }
}
