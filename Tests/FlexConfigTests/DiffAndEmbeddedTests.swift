import Foundation
import HubVocabulary
import Testing
@testable import FlexConfig

/// `config diff`, the built-in configuration and its key file, and secret hygiene.
struct DiffAndEmbeddedTests {
    @Test func testDiffSaysWhatChangedAndWhen_whenProfilesServersAndLinuxSettingsChange() {
        let old = load("""
        radius server r
         address ipv4 192.0.2.1
         key first-key
        crypto ikev2 profile p
         match identity remote any
         authentication local pre-share key k
         authentication remote pre-share key k
         lifetime 3600
        ikehub
         dataplane userspace
        """).configuration
        let new = load("""
        radius server r
         address ipv4 192.0.2.1
         key second-key
        crypto ikev2 profile p
         match identity remote any
         authentication local pre-share key k
         authentication remote pre-share key k
         lifetime 7200
        ip local pool added 10.0.0.1 10.0.0.9
        """).configuration
        let changes = ConfigurationDiff.changes(from: old, to: new).map(\.description)
        #expect(changes == [
            "removed: ikehub (needs a restart of ikehub)\n    - ikehub\n    - dataplane userspace",
            "modified: crypto ikev2 profile p (applies to new sessions only; established sessions keep their settings)\n    - lifetime 3600\n    + lifetime 7200",
            "added: ip local pool added (applies to new sessions only; established sessions keep their settings)\n    + ip local pool added 10.0.0.1 10.0.0.9",
            "modified: radius server r (applies immediately)\n      (a key or password changed)",
        ])
        #expect(!changes.joined().contains("first-key") && !changes.joined().contains("second-key"))
    }

    @Test func testDiffIsEmpty_whenOnlySpellingDiffers() {
        let a = load("crypto ikev2 prof p\n match ident rem any").configuration
        let b = load("crypto ikev2 profile p\n match identity remote any").configuration
        #expect(ConfigurationDiff.changes(from: a, to: b).isEmpty)
    }

    @Test func testEmbeddedConfigurationLoadsWithoutDiagnostics_whenGivenAKey() {
        let key = SecretBytes(Array("0123456789abcdef0123456789abcdef".utf8))
        let result = EmbeddedConfiguration.load(preSharedKey: key, stateDirectory: "/var/lib/ikehub")
        #expect(result.diagnostics.isEmpty)
        let c = result.configuration
        #expect(c.ikev2.keyrings[named: "embedded"]?.peers.first?.key == key)
        #expect(c.ipv4Pools[named: "embedded-pool"]?.ranges.first?.count == 241)
        #expect(c.virtualTemplate(1)?.tunnelProtection == "embedded")
        #expect(c.linux.dataPlane == .userspace)
        let client = EmbeddedConfiguration.strongSwanClientConfiguration(serverAddress: "192.0.2.1", preSharedKey: key)
        #expect(client.contains("remote_addrs = 192.0.2.1"))
        #expect(client.contains("secret = \"0123456789abcdef0123456789abcdef\""))
        #expect(client.contains("id = ikehub\n"))
    }

    @Test func testKeyFileIsCreatedOnceWithOwnerOnlyAccess_whenTheStateDirectoryIsNew() throws {
        let directory = NSTemporaryDirectory() + "ikehub-psk-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try PreSharedKeyFile.readOrCreate(inDirectory: directory).get()
        let second = try PreSharedKeyFile.readOrCreate(inDirectory: directory).get()
        #expect(first == second)
        #expect(first.count == 64)
        let attributes = try FileManager.default.attributesOfItem(atPath: PreSharedKeyFile.path(inDirectory: directory))
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let other = directory + "-other"
        defer { try? FileManager.default.removeItem(atPath: other) }
        #expect(try PreSharedKeyFile.readOrCreate(inDirectory: other).get() != first)
    }

    @Test func testKeyFileIsRefused_whenOthersCanReadIt() throws {
        let directory = NSTemporaryDirectory() + "ikehub-psk-open-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try PreSharedKeyFile.readOrCreate(inDirectory: directory).get()
        chmod(PreSharedKeyFile.path(inDirectory: directory), 0o644)
        guard case .failure(.groupOrOtherAccess) = PreSharedKeyFile.readOrCreate(inDirectory: directory) else {
            Issue.record("a world-readable key file was accepted")
            return
        }
    }

    @Test func testSecretsNeverAppearInDiagnosticsOrDescriptions_whenKeysAreMisplaced() {
        let result = load("""
        radius server r
         key topsecret1 extra
        crypto ikev2 keyring k
         peer p
          pre-shared-key locl topsecret2
        username u password topsecret3
        """)
        let text = result.diagnostics.map(\.description).joined(separator: "\n")
        #expect(!result.diagnostics.isEmpty)
        for secret in ["topsecret1", "extra", "topsecret2", "locl", "topsecret3"] { #expect(!text.contains(secret)) }
        let described = "\(result.configuration.users) \(result.configuration.radiusServers)"
        #expect(!described.contains("topsecret"))
    }
}
