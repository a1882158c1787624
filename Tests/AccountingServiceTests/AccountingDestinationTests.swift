import Accounting
import FlexConfig
import Testing

/// Which RADIUS servers acctd sends to, read from FlexVPN configuration text.
struct AccountingDestinationTests {
    static let servers = """
        radius server RAD1
         address ipv4 192.0.2.10 auth-port 1812 acct-port 1813
         key first-secret
         timeout 2
         retransmit 4
        radius server RAD2
         address ipv4 192.0.2.11 auth-port 1645 acct-port 1646
         key second-secret

        """

    static func destination(_ text: String) throws -> AccountingDestination? {
        let loaded = FlexConfig.load(text: text, file: "test.cfg")
        #expect(!loaded.hasErrors, "\(loaded.errors)")
        return try AccountingDestination.of(loaded.configuration, dictionaryPath: "/etc/radcli/dictionary", nasIdentifier: "hub1")
    }

    @Test func testGroupMembersInFailoverOrder_whenTheListNamesAGroup() throws {
        let destination = try #require(try Self.destination("""
            aaa new-model
            aaa group server radius ACCT
             server name RAD2
             server name RAD1
            aaa accounting network OTHER start-stop group ACCT
            aaa accounting network default start-stop group ACCT

            """ + Self.servers))
        #expect(destination.methodList == "default")
        #expect(destination.client.servers.map { "\($0.host):\($0.accountingPort)" } == ["192.0.2.11:1646", "192.0.2.10:1813"])
        // Time-out and retransmit of the first server in the group (IOS defaults 5 s, 3).
        #expect(destination.client.timeoutSeconds == 5 && destination.client.retries == 3)
        #expect(destination.client.nasIdentifier == "hub1")
    }

    @Test func testEveryServer_whenTheListNamesGroupRadius() throws {
        let destination = try #require(try Self.destination("""
            aaa new-model
            aaa accounting network ACCT start-stop group radius

            """ + Self.servers))
        #expect(destination.methodList == "ACCT")
        #expect(destination.client.servers.map(\.host) == ["192.0.2.10", "192.0.2.11"])
        #expect(destination.client.timeoutSeconds == 2 && destination.client.retries == 4)
    }

    @Test func testNoDestination_whenThereIsNoAccountingList() throws {
        #expect(try Self.destination("aaa new-model\n" + Self.servers) == nil)
    }
}
