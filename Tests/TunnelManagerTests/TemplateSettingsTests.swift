import Testing
import FlexConfig
import HubVocabulary
@testable import TunnelManager

/// The virtual-template settings a virtual-access takes (pure: configuration in, values out).
struct TemplateSettingsTests {
    static let configuration = FlexConfig.load(text: TunneldHarness.configuration + """

        interface Virtual-Template2 type tunnel
         ip unnumbered loopback0
        !
        """, file: "test.cfg").configuration

    @Test func testResolve_takesTheTemplateMTUAndTheUnnumberedLoopbackAddress() throws {
        let (settings, ignored) = try TemplateSettings.resolve(template: 1, in: Self.configuration, interfaceConfig: [])
        #expect(settings.mtu == UInt32(TunneldHarness.templateMTU))
        #expect(settings.unnumberedIPv4 == IPv4Address(TunneldHarness.loopback))
        #expect(settings.unnumberedIPv6 == nil)
        #expect(ignored.isEmpty)
    }

    @Test func testResolve_withoutIPMTU_usesTheTunnelDefaultAndMatchesNamesCaseInsensitively() throws {
        let (settings, _) = try TemplateSettings.resolve(template: 2, in: Self.configuration, interfaceConfig: [])
        #expect(settings.mtu == TemplateSettings.defaultMTU)
        #expect(settings.unnumberedIPv4 == IPv4Address(TunneldHarness.loopback))
    }

    @Test(arguments: [
        (["ip mtu 1300"], UInt32(1300), [String]()),
        (["ip mtu 20"], UInt32(TunneldHarness.templateMTU), ["ip mtu 20"]),
        (["ip access-group 101 in", "ip mtu 1200"], UInt32(1200), ["ip access-group 101 in"]),
    ])
    func testResolve_interfaceConfigLinesOverrideTheTemplate(_ lines: [String], _ mtu: UInt32, _ ignored: [String]) throws {
        let result = try TemplateSettings.resolve(template: 1, in: Self.configuration, interfaceConfig: lines)
        #expect(result.settings.mtu == mtu)
        #expect(result.ignored == ignored)
    }

    @Test func testResolve_unknownTemplateThrows() {
        #expect(throws: TunnelManagerError.unknownVirtualTemplate(7)) {
            _ = try TemplateSettings.resolve(template: 7, in: Self.configuration, interfaceConfig: [])
        }
    }

    @Test(arguments: [("198.18.1.1:4500", "198.18.1.1:4500"), ("[2001:db8::1]:4500", "[2001:db8::1]:4500")])
    func testNATTListenOption_parsesAddressAndPort(_ text: String, _ expected: String) throws {
        let address = try #require(TunnelManagerCommand.socketAddress(text))
        #expect(address.description == expected)
    }

    @Test(arguments: ["198.18.1.1", "198.18.1.1:70000", "host:4500"])
    func testNATTListenOption_refusesMalformedText(_ text: String) {
        #expect(TunnelManagerCommand.socketAddress(text) == nil)
    }
}
