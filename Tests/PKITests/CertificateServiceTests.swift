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

/// `auth.cert` answered by a real broker over ZeroMQ: a client certificate and its AUTH
/// verified under the profile, the responder AUTH signed, the rule of a rejection given.
@Suite("auth.cert in the broker")
struct CertificateServiceTests {
    static func configurationText(gateway: TestPKI.Issued, chain: String) -> String {
        """
        aaa new-model
        aaa authorization network list1 local
        !
        crypto pki trustpoint TP-GW
         certificate-file \(chain)
         private-key-file \(gateway.keyPath)
         ca-certificate-file \(fixture.rootA.certificatePath)
         revocation-check none
        !
        crypto pki certificate map certmap1 1
         subject-name co ikehub
        !
        crypto pki certificate map strict 1
         subject-name co juniper
        !
        crypto ikev2 name-mangler mangler1
         dn organization-unit
        !
        crypto ikev2 profile certs
         match certificate certmap1
         authentication local ecdsa-sig
         authentication remote ecdsa-sig
         authentication remote rsa-sig
         pki trustpoint TP-GW
         aaa authorization user cert list list1 name-mangler mangler1
        !
        crypto ikev2 profile strict
         match certificate strict
         authentication local ecdsa-sig
         authentication remote rsa-sig
         pki trustpoint TP-GW
        !
        crypto ikev2 profile ecdsa-only
         match certificate certmap1
         authentication local ecdsa-sig
         authentication remote ecdsa-sig
         pki trustpoint TP-GW
        !
        """
    }

    @Test func testClientCertificateIsVerified_andResponderAUTHSigned_orTheRuleIsNamed() async throws {
        let directory = try makeTemporaryDirectory("pki-authcert")
        let gateway = try fixture.issue("svc-gw", key: .p256, subject: "/O=IKEHub Test/CN=vpn.example.com",
                                        issuer: fixture.intermediateA, extensions: ["basicConstraints=CA:FALSE", "subjectAltName=DNS:vpn.example.com"])
        let chain = directory.appendingPathComponent("gw-chain.pem").path
        FileManagerShim.write(gateway.certificatePEM + fixture.intermediateA.certificatePEM, to: chain)
        let path = directory.appendingPathComponent("ikehub.cfg").path
        FileManagerShim.write(Array(Self.configurationText(gateway: gateway, chain: chain).utf8), to: path)
        let loaded = FlexConfig.load(path: path)
        try #require(loaded.errors.isEmpty, "\(loaded.errors)")

        var configuration = BrokerConfiguration(frontendEndpoints: ["ipc://\(directory.path)/authd.sock"],
                                                workerEndpoints: ["ipc://\(directory.path)/authd-workers.sock"])
        (configuration.signing, configuration.certificateAuthentication) = try GatewaySigning.loadWithCertificateService(path: path)
        let context = try ZMQContext()
        let broker = try AuthBroker(configuration: configuration, context: context, logger: Logger(label: "test.authd"))
        defer { broker.close() }
        let client = try IPCClient(connectingTo: "ipc://\(directory.path)/authd.sock", context: context, logger: Logger(label: "test.client"))
        defer { client.close() }

        // The client: an RSA-3072 certificate under root A, signing its AUTH (method 14, PSS).
        let peer = try fixture.issue("svc-client", key: .rsa3072)
        var clientTrustpoint = Trustpoint(name: "client")
        clientTrustpoint.certificateFile = peer.certificatePath
        clientTrustpoint.privateKeyFile = peer.keyPath
        let clientKey = try GatewayCredential(loading: clientTrustpoint)
        let initiatorOctets = [UInt8](repeating: 0x11, count: 400)
        let responderOctets = [UInt8](repeating: 0x22, count: 380)
        let initiatorAuth = try clientKey.authenticationData(signing: AuthenticationOctets(bytes: initiatorOctets),
                                                             method: .digitalSignature(.rsaPSS(.sha256)))

        func request(profile: String, identity: PeerIdentity, auth: [UInt8]) -> IPCv1Envelope.OneOf_Body {
            .authenticateRequest(.with {
                $0.profile = profile
                $0.peerIdentity = .with { $0.idType = UInt32(identity.kind.rawValue); $0.value = Data(identity.data) }
                $0.signature = .with {
                    $0.method = .digitalSignature
                    $0.initiatorSignedOctets = Data(initiatorOctets)
                    $0.initiatorAuth = Data(auth)
                    $0.certificates = [Data(peer.der)]
                    $0.responderSignedOctets = Data(responderOctets)
                    $0.peerSignatureHashes = [2, 3, 4]
                }
            })
        }

        let accepted = try await client.request(request(profile: "certs", identity: clientFQDN, auth: initiatorAuth),
                                                service: "auth.cert", idempotent: false)
        guard case .authenticateReply(let reply) = accepted.body else {
            Issue.record("no AuthenticateReply: \(accepted.bodyName)")
            return
        }
        #expect(reply.verdict == .accept, "\(reply.reason)")
        #expect(reply.authenticatedName == "CN=client1.example.com,OU=Clients,O=IKEHub Test,C=CH")
        let attributes = Dictionary(reply.attributes.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        #expect(attributes["name-mangler.mangler1"] == "Clients")
        #expect(attributes["cert.map"] == "certmap1 1")
        #expect(attributes["cert.trustpoint"] == "TP-GW")
        #expect(reply.responderAuthMethod == .digitalSignature)
        let gatewayKey = try Certificate(der: gateway.der).publicKey()
        #expect(try SignatureAuthentication.verify(authenticationData: [UInt8](reply.responderAuth), authMethod: 14,
                                                   octets: AuthenticationOctets(bytes: responderOctets), publicKey: gatewayKey)
            == .digitalSignature(.ecdsa(.sha256)))

        // Each refusal names its rule and the subject.
        let cases: [(String, PeerIdentity, [UInt8], CertificateRule)] = [
            ("strict", clientFQDN, initiatorAuth, .mapMismatch),
            ("ecdsa-only", clientFQDN, initiatorAuth, .authenticationSignature),
            ("certs", .fqdn("other.example.com"), initiatorAuth, .identityMismatch),
            ("certs", clientFQDN, Array(initiatorAuth.dropLast()) + [initiatorAuth.last! ^ 1], .authenticationSignature),
        ]
        for (profile, identity, auth, rule) in cases {
            let refused = try await client.request(request(profile: profile, identity: identity, auth: auth),
                                                   service: "auth.cert", idempotent: false)
            guard case .authenticateReply(let verdict) = refused.body else { Issue.record("no reply"); continue }
            #expect(verdict.verdict == .reject)
            #expect(verdict.reason.contains(rule.rawValue), "\(verdict.reason)")
            #expect(verdict.reason.contains("CN=client1.example.com"), "\(verdict.reason)")
            #expect(verdict.responderAuth.isEmpty)
        }
    }
}
