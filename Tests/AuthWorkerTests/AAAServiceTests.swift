import AuthPluginAPI
@testable import AuthWorker
import FlexConfig
import Foundation
import HubIPC
import HubTestSupport
import HubVocabulary
import IKECrypto
import Testing

/// AAA pre-shared keys (`auth.psk` with `keyring aaa`) and session authorization (`authz`)
/// through the real broker and worker against FreeRADIUS.
@Suite(.serialized, .enabled(if: FreeRADIUSServer.isInstalled, "FreeRADIUS is not installed (apt-get install freeradius)"))
struct AAAServiceTests {
    static let users = """
    branch1\tCleartext-Password := "cisco"
    \tCisco-AVPair += "ipsec:ikev2-password-remote=remote-key-1",
    \tCisco-AVPair += "ipsec:ikev2-password-local=local-key-1",
    \tFramed-IP-Address := 10.5.0.1,
    \tCisco-AVPair += "ipsec:dns-servers=10.5.0.53"

    branch2\tCleartext-Password := "cisco"
    \tTunnel-Password := "symmetric-key-2"

    alice@example.com\tCleartext-Password := "cisco"
    \tCisco-AVPair += "ipsec:dns-servers=10.1.1.1",
    \tCisco-AVPair += "ip:interface-config=ip mtu 1300",
    \tFramed-IP-Address := 10.5.0.9

    engineering\tCleartext-Password := "cisco"
    \tCisco-AVPair += "ipsec:dns-servers=10.2.2.2 10.2.2.3",
    \tCisco-AVPair += "ipsec:banner=Engineering",
    \tCisco-AVPair += "ipsec:split-dns=eng.example",
    \tCisco-AVPair += "ipsec:split-dns=lab.example",
    \tCisco-AVPair += "ip:interface-config=ip mtu 1400"

    example.com\tCleartext-Password := "cisco"
    \tCisco-AVPair += "ipsec:dns-servers=10.7.7.7",
    \tCisco-AVPair += "ip:interface-config=ip mtu 1200"

    """

    static func configuration(port: UInt16, secret: String) -> String {
        """
        aaa new-model
        aaa group server radius hub-radius
         server name r1
        aaa authorization network psk-list group hub-radius
        aaa authorization network user-list group hub-radius
        aaa authorization network group-list group hub-radius
        aaa authorization network local-list local
        radius server r1
         address ipv4 127.0.0.1 auth-port \(port) acct-port \(port + 1)
         key \(secret)
         timeout 3
         retransmit 0
        aaa attribute list attrs
         attribute type interface-config "ip mtu 1100"
         attribute type interface-config "tunnel key 10"
        crypto ikev2 name-mangler by-host
         fqdn hostname
        crypto ikev2 name-mangler by-domain
         email domain
        ip local pool pool1 10.20.0.1 10.20.0.100
        crypto ikev2 authorization policy grp-policy
         pool pool1
         dns 10.0.0.1 10.0.0.2
         split-dns corp.example
         banner Welcome
         route set remote ipv4 10.10.0.0 255.255.0.0
         netmask 255.255.255.0
         aaa attribute list attrs
        crypto ikev2 profile aaa-psk
         match identity remote fqdn domain example.com
         authentication local pre-share
         authentication remote pre-share
         keyring aaa psk-list name-mangler by-host
         aaa authorization user psk cached
        crypto ikev2 profile user-over-group
         match identity remote email domain example.com
         authentication local pre-share key 0 k
         authentication remote pre-share key 0 k
         aaa authorization user psk list user-list
         aaa authorization group psk list group-list engineering
        crypto ikev2 profile group-override
         match identity remote email domain example.org
         authentication local pre-share key 0 k
         authentication remote pre-share key 0 k
         aaa authorization user psk list user-list
         aaa authorization group override psk list group-list name-mangler by-domain
        crypto ikev2 profile cached-first
         match identity remote key-id cached
         authentication local pre-share key 0 k
         authentication remote pre-share key 0 k
         aaa authorization user psk cached
         aaa authorization user psk list user-list
        crypto ikev2 profile local-group
         match identity remote key-id local
         authentication local pre-share key 0 k
         authentication remote pre-share key 0 k
         aaa authorization user psk cached
         aaa authorization group psk list local-list grp-policy
        """
    }

    static func psk(_ fqdn: String, key: String, initiator: [UInt8], responder: [UInt8]) throws -> IPCv1Envelope.OneOf_Body {
        let auth = try SharedKeyAuthentication.authenticationData(secret: SecretBytes(Array(key.utf8)),
                                                                  octets: AuthenticationOctets(bytes: initiator), prf: .hmacSHA256)
        return .authenticateRequest(.with {
            $0.profile = "aaa-psk"
            $0.peerIdentity = .with { $0.idType = 2; $0.value = Data(fqdn.utf8) }
            $0.prfTransformID = 5
            $0.preSharedKey = .with {
                $0.initiatorSignedOctets = Data(initiator)
                $0.initiatorAuth = Data(auth)
                $0.responderSignedOctets = Data(responder)
            }
        })
    }

    static func authenticateReply(_ envelope: IPCv1Envelope) throws -> IPCv1AuthenticateReply {
        guard case .authenticateReply(let reply) = envelope.body else { throw AuthHarness.ConfigurationRejected(description: envelope.bodyName) }
        return reply
    }

    static func authorizeReply(_ envelope: IPCv1Envelope) throws -> IPCv1AuthorizeReply {
        guard case .authorizeReply(let reply) = envelope.body else { throw AuthHarness.ConfigurationRejected(description: envelope.bodyName) }
        return reply
    }

    static func pairs(_ reply: IPCv1AuthorizeReply) -> [String] { reply.attributes.map { "\($0.name)=\($0.value)" } }

    @Test func testAAAPreSharedKeys_fromCiscoAVPairsAndTunnelPassword_andUnknownPeerRefused() async throws {
        let radius = try FreeRADIUSServer(users: Self.users, signReplies: true)
        let harness = try await AuthHarness(configuration: Self.configuration(port: radius.authenticationPort, secret: radius.secret))
        defer { harness.close() }
        let initiator = [UInt8](repeating: 0x41, count: 120), responder = [UInt8](repeating: 0x42, count: 110)
        let session = SessionID(high: 3, low: 1)

        // Asymmetric: the peer proves remote-key-1, we answer with local-key-1.
        let one = try Self.authenticateReply(await harness.request(
            Self.psk("branch1.example.com", key: "remote-key-1", initiator: initiator, responder: responder), service: "auth.psk", session: session))
        #expect(one.verdict == .accept, "\(one.reason)")
        let localAuth = try SharedKeyAuthentication.authenticationData(secret: SecretBytes(Array("local-key-1".utf8)),
                                                                       octets: AuthenticationOctets(bytes: responder), prf: .hmacSHA256)
        #expect([UInt8](one.responderAuth) == localAuth)
        #expect(one.authenticatedName == "branch1")
        #expect(one.attributes.map { "\($0.name)=\($0.value)" } == ["Framed-IP-Address=10.5.0.1", "ipsec:dns-servers=10.5.0.53"])
        let log = radius.log()
        #expect(log.contains("User-Name = \"branch1\""))  // name-mangler fqdn hostname
        #expect(log.contains("User-Password = \"cisco\""))
        #expect(!one.attributes.contains { $0.value.contains("key-1") }, "a key leaked into the attributes")

        // Symmetric Tunnel-Password (salt-encrypted by FreeRADIUS, decrypted here).
        let two = try Self.authenticateReply(await harness.request(
            Self.psk("branch2.example.com", key: "symmetric-key-2", initiator: initiator, responder: responder), service: "auth.psk", session: session))
        #expect(two.verdict == .accept, "\(two.reason)")
        let symmetric = try SharedKeyAuthentication.authenticationData(secret: SecretBytes(Array("symmetric-key-2".utf8)),
                                                                       octets: AuthenticationOctets(bytes: responder), prf: .hmacSHA256)
        #expect([UInt8](two.responderAuth) == symmetric)

        let wrong = try Self.authenticateReply(await harness.request(
            Self.psk("branch1.example.com", key: "local-key-1", initiator: initiator, responder: responder), service: "auth.psk", session: session))
        #expect(wrong.verdict == .reject && wrong.reason == "initiator AUTH does not match the pre-shared key")

        let stranger = try Self.authenticateReply(await harness.request(
            Self.psk("nobody.example.com", key: "x", initiator: initiator, responder: responder), service: "auth.psk", session: session))
        #expect(stranger.verdict == .reject)
        #expect(stranger.reason.contains("has no entry for the peer"), "\(stranger.reason)")
    }

    static func authorize(profile: String, identity: PeerIdentity, cached: [String: String] = [:]) -> IPCv1Envelope.OneOf_Body {
        .authorizeRequest(.with {
            $0.profile = profile
            $0.authMethod = .psk
            $0.peerIdentity = .with { $0.idType = UInt32(identity.kind.rawValue); $0.value = Data(identity.data) }
            $0.cachedAttributes = cached.sorted { $0.key < $1.key }.map { pair in .with { $0.name = pair.key; $0.value = pair.value } }
        })
    }

    @Test func testAuthorization_userOverGroup_groupOverride_localPolicy_andRejection() async throws {
        let radius = try FreeRADIUSServer(users: Self.users, signReplies: true)
        let harness = try await AuthHarness(configuration: Self.configuration(port: radius.authenticationPort, secret: radius.secret))
        defer { harness.close() }
        #expect(await harness.offeredServices.contains("authz"))
        let session = SessionID(high: 4, low: 1)

        // User over group (the default): the user's DNS and Framed-IP win; the group adds
        // banner and split DNS; interface-config applies group then user.
        let merged = try Self.authorizeReply(await harness.request(
            Self.authorize(profile: "user-over-group", identity: .email("alice@example.com")), service: "authz", session: session))
        #expect(merged.verdict == .accept, "\(merged.reason)")
        #expect(Self.pairs(merged) == [
            "Framed-IP-Address=10.5.0.9",
            "ipsec:dns-servers=10.1.1.1",
            "ipsec:split-dns=eng.example",
            "ipsec:split-dns=lab.example",
            "ipsec:banner=Engineering",
            "ip:interface-config=ip mtu 1400",
            "ip:interface-config=ip mtu 1300",
        ])

        // `group override` with the group name from `name-mangler by-domain` (email domain).
        let overridden = try Self.authorizeReply(await harness.request(
            Self.authorize(profile: "group-override", identity: .email("alice@example.com")), service: "authz", session: session))
        #expect(overridden.verdict == .accept, "\(overridden.reason)")
        #expect(Self.pairs(overridden) == [
            "Framed-IP-Address=10.5.0.9",
            "ipsec:dns-servers=10.7.7.7",
            "ip:interface-config=ip mtu 1300",
            "ip:interface-config=ip mtu 1200",
        ])
        #expect(radius.log().contains("User-Name = \"example.com\""))

        // Local group policy under cached user attributes (from the authentication).
        let local = try Self.authorizeReply(await harness.request(
            Self.authorize(profile: "local-group", identity: .keyID("local"),
                           cached: ["Framed-IP-Address": "10.9.9.9", "ipsec:dns-servers": "10.3.3.3", "ipsec:ikev2-secret": "dropped"]),
            service: "authz", session: session))
        #expect(local.verdict == .accept, "\(local.reason)")
        #expect(Self.pairs(local) == [
            "Framed-IP-Address=10.9.9.9",
            "Framed-IP-Netmask=255.255.255.0",
            "ipsec:addr-pool=pool1",
            "ipsec:dns-servers=10.3.3.3",
            "ipsec:split-dns=corp.example",
            "ipsec:route-set=remote ipv4 10.10.0.0 255.255.0.0",
            "ipsec:banner=Welcome",
            "ip:interface-config=ip mtu 1100",
            "ip:interface-config=tunnel key 10",
        ])

        // Implicit authorization with a Framed-IP-Address: no explicit user look-up.
        let before = radius.log().components(separatedBy: "Received Access-Request").count
        let implicit = try Self.authorizeReply(await harness.request(
            Self.authorize(profile: "cached-first", identity: .email("alice@example.com"), cached: ["Framed-IP-Address": "10.4.4.4"]),
            service: "authz", session: session))
        #expect(Self.pairs(implicit) == ["Framed-IP-Address=10.4.4.4"])
        #expect(radius.log().components(separatedBy: "Received Access-Request").count == before)
        // Without one, the explicit look-up runs and its attributes win over the cached ones.
        let explicit = try Self.authorizeReply(await harness.request(
            Self.authorize(profile: "cached-first", identity: .email("alice@example.com"), cached: ["ipsec:dns-servers": "10.4.4.53"]),
            service: "authz", session: session))
        #expect(Self.pairs(explicit) == ["Framed-IP-Address=10.5.0.9", "ipsec:dns-servers=10.1.1.1", "ip:interface-config=ip mtu 1300"])
        #expect(radius.log().components(separatedBy: "Received Access-Request").count == before + 1)

        // A user RADIUS does not know: Access-Reject ends the session.
        let refused = try Self.authorizeReply(await harness.request(
            Self.authorize(profile: "user-over-group", identity: .email("mallory@example.com")), service: "authz", session: session))
        #expect(refused.verdict == .reject)
        #expect(refused.reason.contains("user authorization list user-list") && refused.reason.contains("Access-Reject"), "\(refused.reason)")
        #expect(refused.attributes.isEmpty)
    }
}

/// Plugin resolution at worker start: a method no plugin serves stops the worker, naming
/// the plugin feature, the method and the configuration line.
@Suite struct PluginResolutionTests {
    @Test func testEAPWithALocalList_failsAtStart_namingFeatureMethodAndLine() throws {
        let text = """
        aaa new-model
        aaa authentication login eap-local local
        crypto pki trustpoint tp
         revocation-check none
        crypto ikev2 profile p1
         match identity remote any
         authentication local rsa-sig
         pki trustpoint tp
         authentication remote eap
         aaa authentication eap eap-local
        """
        let loaded = FlexConfig.load(text: text, file: "hub.conf")
        try #require(!loaded.hasErrors, "\(loaded.errors)")
        #expect {
            _ = try ResolvedPlugins.resolve(loaded.configuration, text: text, file: "hub.conf", logger: AuthHarness.logger)
        } throws: { error in
            let text = "\(error)"
            return text.contains("hub.conf:10") && text.contains("aaa authentication eap eap-local")
                && text.contains("no plugin provides auth.eap for method `local`") && text.contains("RADIUS (radius)")
        }
    }

    @Test func testKeyringAAA_withAGroupThatIsNotRADIUS_failsAtStart() throws {
        let text = """
        aaa new-model
        aaa authorization network psk-list group tacacs-servers
        crypto ikev2 profile p1
         match identity remote any
         authentication local pre-share
         authentication remote pre-share
         keyring aaa psk-list
        """
        let loaded = FlexConfig.load(text: text, file: "hub.conf")
        // The parser may already warn about the unknown group; resolution must still refuse.
        #expect {
            _ = try ResolvedPlugins.resolve(loaded.configuration, text: text, file: "hub.conf", logger: AuthHarness.logger)
        } throws: { error in
            "\(error)".contains("hub.conf:7") && "\(error)".contains("auth.psk") && "\(error)".contains("tacacs-servers")
        }
    }

    @Test func testSeedEAPConfiguration_resolvesToTheRADIUSPlugin_andOffersEAP() throws {
        let text = """
        aaa new-model
        aaa authentication login authen_list_radius group radius_group
        aaa group server radius radius_group
         server name radius_server
        radius server radius_server
         address ipv4 172.16.1.3 auth-port 1645 acct-port 1646
         key radius_key
        crypto pki trustpoint tp
         revocation-check none
        crypto ikev2 profile ikev2_profile
         aaa authentication eap authen_list_radius
         authentication remote eap query-identity
         authentication local rsa-sig
         pki trustpoint tp
        """
        let loaded = FlexConfig.load(text: text, file: "seed.conf")
        try #require(!loaded.hasErrors, "\(loaded.errors)")
        let plugins = try ResolvedPlugins.resolve(loaded.configuration, text: text, file: "seed.conf", logger: AuthHarness.logger)
        #expect(plugins.usedFeatures == [.eapPassThrough])
        #expect(AuthWorkerCommand.services(for: plugins, configuration: loaded.configuration).map(\.offer.name) == ["auth.eap"])
        #expect(AuthWorkerCommand.services(for: plugins, configuration: loaded.configuration).first?.offer.conversational == true)
    }
}

/// `--plugin-option NAME.KEY=VALUE` parsing.
@Suite struct PluginOptionTests {
    @Test func testOptionsAreGroupedByPlugin() throws {
        let options = try AuthWorkerCommand.pluginOptions(["RADIUS.aaa-password=s3cret", "RADIUS.nas-identifier=hub1", "LocalKeyring.file=/k"])
        #expect(options == ["RADIUS": ["aaa-password": "s3cret", "nas-identifier": "hub1"], "LocalKeyring": ["file": "/k"]])
    }

    @Test func testMalformedOrUnknownPlugin_isAnErrorNamingTheOption() {
        #expect { _ = try AuthWorkerCommand.pluginOptions(["nodot"]) } throws: { "\($0)".contains("--plugin-option nodot: expected NAME.KEY=VALUE") }
        #expect { _ = try AuthWorkerCommand.pluginOptions(["TACACS.key=x"]) } throws: { "\($0)".contains("no plugin TACACS") }
    }

    @Test func testBadRADIUSOption_stopsThePlugin() throws {
        let loaded = FlexConfig.load(text: "aaa new-model\n", file: "x.conf")
        #expect(throws: PluginError("RADIUS option eap-conversation-lifetime: 'soon' is not a positive number of seconds")) {
            _ = try RADIUSPluginFactory.make(loaded.configuration, options: ["eap-conversation-lifetime": "soon"])
        }
    }
}
