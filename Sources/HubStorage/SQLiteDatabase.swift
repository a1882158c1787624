internal import CSQLite
#if canImport(Glibc)
import Glibc
#endif

/// Why a storage operation failed: the SQLite result code, its message and the statement.
public struct StorageError: Error, Equatable, Sendable, CustomStringConvertible {
    public let code: Int32
    public let message: String
    public let statement: String?

    public var description: String {
        if let statement { return "SQLite error \(code) (\(message)) in: \(statement)" }
        return "SQLite error \(code) (\(message))"
    }
}

/// A value bound to or read from a statement.
public enum SQLiteValue: Hashable, Sendable {
    case null
    case integer(Int64)
    case text(String)
    case blob([UInt8])

    public var integer: Int64? { if case .integer(let value) = self { value } else { nil } }
    public var text: String? { if case .text(let value) = self { value } else { nil } }
    public var blob: [UInt8]? { if case .blob(let value) = self { value } else { nil } }
}

/// One SQLite database file, opened in WAL mode with `synchronous = FULL`: a write that
/// returned is on disk, which is what "leases are written before the answer" needs.
///
/// Ownership: the connection is closed in `deinit`. One thread at a time (the owning
/// service serialises access); SQLite is built threadsafe here, but statements are not
/// shared.
public final class SQLiteDatabase: @unchecked Sendable {
    private let connection: OpaquePointer
    public let path: String

    /// Opens (creating) the database at `path`. `privateFile`: the file holds secrets, so it
    /// is created mode 0600 before anything is written to it (and kept so).
    public init(path: String, privateFile: Bool = false) throws(StorageError) {
        if privateFile {
            let fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw StorageError(code: SQLITE_CANTOPEN, message: "cannot create \(path) (errno \(errno))", statement: nil) }
            fchmod(fd, 0o600)
            close(fd)
        }
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX
        let result = sqlite3_open_v2(path, &handle, flags, nil)
        guard result == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            if let handle { sqlite3_close_v2(handle) }
            throw StorageError(code: result, message: "\(message): \(path)", statement: nil)
        }
        connection = handle
        self.path = path
        sqlite3_busy_timeout(connection, 5000)
        try execute("PRAGMA journal_mode = WAL")
        try execute("PRAGMA synchronous = FULL")
        try execute("PRAGMA foreign_keys = ON")
    }

    deinit {
        sqlite3_close_v2(connection)
    }

    /// Runs statements that return no rows we need (schema, pragmas).
    public func execute(_ sql: String) throws(StorageError) {
        var error: UnsafeMutablePointer<CChar>?
        let result = sqlite3_exec(connection, sql, nil, nil, &error)
        if result != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(connection))
            sqlite3_free(error)
            throw StorageError(code: result, message: message, statement: sql)
        }
    }

    /// Runs one statement with `parameters` and returns every row.
    @discardableResult
    public func query(_ sql: String, _ parameters: [SQLiteValue] = []) throws(StorageError) -> [[SQLiteValue]] {
        let statement = try SQLiteStatement(connection: connection, sql: sql)
        try statement.bind(parameters)
        return try statement.rows()
    }

    /// Runs `body` inside one transaction; rolls back when it throws.
    public func transaction<Result>(_ body: () throws(StorageError) -> Result) throws(StorageError) -> Result {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// Rows changed by the last INSERT/UPDATE/DELETE.
    public var changes: Int { Int(sqlite3_changes(connection)) }
}

/// A prepared statement, finalized in `deinit`.
final class SQLiteStatement {
    private let statement: OpaquePointer
    private let connection: OpaquePointer
    private let sql: String

    init(connection: OpaquePointer, sql: String) throws(StorageError) {
        var prepared: OpaquePointer?
        let result = sqlite3_prepare_v2(connection, sql, -1, &prepared, nil)
        guard result == SQLITE_OK, let prepared else {
            throw StorageError(code: result, message: String(cString: sqlite3_errmsg(connection)), statement: sql)
        }
        statement = prepared
        self.connection = connection
        self.sql = sql
    }

    deinit {
        sqlite3_finalize(statement)
    }

    func bind(_ parameters: [SQLiteValue]) throws(StorageError) {
        for (offset, value) in parameters.enumerated() {
            let index = Int32(offset + 1)
            let result: Int32
            switch value {
            case .null: result = sqlite3_bind_null(statement, index)
            case .integer(let number): result = sqlite3_bind_int64(statement, index, number)
            case .text(let text): result = sqlite3_bind_text(statement, index, text, -1, shim_SQLITE_TRANSIENT())
            case .blob(let bytes):
                result = bytes.withUnsafeBytes {
                    sqlite3_bind_blob(statement, index, $0.baseAddress, Int32($0.count), shim_SQLITE_TRANSIENT())
                }
            }
            guard result == SQLITE_OK else { throw failure(result) }
        }
    }

    func rows() throws(StorageError) -> [[SQLiteValue]] {
        var rows: [[SQLiteValue]] = []
        while true {
            let result = sqlite3_step(statement)
            if result == SQLITE_DONE { return rows }
            guard result == SQLITE_ROW else { throw failure(result) }
            let columns = sqlite3_column_count(statement)
            rows.append((0..<columns).map(column))
        }
    }

    private func column(_ index: Int32) -> SQLiteValue {
        switch sqlite3_column_type(statement, index) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(statement, index))
        case SQLITE_TEXT: return .text(String(cString: sqlite3_column_text(statement, index)))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(statement, index))
            guard count > 0, let base = sqlite3_column_blob(statement, index) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: base, count: count)))
        case SQLITE_NULL: return .null
        default: return .text(String(cString: sqlite3_column_text(statement, index)))
        }
    }

    private func failure(_ code: Int32) -> StorageError {
        StorageError(code: code, message: String(cString: sqlite3_errmsg(connection)), statement: sql)
    }
}
