import FlexConfig
@testable import LocalKeyringPlugin
import HubVocabulary
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

/// Keys taken from a FlexVPN configuration's `crypto ikev2 keyring`.
@Suite struct PreSharedKeyringConfigurationTests {
    static let configuration = """
        crypto ikev2 keyring kr
         peer branch
          identity fqdn branch.example
          pre-shared-key local our-key-0123456789
          pre-shared-key remote their-key-0123456789
         peer anyone
          address 0.0.0.0 0.0.0.0
          pre-shared-key common-key-0123456789
         peer by-address
          address 192.0.2.7 255.255.255.255
          pre-shared-key address-key-0123456789
        """

    @Test func testIdentityAnyPeerAndAsymmetricKeys_comeFromTheKeyring() {
        let loaded = FlexConfig.load(text: Self.configuration, file: "t.cfg")
        #expect(!loaded.hasErrors, "\(loaded.errors)")
        let (keyring, unmatchable) = PreSharedKeyring.fromConfiguration(loaded.configuration)
        let branch = Array("branch.example".utf8)
        #expect(keyring.key(idType: 2, value: branch) == SecretBytes(Array("their-key-0123456789".utf8)))
        #expect(keyring.localKey(idType: 2, value: branch) == SecretBytes(Array("our-key-0123456789".utf8)))
        // Any other identity gets the `address 0.0.0.0 0.0.0.0` peer's key, both ways.
        let other = Array("someone@example".utf8)
        #expect(keyring.key(idType: 3, value: other) == SecretBytes(Array("common-key-0123456789".utf8)))
        #expect(keyring.localKey(idType: 3, value: other) == SecretBytes(Array("common-key-0123456789".utf8)))
        // A peer matched by its address: from 192.0.2.7 the address key, elsewhere the any-peer one.
        #expect(keyring.key(idType: 3, value: other, peerAddress: IPAddress("192.0.2.7")) == SecretBytes(Array("address-key-0123456789".utf8)))
        #expect(keyring.key(idType: 3, value: other, peerAddress: IPAddress("192.0.2.8")) == SecretBytes(Array("common-key-0123456789".utf8)))
        #expect(unmatchable.isEmpty)
    }

    /// `hostname` peers: resolved once at load, matched by address and by FQDN identity.
    @Test func testHostnamePeer_matchesItsResolvedAddressesAndItsName() {
        let loaded = FlexConfig.load(text: """
            crypto ikev2 keyring kr
             peer branch
              hostname branch.example
              pre-shared-key branch-key-0123456789
             peer gone
              hostname gone.example
              pre-shared-key gone-key-0123456789
            """, file: "t.cfg")
        #expect(!loaded.hasErrors, "\(loaded.errors)")
        let (keyring, unmatchable) = PreSharedKeyring.fromConfiguration(loaded.configuration) { name in
            name == "branch.example" ? [IPAddress("192.0.2.44")!, IPAddress("2001:db8::44")!] : []
        }
        let key = SecretBytes(Array("branch-key-0123456789".utf8))
        let someone = Array("someone@example".utf8)
        #expect(keyring.key(idType: 3, value: someone, peerAddress: IPAddress("192.0.2.44")) == key)
        #expect(keyring.key(idType: 3, value: someone, peerAddress: IPAddress("2001:db8::44")) == key)
        #expect(keyring.key(idType: 3, value: someone, peerAddress: IPAddress("192.0.2.45")) == nil)
        #expect(keyring.key(idType: 2, value: Array("branch.example".utf8)) == key)
        #expect(unmatchable == ["keyring kr peer gone (hostname gone.example does not resolve)"])
    }

    @Test func testResolver_readsTheSystemsHostsTable() {
        #expect(HostnameResolver.addresses(of: "localhost").contains(IPAddress("127.0.0.1")!))
        #expect(HostnameResolver.addresses(of: "no-such-host.invalid").isEmpty)
    }
}
