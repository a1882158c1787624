import ArgumentParser
import Foundation
import HubVocabulary
import IKECrypto
import IKELoadGenerator

/// `ikehub-bench load`: the IKEv2 load initiator on its own (the `setup` and `scale`
/// benchmarks run it in the client namespace). Prints `SETUP {json}` once the SAs are up
/// and `FINAL {json}` after the hold.
struct LoadGeneratorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "IKEv2 load initiator: set up and hold N IKE SAs (PSK; the responder by PSK or certificate) against a responder, print JSON lines."
    )

    @Option(help: "Responder address.") var gateway: String
    @Option(help: "First source address; further ones follow (10.97.1.1, .2 … .250, 10.97.2.1 …).") var firstSource = "10.97.1.1"
    @Option(help: "Number of source addresses.") var sources = 200
    @Option(help: "IKE SAs to set up.") var count = 100
    @Option(help: "Setups in flight at once.") var window = 24
    @Option(help: "Key exchange: x25519 | modp2048.") var group = "x25519"
    @Flag(help: "Childless IKE SAs (RFC 6023): no SAi2/TSi/TSr in IKE_AUTH.") var childless = false
    @Flag(help: "No CFG_REQUEST.") var noConfigurationRequest = false
    @Option(help: "Pre-shared key.") var psk: String
    @Option(help: "Seconds to hold the SAs after setup, answering DPD.") var hold = 0.0
    @Option(help: "Seconds to wait for all setups.") var deadline = 300.0
    @Option(help: "First retransmission timeout, ms (doubles each time).") var retransmitMilliseconds = 2000
    @Flag(help: "A fresh KE key pair per SA (default: one for the run).") var freshKeyExchange = false
    @Option(help: "The responder signs with a certificate from the CAs of this PEM file (default: it uses the PSK).")
    var gatewayCA: String?

    func run() throws {
        let dh: DiffieHellmanGroup = group == "modp2048" ? .modp2048 : .curve25519
        let profile = try LoadProfile(suite: try .aes128SHA256(group: dh), childSA: !childless,
                                      configurationRequest: !noConfigurationRequest, preSharedKey: Array(psk.utf8),
                                      expectedResponderIdentity: .fqdn("hub.lab"),
                                      gatewayCertificates: try gatewayCA.map { (path) throws(LoadGeneratorError) in
                                          try GatewayCertificateCheck(authorityFile: path)
                                      })
        guard let gatewayAddress = IPv4Address(gateway), let first = IPv4Address(firstSource) else {
            throw ValidationError("addresses must be IPv4")
        }
        // 250 addresses per /24 from .1 on, as the lab adds them.
        let base: UInt32 = first.rawValue & 0xffff_0000
        let third = Int((first.rawValue >> 8) & 0xff), fourth = Int(first.rawValue & 0xff)
        let firstIndex = (third - 1) * 250 + fourth - 1
        let addresses = (firstIndex..<firstIndex + sources).map { (i: Int) -> IPv4Address in
            let high = UInt32(1 + i / 250) << 8
            return IPv4Address(base | high | UInt32(i % 250 + 1))
        }
        let options = LoadRunOptions(count: count, window: window, sources: addresses, gateway: gatewayAddress,
                                     retransmitMilliseconds: retransmitMilliseconds, deadlineSeconds: deadline, holdSeconds: hold,
                                     shareKeyExchange: !freshKeyExchange)
        let generator = try LoadGenerator(profile: profile, options: options)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let report = try generator.run { setup in
            FileHandle.standardOutput.write(Data("SETUP ".utf8) + ((try? encoder.encode(setup)) ?? Data()) + Data([10]))
        }
        FileHandle.standardOutput.write(Data("FINAL ".utf8) + (try encoder.encode(report)) + Data([10]))
    }
}

/// The orchestrator's side of a load run in the client namespace.
final class LoadRun {
    private let process: Process
    private let output: FileHandle
    private var buffer: [UInt8] = []

    init(lab: BenchLab, count: Int, window: Int, group: String, childless: Bool, hold: Double, deadline: Double,
         sources: Int, retransmitMilliseconds: Int = 2000, gatewayCA: String? = nil) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
        process.arguments = ["netns", "exec", BenchLab.clientNamespace, lab.binaries + "/ikehub-bench", "load",
                             "--gateway", BenchLab.hubAddress, "--sources", String(min(sources, lab.sources.count)),
                             "--count", String(count), "--window", String(window), "--group", group,
                             "--psk", BenchLab.psk, "--hold", String(hold), "--deadline", String(deadline),
                             "--retransmit-milliseconds", String(retransmitMilliseconds)]
            + (childless ? ["--childless"] : []) + (gatewayCA.map { ["--gateway-ca", $0] } ?? [])
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardInput = FileHandle.nullDevice
        output = pipe.fileHandleForReading
        try process.run()
        lab.track(process.processIdentifier)
    }

    /// The next `PREFIX {json}` line, decoded; nil when the process ended first.
    func next(_ prefix: String) -> LoadReport? {
        while true {
            if let newline = buffer.firstIndex(of: 10) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                if line.hasPrefix(prefix + " ") {
                    return try? JSONDecoder().decode(LoadReport.self, from: Data(line.dropFirst(prefix.count + 1).utf8))
                }
                continue
            }
            let data = output.availableData
            if data.isEmpty { return nil }
            buffer += data
        }
    }

    func wait() {
        process.waitUntilExit()
    }

    func stop() { BenchLab.stop(process.processIdentifier) }
}
