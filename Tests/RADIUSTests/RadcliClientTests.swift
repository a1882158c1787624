import Testing
import HubTestSupport
import HubVocabulary
@testable import RADIUS

/// The radcli layer against a real FreeRADIUS on loopback.
@Suite(.serialized, .enabled(if: FreeRADIUSServer.isInstalled, "FreeRADIUS is not installed (apt-get install freeradius)"))
struct RadcliClientTests {
    static let users = """
    alice\tCleartext-Password := "alice-secret"
    \tFramed-IP-Address := 10.1.2.3,
    \tClass := "class-alice",
    \tSession-Timeout := 3600

    """

    private func client(for server: FreeRADIUSServer, secret: String? = nil, timeout: Int = 2, retries: Int = 1) throws -> RadcliClient {
        let endpoint = RadiusServerEndpoint(host: "127.0.0.1", authenticationPort: server.authenticationPort,
                                            accountingPort: server.accountingPort,
                                            secret: SecretBytes(Array((secret ?? server.secret).utf8)))
        return try RadcliClient(configuration: RadiusClientConfiguration(servers: [endpoint], timeoutSeconds: timeout, retries: retries))
    }

    @Test func testAccessAccept_carriesReplyAttributes_whenPasswordIsRight() throws {
        let server = try FreeRADIUSServer(users: Self.users)
        let radius = try client(for: server)
        let response = try radius.authenticate([
            .string(RadiusAttributeType.userName, "alice"),
            .string(RadiusAttributeType.userPassword, "alice-secret"),
        ])
        #expect(response.code == .accessAccept)
        #expect(response.values(of: RadiusAttributeType.framedIPAddress) == [.ipv4(IPv4Address("10.1.2.3")!)])
        #expect(response.values(of: RadiusAttributeType.class) == [.bytes(Array("class-alice".utf8))])
        #expect(response.values(of: RadiusAttributeType.sessionTimeout) == [.integer(3600)])
        #expect(server.log().contains("User-Name = \"alice\""))
    }

    @Test func testAccessReject_whenPasswordIsWrong() throws {
        let server = try FreeRADIUSServer(users: Self.users)
        let response = try client(for: server).authenticate([
            .string(RadiusAttributeType.userName, "alice"),
            .string(RadiusAttributeType.userPassword, "wrong"),
        ])
        #expect(response.code == .accessReject)
        #expect(response.attributes.allSatisfy { $0.type != RadiusAttributeType.framedIPAddress })
    }

    @Test func testAccountingResponse_whenServerRecordsStart() throws {
        let server = try FreeRADIUSServer(users: Self.users)
        let response = try client(for: server).account([
            .string(RadiusAttributeType.userName, "alice"),
            RadiusAttribute(type: RadiusAttributeType.acctStatusType, value: .integer(1)),
            .string(RadiusAttributeType.acctSessionID, "0123456789abcdef"),
        ])
        #expect(response.code == .accountingResponse)
        #expect(server.log().contains("Acct-Session-Id = \"0123456789abcdef\""))
    }

    @Test func testTimeout_whenSecretIsWrong() throws {
        // FreeRADIUS drops requests whose authenticator does not verify under its secret.
        let server = try FreeRADIUSServer(users: Self.users)
        let radius = try client(for: server, secret: "not-the-secret", timeout: 1, retries: 0)
        do {
            let response = try radius.authenticate([
                .string(RadiusAttributeType.userName, "alice"),
                .string(RadiusAttributeType.userPassword, "alice-secret"),
            ])
            Issue.record("expected no valid answer under a wrong secret, got \(response.code) \(response.attributes)")
        } catch {
            #expect(error == .timeout || error == .badResponse)
        }
    }

    @Test func testDictionaryNames_knownAttributes() throws {
        let server = try FreeRADIUSServer(users: Self.users)
        let radius = try client(for: server)
        #expect(radius.attributeName(type: RadiusAttributeType.framedIPAddress) == "Framed-IP-Address")
        #expect(radius.attributeName(type: 250) == nil)
    }
}

@Suite struct RadiusClientConfigurationTests {
    @Test(arguments: ["", "has:colon", "has,comma", "has space"])
    func testSecretRejected_whenRadcliCannotCarryIt(secret: String) {
        let endpoint = RadiusServerEndpoint(host: "127.0.0.1", secret: SecretBytes(Array(secret.utf8)))
        #expect(throws: RadiusClientError.self) {
            _ = try RadcliClient(configuration: RadiusClientConfiguration(servers: [endpoint]))
        }
    }

    @Test func testEndpointDescription_redactsSecret() {
        let endpoint = RadiusServerEndpoint(host: "192.0.2.1", secret: SecretBytes(Array("s3cret".utf8)))
        #expect(!endpoint.description.contains("s3cret"))
        #expect(RadiusAttribute.string(RadiusAttributeType.userPassword, "pw").description == "2=<redacted>")
    }

    @Test func testNoServers_isAnError() {
        #expect(throws: RadiusClientError.invalidValue(field: "servers", reason: "radcli takes 1 to 8 servers, got 0")) {
            _ = try RadcliClient(configuration: RadiusClientConfiguration(servers: []))
        }
    }
}
