import Testing
import Foundation
import HubTestSupport
@testable import HubStorage

@Suite struct SQLiteDatabaseTests {
    @Test func testRowsSurviveReopening_whenWritten() throws {
        let directory = try makeTemporaryDirectory("ikehub-sqlite")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("state.db").path
        do {
            let database = try SQLiteDatabase(path: path)
            try database.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, data BLOB)")
            try database.query("INSERT INTO t (name, data) VALUES (?, ?)", [.text("alice"), .blob([0, 1, 255])])
            #expect(database.changes == 1)
        }
        let reopened = try SQLiteDatabase(path: path)
        let rows = try reopened.query("SELECT id, name, data FROM t")
        #expect(rows == [[.integer(1), .text("alice"), .blob([0, 1, 255])]])
    }

    @Test func testTransactionRollsBack_whenBodyThrows() throws {
        let directory = try makeTemporaryDirectory("ikehub-sqlite")
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try SQLiteDatabase(path: directory.appendingPathComponent("state.db").path)
        try database.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)")
        #expect(throws: StorageError.self) {
            try database.transaction { () throws(StorageError) in
                try database.query("INSERT INTO t (id) VALUES (1)")
                try database.query("INSERT INTO t (id) VALUES (1)")  // primary key clash
            }
        }
        #expect(try database.query("SELECT count(*) FROM t") == [[.integer(0)]])
    }

    @Test func testErrorNamesTheStatement_whenSQLIsWrong() throws {
        let directory = try makeTemporaryDirectory("ikehub-sqlite")
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try SQLiteDatabase(path: directory.appendingPathComponent("state.db").path)
        do {
            try database.query("SELEKT 1")
            Issue.record("expected an error")
        } catch {
            #expect(error.statement == "SELEKT 1")
            #expect(error.description.contains("syntax error"))
        }
    }
}
