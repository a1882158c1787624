import ArgumentParser
import ESPDataPlane
import Foundation
import HubNetworking
import HubVocabulary

/// `ikehub-bench esp`: userspace ESP seal and open throughput per cipher suite, one thread,
/// in place in a reused buffer (the data plane's allocation-free path). Figures, not
/// assertions.
struct ESPBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "esp",
        abstract: "ESP seal/open packets/s and Gbit/s per cipher suite (1400-octet inner packets by default)."
    )

    @Flag(help: "Short runs (under 10 s in all): checks that it runs, figures are rough.")
    var quick = false

    @Option(help: "Inner IP packet size in octets.")
    var packetSize = 1400

    @Option(help: "Seconds per measurement (default 1.5; --quick 0.25).")
    var seconds: Double?

    @Flag(help: "Also push UDP traffic through two data planes in two network namespaces (needs root).")
    var plane = false

    @Flag(help: "Also measure one tunnel end to end: iperf3 TCP/UDP and ping through IKEHub's userspace data plane beside strongSwan kernel-libipsec as responder (needs root, strongSwan, iperf3). --quick includes it with 1-s tests.")
    var tunnel = false

    @Option(help: "Seconds per iperf3 test of --tunnel (default 5; --quick 1).")
    var tunnelSeconds: Double?

    @Option(help: "Write the --tunnel rows as JSON to this file.")
    var json: String?

    @Option(help: "A fixed number of packets per figure instead of a duration (for counting allocations per packet).")
    var packets: Int?

    @Option(help: "Only suites whose name contains this (e.g. gcm, cbc-256, sha512).")
    var suite: String?

    static let suites: [ESPCipherSuite] = [
        try! ESPCipherSuite(encryption: .aesGCM(.bits128, icv: .octets16)),
        try! ESPCipherSuite(encryption: .aesGCM(.bits256, icv: .octets16)),
        try! ESPCipherSuite(encryption: .chaCha20Poly1305),
        try! ESPCipherSuite(encryption: .aesCBC(.bits128), integrity: .hmacSHA1_96),
        try! ESPCipherSuite(encryption: .aesCBC(.bits128), integrity: .hmacSHA2_256_128),
        try! ESPCipherSuite(encryption: .aesCBC(.bits256), integrity: .hmacSHA2_256_128),
        try! ESPCipherSuite(encryption: .aesCBC(.bits256), integrity: .hmacSHA2_512_256),
    ]

    func run() throws {
        let duration = seconds ?? (quick ? 0.25 : 1.5)
        let size = max(20, packetSize)
        print("ESP in place, one thread, \(size)-octet inner IPv4 packets, \(duration) s per figure")
        print(pad("suite", 28) + pad("seal pkt/s", 14, right: true) + pad("seal Gbit/s", 13, right: true)
              + pad("open pkt/s", 14, right: true) + pad("open Gbit/s", 13, right: true))
        for suite in Self.suites where self.suite.map({ suite.description.contains($0) }) ?? true {
            let (sealRate, openRate) = try measure(suite, packetSize: size, seconds: duration)
            let bits = Double(size * 8)
            print(pad(suite.description, 28) + pad(Self.integer(sealRate), 14, right: true) + pad(Self.decimal(sealRate * bits / 1e9), 13, right: true)
                  + pad(Self.integer(openRate), 14, right: true) + pad(Self.decimal(openRate * bits / 1e9), 13, right: true))
        }
        print("Gbit/s counts inner packet octets; ESP adds \(Self.suites[1].maximumOverhead) octets at most for AES-GCM.")
        if plane { try ESPPlaneThroughput(packetSize: min(size, 1400), seconds: quick ? 2 : 5).run() }
        if tunnel || quick {
            let rows = try ESPTunnelComparison(seconds: tunnelSeconds ?? (quick ? 1 : 5), pings: quick ? 20 : 200,
                                               responders: ["ikehub", "strongswan"]).run()
            if let json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                try encoder.encode(rows).write(to: URL(fileURLWithPath: json))
                print("JSON: \(json)")
            }
        }
    }

    private func measure(_ suite: ESPCipherSuite, packetSize: Int, seconds: Double) throws -> (seal: Double, open: Double) {
        let keys = try ESPKeyMaterial(directionKeyMaterial: SecretBytes((0..<suite.keyMaterialLength).map { UInt8(truncatingIfNeeded: $0 * 7) }),
                                      for: suite)
        let installed = SystemWallClock().now()
        let outbound = try ESPOutboundSA(spi: 0x1000, suite: suite, keys: keys, installedAt: installed)
        var inner = [UInt8](repeating: 0x61, count: packetSize)
        inner[0] = 0x45
        inner[2] = UInt8(packetSize >> 8)
        inner[3] = UInt8(packetSize & 0xff)
        let slot = packetSize + suite.maximumOverhead

        // Seal: the packet sits at the payload offset of one reused buffer, sealed in place.
        var buffer = [UInt8](repeating: 0, count: slot)
        let sealRate = try buffer.withUnsafeMutableBytes { raw -> Double in
            try rate(seconds: seconds, packets: packets) {
                raw.baseAddress!.advanced(by: outbound.payloadOffset).copyMemory(from: inner, byteCount: packetSize)
                _ = try outbound.seal(payloadLength: packetSize, nextHeader: 4, in: raw)
            }
        }

        // Open: a ring of distinct sealed packets (the replay window refuses repeats), copied
        // into the receive buffer as a socket would, then opened in place. A fresh inbound SA
        // per lap of the ring; its setup is outside the timed part of each lap.
        let ringSize = packets.map { max(1, $0) } ?? (quick ? 4096 : 16384)
        let ring = UnsafeMutableRawBufferPointer.allocate(byteCount: ringSize * slot, alignment: 64)
        defer { ring.deallocate() }
        var lengths = [Int](repeating: 0, count: ringSize)
        for index in 0..<ringSize {
            let packetSlot = UnsafeMutableRawBufferPointer(rebasing: ring[(index * slot)..<((index + 1) * slot)])
            packetSlot.baseAddress!.advanced(by: outbound.payloadOffset).copyMemory(from: inner, byteCount: packetSize)
            lengths[index] = try outbound.seal(payloadLength: packetSize, nextHeader: 4, in: packetSlot).length
        }
        var opened = 0
        var elapsed = 0.0
        var receive = [UInt8](repeating: 0, count: slot)
        try receive.withUnsafeMutableBytes { raw in
            while elapsed < seconds || (packets != nil && opened == 0) {
                if let packets, opened >= packets { break }
                // The ring's sequence numbers increase, so a fresh window accepts them all.
                let inbound = try ESPInboundSA(spi: 0x1000, suite: suite, keys: keys, installedAt: installed)
                let start = Self.now()
                for index in 0..<ringSize {
                    let length = lengths[index]
                    raw.baseAddress!.copyMemory(from: ring.baseAddress! + index * slot, byteCount: length)
                    _ = try inbound.open(UnsafeMutableRawBufferPointer(rebasing: raw[0..<length]))
                }
                elapsed += Self.now() - start
                opened += ringSize
            }
        }
        return (sealRate, Double(opened) / elapsed)
    }

    /// Runs `body` repeatedly for about `seconds` (after a short warm-up); operations per second.
    private func rate(seconds: Double, packets: Int?, _ body: () throws -> Void) throws -> Double {
        if let packets {
            let start = Self.now()
            for _ in 0..<packets { try body() }
            return Double(packets) / (Self.now() - start)
        }
        for _ in 0..<1000 { try body() }
        var count = 0
        let start = Self.now()
        var elapsed = 0.0
        while elapsed < seconds {
            for _ in 0..<1000 { try body() }
            count += 1000
            elapsed = Self.now() - start
        }
        return Double(count) / elapsed
    }

    private static func now() -> Double { monotonicSeconds() }

    private static func integer(_ value: Double) -> String { String(Int(value.rounded())) }
    private static func decimal(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        return "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100)"
    }
}

private func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
    let padding = String(repeating: " ", count: max(0, width - text.count))
    return right ? padding + text : text + padding
}

#if canImport(Glibc)
import Glibc
#endif

/// CLOCK_MONOTONIC in seconds.
private func monotonicSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}
