import Foundation
import HubIPC
import HubVocabulary
import Testing
import ZeroMQ

/// `auth.psk` end to end: frontend-side request → broker → worker process with
/// a keyring → verdict and responder AUTH. The expected AUTH values come from
/// the OpenSSL command line (`openssl mac … HMAC`, twice, RFC 7296 §2.15), not
/// from our code.
@Suite(.serialized) struct PreSharedKeyProcessTests {
    static let secret = "correct horse battery staple"

    /// prf(prf(secret, "Key Pad for IKEv2"), octets) with HMAC-SHA-256, by openssl.
    static func opensslAUTH(_ octets: [UInt8], secret: String = PreSharedKeyProcessTests.secret, in directory: String) async throws -> [UInt8] {
        func hmac(key: [UInt8], data: [UInt8]) async throws -> [UInt8] {
            let input = "\(directory)/mac-input"
            FileManager.default.createFile(atPath: input, contents: Data(data))
            let output = try await offPool { () throws -> String in
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
                process.arguments = ["mac", "-digest", "SHA256", "-macopt", "hexkey:\(Hex.encode(key))", "-in", input, "HMAC"]
                let pipe = Pipe()
                process.standardOutput = pipe
                try process.run()
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                return String(decoding: data, as: UTF8.self)
            }
            return try #require(Hex.decode(output.trimmingCharacters(in: .whitespacesAndNewlines)))
        }
        return try await hmac(key: hmac(key: Array(secret.utf8), data: Array("Key Pad for IKEv2".utf8)), data: octets)
    }

    static func request(initiatorAuth: [UInt8], identity: String, initiator: [UInt8], responder: [UInt8]) -> IPCv1Envelope.OneOf_Body {
        .authenticateRequest(.with {
            $0.peerIdentity = .with { $0.idType = 3; $0.value = Data(identity.utf8) }
            $0.prfTransformID = 5  // PRF_HMAC_SHA2_256
            $0.preSharedKey = .with {
                $0.initiatorSignedOctets = Data(initiator)
                $0.initiatorAuth = Data(initiatorAuth)
                $0.responderSignedOctets = Data(responder)
            }
        })
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl"), "needs the openssl command line"))
    func testPSKAuthIsCheckedAndResponderAuthComputed_whenWorkerHasTheKeyring() async throws {
        let sandbox = ProcessHarness.makeSandbox("psk")
        let keyring = "\(sandbox)/keyring"
        FileManager.default.createFile(atPath: keyring, contents: Data("# peers\nalice@example.com \(Self.secret)\n".utf8),
                                       attributes: [.posixPermissions: 0o600])
        let arguments = ProcessHarness.daemonArguments(sandbox)
        let broker = try SpawnedProcess("ikehub-authd", arguments, logDirectory: sandbox)
        let worker = try SpawnedProcess("ikehub-auth-worker", arguments + ["--name", "psk", "--psk-keyring", keyring],
                                        logDirectory: sandbox, logName: "psk")
        let context = try ZMQContext()
        let client = try IPCClient(connectingTo: "ipc://\(sandbox)/run/authd.sock", context: context, logger: LogCapture().logger())
        try #require(await ProcessHarness.waitForWorkers(client) { $0 == ["psk"] } == ["psk"], "\(broker.log)\(worker.log)")

        // Signed octets as the frontend would assemble them (RealMessage | Nonce | MACedID).
        let initiator = [UInt8](repeating: 0x21, count: 300) + [UInt8](repeating: 0x4e, count: 32) + [UInt8](repeating: 0x7a, count: 32)
        let responder = [UInt8](repeating: 0x22, count: 280) + [UInt8](repeating: 0x4f, count: 32) + [UInt8](repeating: 0x7b, count: 32)
        let initiatorAuth = try await Self.opensslAUTH(initiator, in: sandbox)
        let responderAuth = try await Self.opensslAUTH(responder, in: sandbox)

        let accepted = try await client.request(
            Self.request(initiatorAuth: initiatorAuth, identity: "alice@example.com", initiator: initiator, responder: responder),
            service: "auth.psk", idempotent: false)
        guard case .authenticateReply(let verdict) = accepted.body else {
            Issue.record("no AuthenticateReply: \(accepted.bodyName)")
            return
        }
        #expect(verdict.verdict == .accept, "\(verdict.reason)")
        #expect([UInt8](verdict.responderAuth) == responderAuth)
        #expect(verdict.authenticatedName == "alice@example.com")

        var wrong = initiatorAuth
        wrong[0] ^= 1
        let rejected = try await client.request(
            Self.request(initiatorAuth: wrong, identity: "alice@example.com", initiator: initiator, responder: responder),
            service: "auth.psk", idempotent: false)
        guard case .authenticateReply(let refusal) = rejected.body else {
            Issue.record("no AuthenticateReply for a wrong AUTH")
            return
        }
        #expect(refusal.verdict == .reject && refusal.responderAuth.isEmpty)
        #expect(refusal.reason == "initiator AUTH does not match the pre-shared key")

        let unknown = try await client.request(
            Self.request(initiatorAuth: initiatorAuth, identity: "mallory@example.com", initiator: initiator, responder: responder),
            service: "auth.psk", idempotent: false)
        guard case .authenticateReply(let stranger) = unknown.body else {
            Issue.record("no AuthenticateReply for an unknown identity")
            return
        }
        #expect(stranger.verdict == .reject)
        #expect(!stranger.reason.contains("mallory"), "the reason names a sensitive identity")
        #expect(!worker.log.contains(Self.secret) && !broker.log.contains(Self.secret), "the PSK was logged")
        client.close()
    }

    @Test func testWorkerRefusesToStart_whenKeyringIsReadableByOthers() async throws {
        let sandbox = ProcessHarness.makeSandbox("psk-mode")
        let keyring = "\(sandbox)/keyring"
        FileManager.default.createFile(atPath: keyring, contents: Data("alice@example.com \(Self.secret)\n".utf8),
                                       attributes: [.posixPermissions: 0o644])
        let worker = try SpawnedProcess("ikehub-auth-worker", ProcessHarness.daemonArguments(sandbox) + ["--psk-keyring", keyring],
                                        logDirectory: sandbox)
        #expect(await worker.waitForExit())
        #expect(worker.process.terminationStatus != 0)
        #expect(worker.log.contains("readable by group or others"), "\(worker.log)")
        #expect(!worker.log.contains(Self.secret))
    }
}
