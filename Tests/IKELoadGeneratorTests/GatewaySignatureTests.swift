import FlexConfig
import Foundation
import HubVocabulary
import IKECrypto
import IKEExchanges
import IKELoadGenerator
import IKEWire
import PKI
import Testing

/// The load initiator against a gateway that signs (RFC 7296 §2.15, RFC 7427): the real
/// responder engine (IKESATable) computes the responder's signed octets, PKI's
/// `GatewayCredential` signs them as the auth broker does, with certificates that
/// strongSwan's `pki` makes for this run; the initiator must accept that AUTH and refuse
/// a corrupted one, one from an untrusted CA, and a PSK AUTH where a signature is due.
struct GatewaySignatureTests {
    /// A CA and the gateway's certificate for hub.lab of each key type, and a second CA
    /// that signed nothing here.
    final class Fixture: Sendable {
        let directory: String

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("loadgen-pki-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let script = """
            set -e
            cd "$1"
            pki --gen --type ecdsa --size 256 --outform pem > ca.key
            pki --self --ca --lifetime 2 --in ca.key --type ecdsa --dn "C=CH, O=IKEHub Test, CN=Load CA" --outform pem > ca.crt
            pki --gen --type ecdsa --size 256 --outform pem > other-ca.key
            pki --self --ca --lifetime 2 --in other-ca.key --type ecdsa --dn "C=CH, O=IKEHub Test, CN=Other CA" --outform pem > other-ca.crt
            for type in ecdsa:256 rsa:2048; do
              pki --gen --type ${type%:*} --size ${type#*:} --outform pem > hub-${type%:*}.key
              pki --pub --in hub-${type%:*}.key --type ${type%:*} | pki --issue --cacert ca.crt --cakey ca.key --lifetime 2 \\
                  --dn "C=CH, O=IKEHub Test, CN=hub.lab" --san hub.lab --flag serverAuth --outform pem > hub-${type%:*}.crt
            done
            """
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", script, "sh", directory]
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { throw LoadGeneratorError.configuration("pki failed in \(directory)") }
        }

        deinit { try? FileManager.default.removeItem(atPath: directory) }

        /// The gateway's signing credential for `keyType` ("ecdsa" or "rsa").
        func credential(_ keyType: String) throws -> GatewayCredential {
            var trustpoint = Trustpoint(name: "hub-\(keyType)")
            trustpoint.certificateFile = "\(directory)/hub-\(keyType).crt"
            trustpoint.privateKeyFile = "\(directory)/hub-\(keyType).key"
            trustpoint.caCertificateFile = "\(directory)/ca.crt"
            return try GatewayCredential(loading: trustpoint)
        }
    }

    static let fixture = Result { try Fixture() }

    /// The initiator trusts `authority` ("ca" or "other-ca").
    static func profile(trusting authority: String = "ca") throws -> LoadProfile {
        let fixture = try Self.fixture.get()
        return try LoadProfile(suite: try .aes128SHA256(group: .curve25519), preSharedKey: LoadInitiatorSATests.psk,
                               expectedResponderIdentity: .fqdn("hub.lab"),
                               gatewayCertificates: try GatewayCertificateCheck(authorityFile: "\(fixture.directory)/\(authority).crt"))
    }

    /// The auth broker of a profile with `authentication remote pre-share` and
    /// `authentication local ecdsa-sig | rsa-sig`: checks the client's PSK AUTH, then
    /// signs the responder's octets with `credential` (the method chosen from the
    /// client's SIGNATURE_HASH_ALGORITHMS) and hands out its chain for CERT payloads.
    /// `corrupt` flips the last octet of the signature.
    static func signingBroker(_ credential: GatewayCredential, corrupt: Bool = false) -> (AuthRequest) -> AuthResult {
        { request in
            guard case .authenticated = LoadInitiatorSATests.Run.sharedKeyBroker(request) else {
                return .rejected(reason: "client PSK AUTH mismatch")
            }
            do {
                let hashes = request.peerSignatureHashes.compactMap(SignatureHash.init(rawValue:))
                let method = try credential.signatureMethod(authMethod: 0, algorithmIdentifier: nil, peerHashes: hashes, rsaPSS: false)
                var data = try credential.authenticationData(signing: AuthenticationOctets(bytes: request.responderSignedOctets),
                                                             method: method)
                if corrupt, let last = data.indices.last { data[last] ^= 0x01 }
                return .authenticated(AuthSuccess(
                    responderAuthentication: AuthenticationPayload(method: AuthenticationMethod(method.authMethod), authenticationData: data),
                    responderCertificates: credential.chain.map(\.der)))
            } catch {
                return .rejected(reason: "\(error)")
            }
        }
    }

    static func establish(profile: LoadProfile, fragmentSize: Int? = nil,
                          authenticator: @escaping (AuthRequest) -> AuthResult) throws -> (String, LoadInitiatorSA, [IKEEffect]) {
        var configuration = try LoadInitiatorSATests.configuration()
        configuration.fragmentation = fragmentSize.map { .init(maximumMessageSize: $0) }
        var run = LoadInitiatorSATests.Run(table: IKESATable(configuration: configuration))
        run.authenticator = authenticator
        var sa = try LoadInitiatorSA(index: 5, profile: profile, keyExchange: try KeyExchange(group: .curve25519),
                                     gateway: LoadInitiatorSATests.gateway.address, random: SystemRandom())
        let outcome = try LoadInitiatorSATests.establish(&sa, &run)
        return (outcome, sa, run.effects)
    }

    @Test(arguments: [("ecdsa", "method 14 (ECDSA/sha256)"), ("rsa", "method 14 (RSASSA-PKCS1-v1_5/sha256)")])
    func testAcceptsSignatureAUTH_whenTheCertificateChainsToTheTrustedCA(keyType: String, method: String) throws {
        let credential = try Self.fixture.get().credential(keyType)
        let (outcome, sa, _) = try Self.establish(profile: try Self.profile(), authenticator: Self.signingBroker(credential))
        #expect(outcome == "established")
        // The initiator announced SIGNATURE_HASH_ALGORITHMS, so the broker chose RFC 7427.
        #expect(sa.responderAuthenticationMethod?.hasPrefix("method 14") == true, "\(sa.responderAuthenticationMethod ?? "nil")")
        #expect(sa.responderAuthenticationMethod == method)
    }

    @Test(arguments: ["ecdsa", "rsa"])
    func testRefusesSignatureAUTH_whenTheSignatureIsCorrupted(keyType: String) throws {
        let credential = try Self.fixture.get().credential(keyType)
        let (outcome, sa, _) = try Self.establish(profile: try Self.profile(),
                                                  authenticator: Self.signingBroker(credential, corrupt: true))
        #expect(outcome.hasPrefix("failed: responder AUTH"), "\(outcome)")
        #expect(outcome.contains("AUTH signature"), "\(outcome)")
        #expect(sa.phase != .established)
    }

    /// After a first SA validated the chain, later SAs with the same CERT payloads have
    /// only their signature checked: a bad one is still refused, a good one accepted.
    @Test(arguments: ["ecdsa", "rsa"])
    func testChecksEverySignature_whenTheChainWasValidatedBefore(keyType: String) throws {
        let credential = try Self.fixture.get().credential(keyType)
        let profile = try Self.profile()
        let (first, _, _) = try Self.establish(profile: profile, authenticator: Self.signingBroker(credential))
        #expect(first == "established")
        let (forged, _, _) = try Self.establish(profile: profile, authenticator: Self.signingBroker(credential, corrupt: true))
        #expect(forged.hasPrefix("failed: responder AUTH"), "\(forged)")
        #expect(forged.contains("AUTH signature"), "\(forged)")
        let (again, sa, _) = try Self.establish(profile: profile, authenticator: Self.signingBroker(credential))
        #expect(again == "established")
        #expect(sa.responderAuthenticationMethod?.hasPrefix("method 14") == true)
    }

    @Test func testRefusesSignatureAUTH_whenTheCertificateIsFromAnotherCA() throws {
        let credential = try Self.fixture.get().credential("ecdsa")
        let (outcome, _, _) = try Self.establish(profile: try Self.profile(trusting: "other-ca"),
                                                 authenticator: Self.signingBroker(credential))
        #expect(outcome.contains("untrusted issuer"), "\(outcome)")
    }

    @Test func testRefusesSharedKeyAUTH_whenASignatureIsExpected() throws {
        let (outcome, _, _) = try Self.establish(profile: try Self.profile(),
                                                 authenticator: LoadInitiatorSATests.Run.sharedKeyBroker)
        #expect(outcome.hasPrefix("failed: responder AUTH"), "\(outcome)")
    }

    /// RFC 7383: the RSA certificate makes the IKE_AUTH answer larger than 1280 octets,
    /// so the engine sends it in SKF fragments, which the initiator reassembles.
    @Test func testAcceptsSignatureAUTH_whenTheAnswerComesInFragments() throws {
        let credential = try Self.fixture.get().credential("rsa")
        let (outcome, sa, effects) = try Self.establish(profile: try Self.profile(), fragmentSize: 576,
                                                        authenticator: Self.signingBroker(credential))
        let answers = LoadInitiatorSATests.Run.sent(effects).filter { (try? IKEMessage.parse($0))?.encryptedFragment != nil }
        #expect(answers.count >= 2, "the IKE_AUTH answer was not fragmented")
        #expect(outcome == "established")
        #expect(sa.responderAuthenticationMethod == "method 14 (RSASSA-PKCS1-v1_5/sha256)")
    }
}
