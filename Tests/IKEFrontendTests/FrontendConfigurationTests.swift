import Testing
import FlexConfig
import HubVocabulary
import IKECrypto
import IKEExchanges
@testable import IKEFrontend

@Suite struct FrontendConfigurationTests {
    static func load(_ text: String) throws -> FlexConfiguration {
        let loaded = FlexConfig.load(text: text, file: "t.cfg")
        #expect(loaded.errors.isEmpty, "\(loaded.errors)")
        return loaded.configuration
    }

    @Test func testBuiltInConfiguration_mapsToTheEngine() throws {
        let loaded = EmbeddedConfiguration.load(preSharedKey: SecretBytes(Array("k".utf8) + Array(repeating: 0x61, count: 31)))
        #expect(!loaded.hasErrors)
        let frontend = try FrontendConfiguration(loaded.configuration)
        #expect(frontend.profileNames == ["embedded"])
        let profile = try #require(frontend.profile("embedded"))
        #expect(profile.virtualTemplate == 1)
        #expect(profile.poolName == "embedded-pool")
        #expect(frontend.responder.requiresAuthorization)
        #expect(profile.localAuthorization?.poolName == "embedded-pool")
        #expect(frontend.responder.localIdentity == .fqdn("ikehub"))
        let proposal = try #require(frontend.responder.ikeProposals.first)
        #expect(proposal.encryptions.map(\.keyLengthBits) == [256, 128])
        #expect(proposal.integrities == [.hmacSHA256_128])
        #expect(proposal.groups == [.ecp256, .modp2048])
        let child = try #require(frontend.responder.childProposals.first)
        #expect(child.encryptions == [try EncryptionTransform(.aesGCM16, keyLengthBits: 256)])
    }

    /// `aaa accounting psk|cert|eap|anyconnect-eap LIST` decides which sessions send
    /// accounting; a profile without the command sends none (the built-in one included).
    @Test(arguments: [
        ("", Set<AuthorizationMethod>()),
        (" aaa accounting psk acct\n", [.psk]),
        (" aaa accounting cert acct\n aaa accounting anyconnect-eap acct\n", [.cert, .eap]),
        (" aaa accounting acct\n", [.psk, .cert, .eap]),
    ] as [(String, Set<AuthorizationMethod>)])
    func testProfileAccounting_mapsToTheAccountedMethods(_ lines: String, _ methods: Set<AuthorizationMethod>) throws {
        let configuration = try Self.load("""
            aaa new-model
            aaa accounting network acct start-stop group radius
            crypto ikev2 keyring kr
             peer any
              address 0.0.0.0 0.0.0.0
              pre-shared-key some-key-0123456789
            crypto ikev2 profile prof
             match identity remote any
             identity local fqdn hub.example
             authentication local pre-share
             authentication remote pre-share
             keyring local kr

            """ + lines)
        let frontend = try FrontendConfiguration(configuration)
        #expect(frontend.responder.profiles.first { $0.name == "prof" }?.accountedMethods == methods)
    }

    @Test func testScenarioConfiguration_transformSetLifetimeAndDPD() throws {
        let configuration = try Self.load("""
            crypto ikev2 keyring kr
             peer any
              address 0.0.0.0 0.0.0.0
              pre-shared-key some-key-0123456789
            crypto ikev2 proposal p
             encryption aes-gcm-256
             prf sha384
             group 20
            crypto ikev2 policy pol
             proposal p
            crypto ikev2 profile prof
             match identity remote any
             identity local fqdn hub.example
             authentication local pre-share
             authentication remote pre-share
             keyring local kr
             dpd 30 5 periodic
             lifetime 7200
             virtual-template 2
            crypto ipsec transform-set ts esp-aes 256 esp-sha256-hmac
            crypto ipsec profile ips
             set transform-set ts
             set ikev2-profile prof
             set security-association lifetime seconds 1800
            interface Virtual-Template2 type tunnel
             tunnel mode ipsec ipv4
             tunnel protection ipsec profile ips
            """)
        let frontend = try FrontendConfiguration(configuration)
        #expect(frontend.responder.ikeProposals.first?.prfs == [.hmacSHA384])
        #expect(frontend.responder.ikeProposals.first?.integrities == [])
        #expect(frontend.responder.childProposals.first?.integrities == [.hmacSHA256_128])
        #expect(frontend.responder.childProposals.first?.encryptions.first?.algorithm == .aesCBC)
        #expect(frontend.responder.lifetimes.ikeSASeconds == 7200)
        #expect(frontend.responder.lifetimes.childSASeconds == 1800)
        #expect(frontend.responder.deadPeerDetection == .init(intervalSeconds: 30, retryIntervalSeconds: 5))
        #expect(frontend.profile("prof")?.virtualTemplate == 2)
    }

    @Test func testAuthorizationPolicy_pushesDNSWINSDomainAndRoutes() throws {
        let configuration = try Self.load("""
            aaa new-model
            aaa authorization network local-authz local
            crypto ikev2 keyring kr
             peer any
              address 0.0.0.0 0.0.0.0
              pre-shared-key some-key-0123456789
            crypto ikev2 authorization policy ap
             pool p
             dns 192.0.2.53 192.0.2.54
             wins 192.0.2.60
             def-domain example.com
             route set remote ipv4 10.1.0.0 255.255.0.0
            crypto ikev2 profile prof
             match identity remote any
             authentication local pre-share
             authentication remote pre-share
             keyring local kr
             aaa authorization group psk list local-authz ap
            ip local pool p 10.9.0.1 10.9.0.9
            """)
        let frontend = try FrontendConfiguration(configuration)
        let pushed = try #require(frontend.profile("prof")?.localAuthorization).pushedAttributes
        #expect(pushed.map(\.type.rawValue) == [3, 3, 4, 25, 13])
        #expect(pushed.first?.value == [192, 0, 2, 53])
        #expect(pushed.last?.value == [10, 1, 0, 0, 255, 255, 0, 0])
        #expect(frontend.profile("prof")?.poolName == "p")
    }

    /// Two profiles, chosen by IDi as IOS does; each keeps its own template, DPD and
    /// remote authentication.
    @Test func testTwoProfiles_eachMapsItsMatchesAndSettings() throws {
        let configuration = try Self.load("""
            aaa new-model
            radius server r1
             address ipv4 127.0.0.1 auth-port 1812 acct-port 1813
             key radius-secret
            aaa group server radius rad
             server name r1
            aaa authentication eap eap-list group rad
            crypto pki trustpoint tp
             certificate-file /etc/ikehub/tp.crt
             private-key-file /etc/ikehub/tp.key
            crypto ikev2 keyring kr
             peer any
              address 0.0.0.0 0.0.0.0
              pre-shared-key some-key-0123456789
            crypto ikev2 profile branches
             match identity remote fqdn domain branch.example
             match identity remote address 192.0.2.0 255.255.255.0
             identity local fqdn hub.example
             authentication local pre-share
             authentication remote pre-share
             keyring local kr
             virtual-template 2
            crypto ikev2 profile users
             match identity remote email domain example.com
             identity local fqdn vpn.example
             authentication local rsa-sig
             authentication remote eap query-identity timeout 45
             pki trustpoint tp
             aaa authentication eap eap-list
             dpd 20 3 periodic
             virtual-template 3
            crypto ipsec profile ips
             set ikev2-profile branches
            interface Virtual-Template2 type tunnel
             tunnel mode ipsec ipv4
             tunnel protection ipsec profile ips
            interface Virtual-Template3 type tunnel
             tunnel mode ipsec ipv4
             tunnel protection ipsec profile ips
            """)
        let frontend = try FrontendConfiguration(configuration)
        #expect(frontend.profileNames == ["branches", "users"])
        let engine = frontend.responder.profiles
        #expect(engine[0].match.identities == [.fqdn("branch.example", domain: true), .ipv4(IPv4Address(0xc000_0200), prefixLength: 24)])
        #expect(engine[0].remoteAuthentication == [.sharedKey])
        #expect(engine[1].match.identities == [.email("example.com", domain: true)])
        #expect(engine[1].remoteAuthentication == [.eap(queryIdentity: true, timeoutSeconds: 45)])
        #expect(engine[1].localIdentity == .fqdn("vpn.example"))
        #expect(engine[1].deadPeerDetection == .init(intervalSeconds: 20, retryIntervalSeconds: 3))
        #expect(frontend.profile("branches")?.virtualTemplate == 2)
        #expect(frontend.profile("users")?.virtualTemplate == 3)
    }

    @Test func testUnsupportedTransform_isNamedWithItsPlace() throws {
        let loaded = FlexConfig.load(text: """
            crypto ikev2 keyring kr
             peer any
              address 0.0.0.0 0.0.0.0
              pre-shared-key some-key-0123456789
            crypto ikev2 profile prof
             match identity remote any
             authentication local pre-share
             authentication remote pre-share
             keyring local kr
            crypto ipsec transform-set legacy esp-3des esp-md5-hmac
            crypto ipsec profile ips
             set transform-set legacy
             set ikev2-profile prof
            """, file: "t.cfg")
        // `ikehub config check` already refuses it, naming the line and column…
        #expect(loaded.errors.map(\.description).first ==
            "t.cfg:10:35: error: 'esp-3des' is not supported by IKEHub's ESP data plane; use esp-aes [128|192|256] or esp-gcm [128|256] with esp-sha-hmac, esp-sha256-hmac, esp-sha384-hmac or esp-sha512-hmac")
        // …and the frontend, should it be given the model anyway, names the transform set.
        let configuration = loaded.configuration
        #expect(throws: FrontendConfigurationError(description:
            "crypto ipsec transform-set legacy: transform 'esp-3des' is not supported by the userspace data plane")) {
            _ = try FrontendConfiguration(configuration)
        }
    }

    @Test func testAAADeadline_coversEveryRadiusServersTimeoutAndRetransmits() throws {
        // Two servers: IOS defaults (5 s × 4 sends) and timeout 2 retransmit 1 (2 s × 2):
        // 20 + 4 s, plus 1 s for the IPC. Without RADIUS the same-host default stays.
        let configuration = try Self.load("""
            aaa new-model
            radius server first
             address ipv4 192.0.2.10 auth-port 1812 acct-port 1813
             key first-secret
            radius server second
             address ipv4 192.0.2.11 auth-port 1812 acct-port 1813
             key second-secret
             timeout 2
             retransmit 1
            aaa group server radius both
             server name first
             server name second
            """)
        #expect(FrontendConfiguration.radiusBudget(configuration) == .seconds(25))
        #expect(FrontendConfiguration.radiusBudget(FlexConfiguration()) == .seconds(5))
    }

    @Test func testAnyConnectEAPOnlyProfile_isLeftOut_andTheOthersRun() throws {
        let loaded = FlexConfig.load(text: """
            aaa new-model
            aaa authentication login ac-list local
            crypto pki trustpoint hub-tp
             certificate-file /etc/ikehub/hub.pem
             private-key-file /etc/ikehub/hub.key
            crypto ikev2 keyring kr
             peer any
              address 0.0.0.0 0.0.0.0
              pre-shared-key some-key-0123456789
            crypto ikev2 profile anyconnect
             match identity remote key-id AnyConnect-IKE-ID
             authentication local rsa-sig
             authentication remote anyconnect-eap aggregate
             pki trustpoint hub-tp
             aaa authentication anyconnect-eap ac-list
            crypto ikev2 profile branches
             match identity remote any
             authentication local pre-share
             authentication remote pre-share
             keyring local kr
            """, file: "t.cfg")
        #expect(loaded.errors.isEmpty, "\(loaded.errors)")
        #expect(loaded.diagnostics.map(\.description).contains(
            "t.cfg:13:2: warning: ikev2 profile 'anyconnect': 'authentication remote anyconnect-eap' (AnyConnect's aggregate authentication) is not implemented; the profile is left out and no peer can select it"))
        let frontend = try FrontendConfiguration(loaded.configuration)
        #expect(frontend.profileNames == ["branches"])
    }

    @Test func testNoProfile_isAnError() throws {
        #expect(throws: FrontendConfigurationError.self) { _ = try FrontendConfiguration(FlexConfiguration()) }
    }
}
