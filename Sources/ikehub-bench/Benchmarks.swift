import ArgumentParser

extension IKEHubBench {
    /// Every benchmark subcommand.
    static let registeredBenchmarks: [any ParsableCommand.Type] = [
        MicroBenchmark.self,
        ConfigParseBenchmark.self,
        ESPBenchmark.self,
        IPCBenchmark.self,
        AuthBenchmark.self,
        SetupBenchmark.self,
        ScaleBenchmark.self,
        LoadGeneratorCommand.self,
    ]
}
