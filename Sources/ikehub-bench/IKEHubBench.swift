import ArgumentParser

/// `ikehub-bench`: benchmarks that print figures (never timed tests). Each benchmark is
/// a subcommand in its own file (`<Name>Benchmark.swift`).
@main
struct IKEHubBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ikehub-bench",
        abstract: "IKEHub benchmarks: print ns/op, rates and ratios.",
        subcommands: IKEHubBench.registeredBenchmarks
    )
}

