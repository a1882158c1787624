import ArgumentParser
import Foundation
import IKELoadGenerator

/// One responder's figures for one configuration.
struct SetupRow: Codable {
    var configuration: String
    var group: String
    var childSA: Bool
    var count: Int
    var responder: String
    var status: String
    var established = 0
    var failed = 0
    var timedOut = 0
    var failureReasons: [String: Int] = [:]
    var establishedPerSecond = 0.0
    var responderCPUMilliseconds = 0.0
    var responderCPUMillisecondsPerSA = 0.0
    var responderProcesses: [String] = []
    var latencyP50Milliseconds = 0.0
    var latencyP99Milliseconds = 0.0
    var retransmissions = 0
    var initiatorCPUMillisecondsPerSA = 0.0
    var wallSeconds = 0.0
    /// How the responder's AUTH was checked, with the number of SAs.
    var responderAuthenticationMethods: [String: Int] = [:]
}

/// `ikehub-bench setup`: IKE SA setup rate and responder CPU per SA, IKEHub beside
/// strongSwan's charon, the same load from the same initiator in the same namespaces.
struct SetupBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "setup",
        abstract: "IKE_SA (+CHILD_SA) setups/s, responder CPU-ms per SA (all processes), p50/p99 latency: IKEHub vs strongSwan; PSK, and a gateway that signs with an ECDSA P-256 or RSA-2048 certificate."
    )

    @Flag(help: "Small N, both sides, every configuration once (CI smoke run, under 2 minutes).") var quick = false
    @Option(parsing: .upToNextOption, help: "Numbers of SAs of the PSK rows (default 1000 10000; --quick 40; modp2048 half in --quick).") var count: [Int] = []
    @Option(parsing: .upToNextOption, help: "Key exchanges: x25519 modp2048.") var group: [String] = ["x25519", "modp2048"]
    @Option(parsing: .upToNextOption, help: "Modes: childless child.") var mode: [String] = ["childless", "child"]
    @Option(parsing: .upToNextOption, help: "Responders, in order (strongSwan first: IKEHub takes minutes to exit with 10 000 TUN devices).") var responder: [String] = ["strongswan", "ikehub"]
    @Option(parsing: .upToNextOption, help: "How the gateway authenticates, in order: psk (the PSK rows), ecdsa, rsa (certificate rows: an ECDSA P-256 or RSA-2048 certificate).")
    var gatewayAuth: [String] = ["psk", "ecdsa", "rsa"]
    @Option(help: "SAs of each certificate row (default 1000; --quick 16). X25519, clients by PSK.") var certificateCount: Int?
    @Option(help: "Setups in flight at once.") var window = 32
    @Option(help: "Client source addresses.") var sources = 200
    @Option(help: "Write the rows as JSON to this file.") var json: String?

    func run() throws {
        if let reason = BenchLab.unavailableReason() {
            print("setup: skipped: \(reason)")
            return
        }
        let counts = count.isEmpty ? (quick ? [40] : [1000, 10_000]) : count
        print("ikehub-bench setup: PSK, aes128-sha256-<group>, ESP aes128gcm16, CFG_REQUEST, window \(window), \(sources) client addresses")
        print("certificate rows: the gateway signs (ECDSA P-256 / RSA-2048 certificate, sent in CERT), clients use the PSK, X25519; the initiator verifies chain and signature")
        print("machine: \(machineNote())")
        let lab = try BenchLab(sourceCount: sources)
        defer { lab.tearDown() }
        var rows: [SetupRow] = []
        let keyTypes = try gatewayAuth.filter { $0 != "psk" }.map { (name) throws -> GatewayCertificate.KeyType in
            guard let type = GatewayCertificate.KeyType(rawValue: name) else { throw ValidationError("--gateway-auth: psk | ecdsa | rsa") }
            return type
        }
        for n in gatewayAuth.contains("psk") ? counts : [] {
            for dh in group {
                for m in mode {
                    let name = "PSK+\(dh == "modp2048" ? "MODP-2048" : "X25519") \(m == "child" ? "+CHILD_SA" : "childless")"
                    for side in responder {
                        rows.append(measure(lab: lab, name: name, group: dh, childSA: m == "child", count: quick ? (dh == "modp2048" ? n / 2 : n) : n,
                                            side: side))
                        report(rows.last!)
                    }
                }
            }
        }
        let certificateN = certificateCount ?? (quick ? 16 : 1000)
        for keyType in keyTypes {
            let gateway: GatewayCertificate
            do {
                gateway = try GatewayCertificate.make(keyType, in: lab.state + "/pki-" + keyType.rawValue)
            } catch {
                rows.append(SetupRow(configuration: "\(keyType.label) gateway", group: "x25519", childSA: false, count: certificateN,
                                     responder: "both", status: "no certificate: \(error)"))
                report(rows.last!)
                continue
            }
            for m in mode {
                let name = "\(keyType.label) gateway \(m == "child" ? "+CHILD_SA" : "childless")"
                for side in responder {
                    rows.append(measure(lab: lab, name: name, group: "x25519", childSA: m == "child", count: certificateN,
                                        side: side, gateway: gateway))
                    report(rows.last!)
                }
            }
        }
        Self.printTable(rows)
        if quick { print("(--quick: small N; figures are indicative only)") }
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(rows).write(to: URL(fileURLWithPath: json))
            print("JSON: \(json)")
        }
    }

    /// Each row as it completes, on stderr, so an interrupted run keeps what it measured.
    private func report(_ row: SetupRow) {
        FileHandle.standardError.write(Data("setup: \(row.configuration) N=\(row.count) \(row.responder): \(row.status)\n".utf8))
        FileHandle.standardError.write(Data(("  " + ((try? JSONEncoder().encode(row)).map { String(decoding: $0, as: UTF8.self) } ?? "") + "\n").utf8))
    }

    private func measure(lab: BenchLab, name: String, group: String, childSA: Bool, count: Int, side: String,
                         gateway: GatewayCertificate? = nil) -> SetupRow {
        var settings = ResponderSettings(group: group)
        settings.gatewayCertificate = gateway
        let responder: BenchResponder = side == "ikehub" ? IKEHubResponder(lab: lab, settings: settings)
                                                          : StrongSwanResponder(lab: lab, settings: settings)
        var row = SetupRow(configuration: name, group: group, childSA: childSA, count: count, responder: responder.name, status: "")
        do {
            try responder.start()
            defer { responder.stop() }
            let pids = responder.processes()
            row.responderProcesses = ProcessSampler.names(pids)
            let before = ProcessSampler.cpuMilliseconds(pids)
            let load = try LoadRun(lab: lab, count: count, window: window, group: group, childless: !childSA, hold: 0,
                                   deadline: quick ? 12 : Double(max(60, count / 20)), sources: sources,
                                   retransmitMilliseconds: quick ? 1000 : 2000, gatewayCA: gateway?.caFile)
            guard let setup = load.next("SETUP") else {
                load.stop()
                row.status = "load generator failed"
                return row
            }
            let after = ProcessSampler.cpuMilliseconds(pids)
            load.wait()
            row.established = setup.established
            row.failed = setup.failed
            row.timedOut = setup.timedOut
            row.failureReasons = setup.failureReasons
            row.establishedPerSecond = setup.establishedPerSecond
            row.responderCPUMilliseconds = after - before
            row.responderCPUMillisecondsPerSA = setup.established > 0 ? (after - before) / Double(setup.established) : 0
            row.latencyP50Milliseconds = setup.latencyP50Milliseconds
            row.latencyP99Milliseconds = setup.latencyP99Milliseconds
            row.retransmissions = setup.retransmissions
            row.initiatorCPUMillisecondsPerSA = setup.initiatorCPUMillisecondsPerSA
            row.wallSeconds = setup.wallSeconds
            row.responderAuthenticationMethods = setup.responderAuthenticationMethods
            row.status = Self.status(setup, count: count)
        } catch {
            row.status = "error: \(error)"
        }
        return row
    }

    /// "ok", "refused: <notify>" or how many came up and why the others did not.
    static func status(_ report: LoadReport, count: Int) -> String {
        if report.established == count { return "ok" }
        let reasons = report.failureReasons.sorted { $0.value > $1.value }
            .map { ($0.key.hasPrefix("IKE_AUTH refused: ") ? "refused: " + $0.key.dropFirst(18) : $0.key) + " ×\($0.value)" }
        let head = report.established == 0 && !reasons.isEmpty ? "" : "\(report.established)/\(count) up; "
        return head + (reasons + (report.timedOut > 0 ? ["\(report.timedOut) unanswered at the deadline"] : [])).joined(separator: "; ")
    }

    static func printTable(_ rows: [SetupRow]) {
        let header = ["configuration", "N", "responder", "up", "SAs/s", "resp CPU ms/SA", "p50 ms", "p99 ms", "retrans",
                      "init CPU ms/SA", "status"]
        let widths = [30, 6, 11, 6, 8, 15, 8, 8, 8, 15, 0]
        func line(_ cells: [String]) -> String {
            zip(cells, widths).map { cell, width in width == 0 ? cell : (cell.count >= width ? cell + " " : cell + String(repeating: " ", count: width - cell.count)) }.joined()
        }
        print(line(header))
        for row in rows {
            if row.responder == "both" {
                print(line([row.configuration, String(row.count), "both", "-", "-", "-", "-", "-", "-", "-", row.status]))
                continue
            }
            print(line([row.configuration, String(row.count), row.responder, String(row.established), fixed(row.establishedPerSecond, 0),
                        fixed(row.responderCPUMillisecondsPerSA, 3), fixed(row.latencyP50Milliseconds, 1), fixed(row.latencyP99Milliseconds, 1),
                        String(row.retransmissions), fixed(row.initiatorCPUMillisecondsPerSA, 3), row.status + signatureNote(row)]))
            if row.responder == "IKEHub",
               let swan = rows.last(where: { $0.responder == "strongSwan" && $0.configuration == row.configuration && $0.count == row.count }),
               swan.established > 0, row.established > 0 {
                let hub = row, row = swan
                print(line(["  ratio IKEHub/strongSwan", "", "", "", fixed(hub.establishedPerSecond / row.establishedPerSecond, 2),
                            fixed(hub.responderCPUMillisecondsPerSA / max(row.responderCPUMillisecondsPerSA, 1e-9), 2),
                            fixed(hub.latencyP50Milliseconds / max(row.latencyP50Milliseconds, 1e-9), 2),
                            fixed(hub.latencyP99Milliseconds / max(row.latencyP99Milliseconds, 1e-9), 2), "", "", ""]))
            }
        }
        print("resp CPU = utime+stime of every responder process (IKEHub: launcher, ike, authd, auth-worker, addrd, tunneld, acctd; strongSwan: charon) over the setup phase, 10 ms ticks")
    }
}

/// " (AUTH method 14 ecdsa-with-SHA256)": how a certificate row's responder signed, as
/// the initiator verified it; empty for the PSK rows.
private func signatureNote(_ row: SetupRow) -> String {
    let methods = row.responderAuthenticationMethods.filter { $0.key != "shared key MIC" }
    guard !methods.isEmpty else { return "" }
    return " (AUTH " + methods.sorted { $0.value > $1.value }.map { methods.count == 1 ? $0.key : "\($0.key) ×\($0.value)" }
        .joined(separator: ", ") + ")"
}

func fixed(_ value: Double, _ digits: Int) -> String {
    guard value.isFinite else { return "-" }
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    var text = String(rounded)
    if digits == 0 { return String(Int(rounded)) }
    if let dot = text.firstIndex(of: ".") {
        let decimals = text.distance(from: dot, to: text.endIndex) - 1
        if decimals < digits { text += String(repeating: "0", count: digits - decimals) }
    }
    return text
}
