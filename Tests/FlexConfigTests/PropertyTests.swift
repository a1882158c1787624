import Testing
@testable import FlexConfig

/// `parse(show(x)) == x` over every fixture, and the printer's fixed point.
struct PropertyTests {
    @Test(arguments: Fixture.allNames)
    func testShowThenParseGivesTheSameModel_whenAnyFixtureIsLoaded(_ name: String) throws {
        let original = try Fixture.load(name).configuration
        let shown = FlexConfig.show(original)
        let reparsed = FlexConfig.load(text: shown, file: "shown-\(name)")
        #expect(reparsed.configuration == original)
        #expect(FlexConfig.show(reparsed.configuration) == shown)
        // The canonical text never adds an error of its own.
        let newErrors = reparsed.errors.filter { !$0.message.contains("is not defined") && !$0.message.contains("needs") }
        #expect(newErrors.isEmpty, "\(newErrors)")
    }

    @Test func testThereAreFixtures_whenTheBundleIsRead() {
        #expect(Fixture.allNames.count >= 16)
    }

    @Test func testFiftyThousandLineConfigurationParses_whenTenThousandPeersAreConfigured() {
        let text = ScaleConfiguration.text(peers: 10_000)
        #expect(text.split(separator: "\n").count >= 50_000)
        let result = load(text)
        #expect(result.diagnostics.isEmpty)
        #expect(result.configuration.ikev2.keyrings.first?.peers.count == 10_000)
    }
}

/// A configuration of the size the benchmark uses (the benchmark has its own copy).
enum ScaleConfiguration {
    static func text(peers: Int) -> String {
        var lines = ["crypto ikev2 keyring branches"]
        lines.reserveCapacity(peers * 5 + 20)
        for index in 0..<peers {
            lines.append(" peer branch-\(index)")
            lines.append("  address 10.\(index / 65536 % 256).\(index / 256 % 256).\(index % 256)")
            lines.append("  identity fqdn branch-\(index).example.net")
            lines.append("  pre-shared-key key-\(index)-secret")
            lines.append(" !")
        }
        lines.append("!")
        return lines.joined(separator: "\n")
    }
}
