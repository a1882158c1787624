import Foundation
import HubIPC
import HubStorage

/// What `ikehub-tunneld` needs to come back after a `kill -9` with every tunnel up (DESIGN
/// §4): each virtual-access's create request, each ChildSA's install message (keys
/// included) and, checkpointed every half second, how far each SA's sequence numbers got.
/// The TUN interfaces themselves are persistent, so their addresses and routes survive.
///
/// The rows hold ESP keys: the file is created mode 0600. WAL with `synchronous = NORMAL`:
/// a commit is in the OS before the reply goes back, which is what a process crash needs.
final class TunnelStateStore: @unchecked Sendable {
    private let database: SQLiteDatabase
    let path: String

    struct VirtualAccessRow {
        var number: UInt32
        var session: Data
        var request: IPCv1CreateVirtualAccessRequest
    }

    struct ChildSARow {
        var number: UInt32
        var message: IPCv1ChildSA
        var installedAtNanoseconds: Int64
        /// Outbound: the last sequence number sent; inbound: the replay window's top.
        var sequence: UInt64
    }

    init(path: String) throws(StorageError) {
        if !FileManager.default.fileExists(atPath: path) {
            let fd = open(path, O_CREAT | O_WRONLY | O_EXCL, 0o600)
            if fd >= 0 { close(fd) }
        }
        database = try SQLiteDatabase(path: path)
        chmod(path, 0o600)
        try database.execute("PRAGMA synchronous = NORMAL")
        try database.execute("""
            CREATE TABLE IF NOT EXISTS virtual_access (
                number INTEGER PRIMARY KEY,
                session BLOB NOT NULL,
                request BLOB NOT NULL
            );
            CREATE TABLE IF NOT EXISTS child_sa (
                spi INTEGER NOT NULL,
                inbound INTEGER NOT NULL,
                number INTEGER NOT NULL,
                message BLOB NOT NULL,
                installed_ns INTEGER NOT NULL,
                sequence INTEGER NOT NULL,
                PRIMARY KEY (spi, inbound)
            );
            """)
        self.path = path
    }

    func saveVirtualAccess(_ number: UInt32, session: Data, request: IPCv1CreateVirtualAccessRequest) throws(StorageError) {
        let bytes = (try? request.serializedBytes()) ?? [UInt8]()
        try database.query("INSERT OR REPLACE INTO virtual_access (number, session, request) VALUES (?, ?, ?)",
                           [.integer(Int64(number)), .blob([UInt8](session)), .blob(bytes)])
    }

    func removeVirtualAccess(_ number: UInt32) throws(StorageError) {
        try database.transaction { () throws(StorageError) in
            try database.query("DELETE FROM child_sa WHERE number = ?", [.integer(Int64(number))])
            try database.query("DELETE FROM virtual_access WHERE number = ?", [.integer(Int64(number))])
        }
    }

    func saveChildSA(_ message: IPCv1ChildSA, number: UInt32, installedAtNanoseconds: Int64) throws(StorageError) {
        let bytes = (try? message.serializedBytes()) ?? [UInt8]()
        try database.query("""
            INSERT OR REPLACE INTO child_sa (spi, inbound, number, message, installed_ns, sequence) VALUES (?, ?, ?, ?, ?, 0)
            """, [.integer(Int64(message.spi)), .integer(message.direction == .inbound ? 1 : 0), .integer(Int64(number)),
                  .blob(bytes), .integer(installedAtNanoseconds)])
    }

    func removeChildSA(spi: UInt32, inbound: Bool) throws(StorageError) {
        try database.query("DELETE FROM child_sa WHERE spi = ? AND inbound = ?", [.integer(Int64(spi)), .integer(inbound ? 1 : 0)])
    }

    /// Records how far the SAs got, in one transaction.
    func saveSequences(_ sequences: [(spi: UInt32, inbound: Bool, sequence: UInt64)]) throws(StorageError) {
        guard !sequences.isEmpty else { return }
        try database.transaction { () throws(StorageError) in
            for entry in sequences {
                try database.query("UPDATE child_sa SET sequence = ? WHERE spi = ? AND inbound = ?",
                                   [.integer(Int64(bitPattern: entry.sequence)), .integer(Int64(entry.spi)), .integer(entry.inbound ? 1 : 0)])
            }
        }
    }

    /// Everything stored; rows that do not decode are reported and deleted.
    func loadAll() throws(StorageError) -> (virtualAccess: [VirtualAccessRow], childSAs: [ChildSARow], refused: [String]) {
        var refused: [String] = []
        var accesses: [VirtualAccessRow] = []
        for row in try database.query("SELECT number, session, request FROM virtual_access ORDER BY number") {
            guard row.count == 3, let number = row[0].integer, let session = row[1].blob, let bytes = row[2].blob,
                  let request = try? IPCv1CreateVirtualAccessRequest(serializedBytes: bytes) else {
                refused.append("virtual-access row \(row.first?.integer.map(String.init) ?? "?")")
                if let number = row.first?.integer { try removeVirtualAccess(UInt32(truncatingIfNeeded: number)) }
                continue
            }
            accesses.append(VirtualAccessRow(number: UInt32(truncatingIfNeeded: number), session: Data(session), request: request))
        }
        var sas: [ChildSARow] = []
        for row in try database.query("SELECT number, message, installed_ns, sequence, spi, inbound FROM child_sa ORDER BY number") {
            guard row.count == 6, let number = row[0].integer, let bytes = row[1].blob, let installed = row[2].integer,
                  let sequence = row[3].integer, let message = try? IPCv1ChildSA(serializedBytes: bytes) else {
                refused.append("child SA row spi \(row.count > 4 ? row[4].integer.map { String($0, radix: 16) } ?? "?" : "?")")
                if row.count == 6, let spi = row[4].integer, let inbound = row[5].integer {
                    try removeChildSA(spi: UInt32(truncatingIfNeeded: spi), inbound: inbound == 1)
                }
                continue
            }
            sas.append(ChildSARow(number: UInt32(truncatingIfNeeded: number), message: message,
                                  installedAtNanoseconds: installed, sequence: UInt64(bitPattern: sequence)))
        }
        return (accesses, sas, refused)
    }

    /// Forgets everything (graceful stop: the interfaces are deleted too).
    func clear() throws(StorageError) {
        try database.execute("DELETE FROM child_sa; DELETE FROM virtual_access;")
    }
}
