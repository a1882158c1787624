import Foundation

/// One data-plane figure through one tunnel.
struct TunnelRow: Codable {
    var responder: String
    var test: String
    var status: String
    var megabitsPerSecond = 0.0
    var lossPercent: Double?
    var rttAverageMilliseconds: Double?
    var rttMaximumMilliseconds: Double?
    var responderCPUPercent = 0.0
}

/// `ikehub-bench esp --tunnel`: one tunnel from a strongSwan client (kernel-libipsec) in
/// bn-cli to the responder in bn-hub — IKEHub's userspace data plane, then strongSwan's
/// kernel-libipsec — both ESP AES-GCM-128 in UDP; iperf3 TCP and UDP with 1 and 4 streams
/// to the hub's protected address, and ping RTT.
struct ESPTunnelComparison {
    var seconds: Double
    var pings: Int
    var responders: [String]

    func run() throws -> [TunnelRow] {
        if let reason = BenchLab.unavailableReason() {
            print("esp --tunnel: skipped: \(reason)")
            return []
        }
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/iperf3") else {
            print("esp --tunnel: skipped: iperf3 is not installed (scripts/install-deps test installs it)")
            return []
        }
        print("Through one tunnel: strongSwan client (kernel-libipsec) in bn-cli → responder in bn-hub, ESP AES-GCM-128 in UDP,"
              + " iperf3 \(fixed(seconds, 0)) s per test to \(BenchLab.protectedAddress), ping \(pings) × 10 ms")
        print("machine: \(machineNote())")
        let lab = try BenchLab(sourceCount: 1)
        defer { lab.tearDown() }
        var rows: [TunnelRow] = []
        for side in responders {
            let settings = ResponderSettings(group: "x25519")
            let responder: BenchResponder = side == "ikehub" ? IKEHubResponder(lab: lab, settings: settings)
                                                              : StrongSwanResponder(lab: lab, settings: settings)
            do {
                rows += try measure(lab: lab, responder: responder)
            } catch {
                rows.append(TunnelRow(responder: responder.name, test: "tunnel", status: "error: \(error)"))
            }
        }
        Self.printTable(rows)
        return rows
    }

    static func clientSwanctl() -> String {
        """
        connections {
          bench {
            version = 2
            local_addrs = \(BenchLab.clientAddress)
            remote_addrs = \(BenchLab.hubAddress)
            proposals = aes128-sha256-x25519
            vips = 0.0.0.0
            encap = yes
            send_certreq = no
            local {
              auth = psk
              id = client@bench.lab
            }
            remote {
              auth = psk
              id = hub.lab
            }
            children {
              bench {
                remote_ts = \(BenchLab.protectedNetwork)
                esp_proposals = aes128gcm16
                start_action = none
              }
            }
          }
        }
        secrets {
          ike-bench {
            secret = "\(BenchLab.psk)"
          }
        }

        """
    }

    private func measure(lab: BenchLab, responder: BenchResponder) throws -> [TunnelRow] {
        try responder.start()
        defer { responder.stop() }
        let clientDirectory = lab.state + "/charon-client"
        var client: Process?
        try StrongSwanResponder.launch(lab: lab, directory: clientDirectory,
                                       strongSwanConf: StrongSwanResponder.strongSwanConf(directory: clientDirectory),
                                       swanctlConf: Self.clientSwanctl(), namespace: BenchLab.clientNamespace) { client = $0 }
        defer { if let client { lab.stop(client) } }
        try StrongSwanResponder.swanctl(clientDirectory, ["--initiate", "--child", "bench", "--timeout", "20"])
        let server = try lab.start(in: BenchLab.hubNamespace, ["/usr/bin/iperf3", "-s", "-B", BenchLab.protectedAddress, "-p", "5211"],
                                   log: lab.state + "/iperf3-server.log")
        defer { lab.stop(server) }
        usleep(500_000)
        var rows: [TunnelRow] = []
        let pids = responder.processes()

        // ping RTT through the tunnel
        var ping = TunnelRow(responder: responder.name, test: "ping RTT", status: "ok")
        let pingOutput = (try? BenchLab.run("/usr/sbin/ip", ["netns", "exec", BenchLab.clientNamespace, "ping", "-q", "-c", String(pings),
                                                             "-i", "0.01", BenchLab.protectedAddress])) ?? ""
        // rtt min/avg/max/mdev = 0.041/0.060/0.102/0.012 ms
        if let stats = pingOutput.split(separator: "\n").first(where: { $0.contains("min/avg/max") })?.split(separator: "=").last {
            let values = stats.split(separator: "/").compactMap { Double($0.trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "") }
            if values.count >= 3 { ping.rttAverageMilliseconds = values[1]; ping.rttMaximumMilliseconds = values[2] }
        } else {
            ping.status = "no answer: " + pingOutput.suffix(200)
        }
        rows.append(ping)

        let tests: [(String, [String])] = [
            ("TCP 1 stream", []),
            ("TCP 4 streams", ["-P", "4"]),
            ("UDP 1 stream 1G offered", ["-u", "-b", "1G", "-l", "1300"]),
            ("UDP 4 streams 250M each", ["-u", "-b", "250M", "-l", "1300", "-P", "4"]),
        ]
        for (name, arguments) in tests {
            var row = TunnelRow(responder: responder.name, test: name, status: "ok")
            let before = ProcessSampler.cpuMilliseconds(pids)
            let started = Date()
            let output = (try? BenchLab.run("/usr/sbin/ip", ["netns", "exec", BenchLab.clientNamespace, "/usr/bin/iperf3", "-c",
                                                             BenchLab.protectedAddress, "-p", "5211", "-J", "-t", fixed(seconds, 0)] + arguments))
            let elapsed = Date().timeIntervalSince(started)
            row.responderCPUPercent = elapsed > 0 ? (ProcessSampler.cpuMilliseconds(pids) - before) / elapsed / 10 : 0
            guard let output, let object = try? JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any],
                  let end = object["end"] as? [String: Any] else {
                row.status = "iperf3 failed"
                rows.append(row)
                continue
            }
            if let error = object["error"] as? String { row.status = "iperf3: \(error)" }
            if arguments.contains("-u") {
                let sum = (end["sum_received"] as? [String: Any]) ?? (end["sum"] as? [String: Any]) ?? [:]
                row.megabitsPerSecond = ((sum["bits_per_second"] as? Double) ?? 0) / 1e6
                row.lossPercent = (end["sum"] as? [String: Any])?["lost_percent"] as? Double
            } else {
                let sum = (end["sum_received"] as? [String: Any]) ?? [:]
                row.megabitsPerSecond = ((sum["bits_per_second"] as? Double) ?? 0) / 1e6
            }
            rows.append(row)
        }
        return rows
    }

    static func printTable(_ rows: [TunnelRow]) {
        let widths = [12, 26, 12, 9, 18, 15, 0]
        func line(_ cells: [String]) -> String {
            zip(cells, widths).map { cell, width in width == 0 ? cell : (cell.count >= width ? cell + " " : cell + String(repeating: " ", count: width - cell.count)) }.joined()
        }
        print(line(["responder", "test", "Mbit/s", "loss %", "RTT avg/max ms", "resp CPU %", "status"]))
        for row in rows {
            let rtt = row.rttAverageMilliseconds.map { "\(fixed($0, 3))/\(fixed(row.rttMaximumMilliseconds ?? 0, 3))" } ?? "-"
            print(line([row.responder, row.test, row.rttAverageMilliseconds == nil ? fixed(row.megabitsPerSecond, 0) : "-",
                        row.lossPercent.map { fixed($0, 2) } ?? "-", rtt,
                        row.rttAverageMilliseconds == nil ? fixed(row.responderCPUPercent, 0) : "-", row.status]))
        }
        for test in Set(rows.map(\.test)).sorted() {
            guard let hub = rows.first(where: { $0.responder == "IKEHub" && $0.test == test }),
                  let swan = rows.first(where: { $0.responder == "strongSwan" && $0.test == test }) else { continue }
            if let a = hub.rttAverageMilliseconds, let b = swan.rttAverageMilliseconds, b > 0 {
                print("  ratio IKEHub/strongSwan \(test): \(fixed(a / b, 2)) (lower is better)")
            } else if swan.megabitsPerSecond > 0 {
                print("  ratio IKEHub/strongSwan \(test): \(fixed(hub.megabitsPerSecond / swan.megabitsPerSecond, 2)) (higher is better)")
            }
        }
        print("resp CPU % = responder processes' CPU over the test (100 % = one core); the client is strongSwan kernel-libipsec in both runs")
    }
}
