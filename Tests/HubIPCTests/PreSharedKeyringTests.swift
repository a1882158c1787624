import AuthWorker
import Foundation
import Testing

@Suite struct PreSharedKeyringTests {
    func write(_ text: String, mode: Int = 0o600) -> String {
        let path = "/tmp/ikehub-keyring-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: mode])
        return path
    }

    @Test func testPeersAreRead_whenLinesHaveIdentityAndKey() throws {
        let path = write("# comment\n\nalice@example.com  correct horse battery staple \r\n10.0.0.7 s3cret\n")
        defer { unlink(path) }
        let keyring = try PreSharedKeyring(contentsOf: path)
        #expect(keyring.count == 2)
    }

    @Test func testErrorNamesFileLineAndColumn_whenKeyIsMissing() throws {
        let path = write("alice@example.com key\nbob@example.com\n")
        defer { unlink(path) }
        #expect {
            try PreSharedKeyring(contentsOf: path)
        } throws: { error in
            "\(error)" == "\(path):2:1: expected `<identity> <pre-shared key>`"
        }
    }

    @Test func testKeyringIsRefused_whenGroupOrOthersCanReadIt() throws {
        let path = write("alice@example.com key\n", mode: 0o640)
        defer { unlink(path) }
        #expect {
            try PreSharedKeyring(contentsOf: path)
        } throws: { error in
            "\(error)".contains("readable by group or others (mode 640)")
        }
    }
}
