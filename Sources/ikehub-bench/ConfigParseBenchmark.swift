import ArgumentParser
import FlexConfig

/// `ikehub-bench config`: time to parse, build and check a large configuration
/// (a keyring with many peers, five lines each).
struct ConfigParseBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Parse a generated FlexVPN configuration (default 10,000 keyring peers, 50,000+ lines) and print the time."
    )

    @Option(help: "Keyring peers to generate (five lines each).") var peers = 10_000
    @Option(help: "Timed repetitions.") var iterations = 5
    @Flag(help: "One repetition of a 1,000-peer configuration (CI smoke run).") var quick = false

    func run() throws {
        let peers = quick ? min(self.peers, 1000) : self.peers
        let iterations = quick ? 1 : self.iterations
        let text = Self.configuration(peers: peers)
        let lineCount = text.utf8.reduce(0) { $1 == 0x0a ? $0 + 1 : $0 } + 1
        var durations: [Duration] = []
        let clock = ContinuousClock()
        var diagnostics = 0
        for _ in 0..<max(1, iterations) {
            let start = clock.now
            let result = FlexConfig.load(text: text, file: "bench.cfg")
            durations.append(clock.now - start)
            diagnostics = result.diagnostics.count
        }
        durations.sort()
        let median = durations[durations.count / 2]
        let seconds = Double(median.components.seconds) + Double(median.components.attoseconds) / 1e18
        print("config parse: \(lineCount) lines (\(peers) keyring peers), \(diagnostics) diagnostics")
        print("  median \(Self.milliseconds(median)) ms, min \(Self.milliseconds(durations[0])) ms over \(durations.count) runs")
        print("  \(Int(Double(lineCount) / seconds)) lines/s")
    }

    static func milliseconds(_ duration: Duration) -> String {
        let value = Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
        return String(Int(value.rounded()))
    }

    /// The same shape as the 50,000-line test in FlexConfigTests.
    static func configuration(peers: Int) -> String {
        var lines = ["crypto ikev2 keyring branches"]
        lines.reserveCapacity(peers * 5 + 2)
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
