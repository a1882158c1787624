import ArgumentParser
import Foundation
import IKELoadGenerator

/// One responder's memory and idle figures for one session count.
struct ScaleRow: Codable {
    var count: Int
    var childSA: Bool
    var responder: String
    var status: String
    var established = 0
    var setupSeconds = 0.0
    var baselineRSSKiB = 0.0
    var baselinePSSKiB = 0.0
    var loadedRSSKiB = 0.0
    var loadedPSSKiB = 0.0
    var rssKiBPerSession = 0.0
    var pssKiBPerSession = 0.0
    var idleSeconds = 0.0
    var idleCPUMilliseconds = 0.0
    var idleCPUMillisecondsPerSecond = 0.0
    var dpdRequestsAnswered = 0
    /// Responder CPU over the idle window per DPD exchange the initiator answered.
    var idleCPUMicrosecondsPerDPD = 0.0
    var perProcessPSSKiB: [String: Double] = [:]
}

/// `ikehub-bench scale`: establish many sessions, then print resident memory per session
/// (Rss and Pss from /proc/<pid>/smaps_rollup, summed over every responder process) and
/// the CPU the responder spends while the sessions sit idle (DPD every `dpd` seconds).
struct ScaleBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scale",
        abstract: "Memory per established session (RSS/PSS over all processes) and idle DPD CPU: IKEHub vs strongSwan."
    )

    @Flag(help: "Small N and a short idle window, both sides (CI smoke run, under 2 minutes).") var quick = false
    @Option(parsing: .upToNextOption, help: "Session counts (default 10000 50000 100000; --quick 100).") var count: [Int] = []
    @Option(parsing: .upToNextOption, help: "Modes: childless child.") var mode: [String] = ["childless", "child"]
    @Option(parsing: .upToNextOption, help: "Responders, in order.") var responder: [String] = ["strongswan", "ikehub"]
    @Option(help: "Key exchange for the setups.") var group = "x25519"
    @Option(help: "Idle window after setup, seconds (default 30; --quick 5).") var idle: Double?
    @Option(help: "DPD interval both responders use, seconds.") var dpd = 10
    @Option(help: "Setups in flight at once.") var window = 32
    @Option(help: "Client source addresses.") var sources = 200
    @Option(help: "Seconds each row may take to set up its sessions (default N/40, at least 120; --quick 12); what is up by then is measured.")
    var deadline: Double?
    @Option(help: "Write the rows as JSON to this file.") var json: String?

    func run() throws {
        if let reason = BenchLab.unavailableReason() {
            print("scale: skipped: \(reason)")
            return
        }
        let counts = count.isEmpty ? (quick ? [100] : [10_000, 50_000, 100_000]) : count
        let idleSeconds = idle ?? (quick ? 5 : 30)
        print("ikehub-bench scale: PSK+\(group), CFG_REQUEST, DPD \(dpd) s on both responders, idle window \(fixed(idleSeconds, 0)) s")
        print("machine: \(machineNote())")
        let lab = try BenchLab(sourceCount: sources)
        defer { lab.tearDown() }
        var rows: [ScaleRow] = []
        for n in counts {
            for m in mode {
                for side in responder {
                    rows.append(measure(lab: lab, count: n, childSA: m == "child", side: side, idleSeconds: idleSeconds))
                    let last = rows.last!
                    FileHandle.standardError.write(Data("scale: N=\(n) \(m) \(last.responder): \(last.status)\n".utf8))
                }
            }
        }
        Self.printTable(rows)
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(rows).write(to: URL(fileURLWithPath: json))
            print("JSON: \(json)")
        }
    }

    private func measure(lab: BenchLab, count: Int, childSA: Bool, side: String, idleSeconds: Double) -> ScaleRow {
        let settings = ResponderSettings(group: group, dpdSeconds: dpd)
        let responder: BenchResponder = side == "ikehub" ? IKEHubResponder(lab: lab, settings: settings)
                                                          : StrongSwanResponder(lab: lab, settings: settings)
        var row = ScaleRow(count: count, childSA: childSA, responder: responder.name, status: "")
        do {
            try responder.start()
            defer { responder.stop() }
            let baseline = ProcessSampler.memoryKiB(responder.processes())
            row.baselineRSSKiB = baseline.rss
            row.baselinePSSKiB = baseline.pss
            let load = try LoadRun(lab: lab, count: count, window: window, group: group, childless: !childSA, hold: idleSeconds,
                                   deadline: deadline ?? (quick ? 12 : Double(max(120, count / 40))), sources: sources,
                                   retransmitMilliseconds: quick ? 1000 : 2000)
            guard let setup = load.next("SETUP") else {
                load.stop()
                row.status = "load generator failed"
                return row
            }
            // Processes may have been restarted or added (children): sample the tree again.
            let pids = responder.processes()
            let cpuStart = ProcessSampler.cpuMilliseconds(pids)
            let loaded = ProcessSampler.memoryKiB(pids)
            for pid in pids {
                let name = ProcessSampler.names([pid]).first ?? String(pid)
                row.perProcessPSSKiB[name, default: 0] += ProcessSampler.memoryKiB(pid).pss
            }
            row.established = setup.established
            row.setupSeconds = setup.wallSeconds
            row.loadedRSSKiB = loaded.rss
            row.loadedPSSKiB = loaded.pss
            if setup.established > 0 {
                row.rssKiBPerSession = (loaded.rss - baseline.rss) / Double(setup.established)
                row.pssKiBPerSession = (loaded.pss - baseline.pss) / Double(setup.established)
            }
            let final = load.next("FINAL")
            let cpuEnd = ProcessSampler.cpuMilliseconds(pids)
            load.wait()
            row.idleSeconds = final?.holdSeconds ?? idleSeconds
            row.idleCPUMilliseconds = cpuEnd - cpuStart
            row.idleCPUMillisecondsPerSecond = row.idleSeconds > 0 ? row.idleCPUMilliseconds / row.idleSeconds : 0
            row.dpdRequestsAnswered = final?.holdRequestsAnswered ?? 0
            if row.dpdRequestsAnswered > 0 { row.idleCPUMicrosecondsPerDPD = row.idleCPUMilliseconds * 1000 / Double(row.dpdRequestsAnswered) }
            row.status = SetupBenchmark.status(setup, count: count)
        } catch {
            row.status = "error: \(error)"
        }
        return row
    }

    static func printTable(_ rows: [ScaleRow]) {
        let widths = [8, 10, 11, 8, 9, 12, 12, 13, 13, 14, 9, 9, 0]
        func line(_ cells: [String]) -> String {
            zip(cells, widths).map { cell, width in width == 0 ? cell : (cell.count >= width ? cell + " " : cell + String(repeating: " ", count: width - cell.count)) }.joined()
        }
        print(line(["N", "mode", "responder", "up", "setup s", "RSS MiB", "PSS MiB", "RSS KiB/sess", "PSS KiB/sess", "idle CPU ms/s",
                    "DPD ans", "µs/DPD", "status"]))
        for row in rows {
            print(line([String(row.count), row.childSA ? "child" : "childless", row.responder, String(row.established), fixed(row.setupSeconds, 1),
                        fixed(row.loadedRSSKiB / 1024, 1), fixed(row.loadedPSSKiB / 1024, 1), fixed(row.rssKiBPerSession, 2),
                        fixed(row.pssKiBPerSession, 2), fixed(row.idleCPUMillisecondsPerSecond, 1), String(row.dpdRequestsAnswered),
                        fixed(row.idleCPUMicrosecondsPerDPD, 0), row.status]))
        }
        print("KiB/session = (loaded − freshly started) / sessions, summed over every responder process; idle CPU over the window after setup; "
              + "µs/DPD = that CPU ÷ the DPD requests the initiator answered")
        for row in rows where !row.perProcessPSSKiB.isEmpty && row.responder == "IKEHub" {
            let parts = row.perProcessPSSKiB.sorted { $0.value > $1.value }.map { "\($0.key) \(fixed($0.value / 1024, 1))" }
            print("  IKEHub N=\(row.count) \(row.childSA ? "child" : "childless") PSS MiB by process: " + parts.joined(separator: ", "))
        }
    }
}
