import AuthBroker
import FlexConfig
import Foundation
import HubIPC
import HubTestSupport
import HubVocabulary
import IKECrypto
import Logging
import PKI
import Testing
import ZeroMQ

/// The signing oracle in a real broker, over ZeroMQ: ComputeAuthRequest naming a
/// trustpoint, and GatewayCertificatesRequest choosing a chain by CERTREQ.
@Suite("Auth broker signing oracle")
struct BrokerSigningTests {
    /// A configuration with an ECDSA trustpoint under the intermediate CA of root A and
    /// an RSA trustpoint under root B.
    static func configuration(in directory: URL) throws -> (path: String, ecdsa: TestPKI.Issued, rsa: TestPKI.Issued) {
        let ecdsa = try fixture.issue("broker-ec", key: .p256, subject: "/O=IKEHub Test/CN=vpn.example.com",
                                      issuer: fixture.intermediateA, extensions: ["basicConstraints=CA:FALSE", "subjectAltName=DNS:vpn.example.com"])
        let rsa = try fixture.issue("broker-rsa", key: .rsa2048, subject: "/O=IKEHub Test/CN=vpn.example.com",
                                    issuer: fixture.rootB, extensions: ["basicConstraints=CA:FALSE", "subjectAltName=DNS:vpn.example.com"])
        let ecdsaChain = directory.appendingPathComponent("ec-chain.pem").path
        FileManagerShim.write(ecdsa.certificatePEM + fixture.intermediateA.certificatePEM, to: ecdsaChain)
        let text = """
        crypto pki trustpoint TP-EC
         certificate-file \(ecdsaChain)
         private-key-file \(ecdsa.keyPath)
         ca-certificate-file \(fixture.rootA.certificatePath)
         revocation-check none
        !
        crypto pki trustpoint TP-RSA
         certificate-file \(rsa.certificatePath)
         private-key-file \(rsa.keyPath)
         ca-certificate-file \(fixture.rootB.certificatePath)
         revocation-check none
        !
        """
        let path = directory.appendingPathComponent("ikehub.cfg").path
        FileManagerShim.write(Array(text.utf8), to: path)
        return (path, ecdsa, rsa)
    }

    @Test func testBrokerSignsAndSendsTheChain_thatTheCERTREQAskedFor() async throws {
        let directory = try makeTemporaryDirectory("pki-broker")
        let (path, ecdsa, rsa) = try Self.configuration(in: directory)
        var configuration = BrokerConfiguration(frontendEndpoints: ["ipc://\(directory.path)/authd.sock"],
                                                workerEndpoints: ["ipc://\(directory.path)/authd-workers.sock"])
        configuration.signing = try GatewaySigning.load(path: path)
        let context = try ZMQContext()
        let broker = try AuthBroker(configuration: configuration, context: context, logger: Logger(label: "test.authd"))
        defer { broker.close() }
        let client = try IPCClient(connectingTo: "ipc://\(directory.path)/authd.sock", context: context, logger: Logger(label: "test.client"))
        defer { client.close() }

        // CERTREQ naming root B: the RSA trustpoint's chain.
        let rootB = try Certificate(der: fixture.rootB.der)
        let chosen = try await client.request(.gatewayCertificatesRequest(.with {
            $0.requestedAuthorities = [Data(try rootB.subjectPublicKeyInfoSHA1())]
            $0.verifyTrustpoints = ["TP-EC"]
        }))
        guard case .gatewayCertificatesReply(let certificates) = chosen.body else {
            Issue.record("no GatewayCertificatesReply: \(chosen.bodyName)")
            return
        }
        #expect(certificates.trustpoint == "TP-RSA", "\(certificates.reason)")
        #expect(certificates.certificates.map { [UInt8]($0) } == [rsa.der])
        #expect(certificates.keyType == .signingKeyRsa && certificates.keyBits == 2048)
        let rootA = try Certificate(der: fixture.rootA.der)
        #expect(certificates.certificateRequestAuthorities.map { [UInt8]($0) } == [try rootA.subjectPublicKeyInfoSHA1()])

        // No CERTREQ: the first of the profile's trustpoints, with the intermediate.
        let first = try await client.request(.gatewayCertificatesRequest(.with { $0.trustpoints = ["TP-EC", "TP-RSA"] }))
        guard case .gatewayCertificatesReply(let ecChain) = first.body else { Issue.record("no reply"); return }
        #expect(ecChain.trustpoint == "TP-EC")
        #expect(ecChain.certificates.map { [UInt8]($0) } == [ecdsa.der, fixture.intermediateA.der])

        // AUTH from the oracle verifies as the peer would check it.
        let octets = [UInt8](repeating: 0x5a, count: 300)
        for (trustpoint, method, issued, hashes) in [("TP-EC", IPCv1AuthMethod.ecdsa256, ecdsa, [UInt32]()),
                                                      ("TP-RSA", .rsaDigitalSignature, rsa, []),
                                                      ("TP-RSA", .unspecified, rsa, [2, 3]),
                                                      ("TP-EC", .digitalSignature, ecdsa, [4])] {
            let computed = try await client.request(.computeAuthRequest(.with {
                $0.method = method
                $0.keyReference = trustpoint
                $0.signedOctets = Data(octets)
                $0.peerSignatureHashes = hashes
                $0.rsaPss = true
            }))
            guard case .computeAuthReply(let reply) = computed.body else { Issue.record("no ComputeAuthReply"); continue }
            #expect(reply.reason.isEmpty, "\(reply.reason)")
            let key = try Certificate(der: issued.der).publicKey()
            let verified = try SignatureAuthentication.verify(
                authenticationData: [UInt8](reply.authValue), authMethod: UInt8(reply.method.rawValue),
                octets: AuthenticationOctets(bytes: octets), publicKey: key)
            if method == .unspecified { #expect(verified == .digitalSignature(.rsaPSS(.sha256))) }
            if method == .digitalSignature { #expect(verified == .digitalSignature(.ecdsa(.sha512))) }
            if method != .unspecified { #expect(reply.method == method) }
        }

        // An unknown trustpoint is answered with the reason, not a signature.
        let unknown = try await client.request(.computeAuthRequest(.with {
            $0.method = .rsaDigitalSignature
            $0.keyReference = "TP-NONE"
            $0.signedOctets = Data(octets)
        }))
        guard case .computeAuthReply(let refused) = unknown.body else { Issue.record("no reply"); return }
        #expect(refused.authValue.isEmpty)
        #expect(refused.reason.contains("TP-NONE"))
    }

    /// The daemon as shipped: `ikehub-authd --config` loads the trustpoints at start.
    static var authd: String {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("ikehub-authd").path
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: authd), "ikehub-authd is not built beside the tests"))
    func testDaemonSignsWithTheConfiguredKey_andRefusesToStartWithABrokenTrustpoint() async throws {
        let directory = try makeTemporaryDirectory("pki-authd")
        let (path, ecdsa, _) = try Self.configuration(in: directory)
        let daemon = try ChildProcess(executable: Self.authd,
                                      arguments: ["--runtime-dir", "\(directory.path)/run", "--state-dir", "\(directory.path)/state", "--config", path],
                                      logURL: directory.appendingPathComponent("authd.log"))
        defer { daemon.stop() }
        #expect(daemon.waitForLog(timeout: 10) { $0.contains("auth broker listening") }, "\(daemon.log())")
        #expect(daemon.log().contains("pki.trustpoints=TP-EC,TP-RSA"))
        let context = try ZMQContext()
        let client = try IPCClient(connectingTo: "ipc://\(directory.path)/run/authd.sock", context: context, logger: Logger(label: "test.client"))
        defer { client.close() }
        let octets = [UInt8](repeating: 0x42, count: 256)
        let computed = try await client.request(.computeAuthRequest(.with {
            $0.method = .ecdsa256
            $0.keyReference = "TP-EC"
            $0.signedOctets = Data(octets)
        }))
        guard case .computeAuthReply(let reply) = computed.body else {
            Issue.record("no ComputeAuthReply: \(computed.bodyName)")
            return
        }
        #expect(try SignatureAuthentication.verify(authenticationData: [UInt8](reply.authValue), authMethod: 9,
                                                   octets: AuthenticationOctets(bytes: octets),
                                                   publicKey: try Certificate(der: ecdsa.der).publicKey()) == .ecdsaSHA256P256)

        // A trustpoint whose key file is missing: the daemon does not start, and says why.
        let broken = directory.appendingPathComponent("broken.cfg").path
        FileManagerShim.write(Array("crypto pki trustpoint TP-X\n certificate-file \(ecdsa.certificatePath)\n private-key-file \(directory.path)/gone.key\n!\n".utf8), to: broken)
        let refused = try ChildProcess(executable: Self.authd,
                                       arguments: ["--runtime-dir", "\(directory.path)/run2", "--state-dir", "\(directory.path)/state2", "--config", broken],
                                       logURL: directory.appendingPathComponent("authd-broken.log"))
        refused.process.waitUntilExit()
        #expect(refused.process.terminationStatus != 0)
        #expect(refused.log().contains("crypto pki trustpoint TP-X") && refused.log().contains("gone.key"), "\(refused.log())")
    }

    @Test func testLoadFailure_namesTheTrustpointAndTheFile() throws {
        let directory = try makeTemporaryDirectory("pki-broker-bad")
        let path = directory.appendingPathComponent("bad.cfg").path
        FileManagerShim.write(Array("""
        crypto pki trustpoint TP-BROKEN
         certificate-file \(fixture.rootA.certificatePath)
         private-key-file \(directory.path)/absent.key
        !
        """.utf8), to: path)
        #expect {
            try GatewaySigning.load(path: path)
        } throws: { error in
            let text = "\(error)"
            return text.contains("TP-BROKEN") && text.contains("absent.key")
        }
    }
}
