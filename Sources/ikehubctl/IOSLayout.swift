import HubIPC

/// IOS's layouts of the show commands, from the control rows (named cells).
enum IOSLayout {
    struct Row {
        let cells: [String: String]
        subscript(_ name: String) -> String { cells[name] ?? "" }
    }

    static func rows(_ reply: IPCv1ShowReply) -> [Row] {
        reply.rows.map { row in Row(cells: Dictionary(zip(reply.columns, row.cells), uniquingKeysWith: { first, _ in first })) }
    }

    static func cryptoSession(_ reply: IPCv1ShowReply, detail: Bool) -> String {
        var text = "Crypto session current status\n\n"
        for row in rows(reply) {
            let remote = row["remote"].split(separator: "/")
            let status = row["state"] == "established" ? "UP-ACTIVE" : "UP-NEGOTIATING"
            text += "Interface: \(row["interface"].isEmpty ? "-" : row["interface"])\n"
            text += "Profile: \(row["profile"])\n"
            if detail, !row["username"].isEmpty { text += "Uptime: \(row["age"])s\n" }
            text += "Session status: \(status)\n"
            text += "Peer: \(remote.first ?? "") port \(remote.last ?? "")\n"
            if detail {
                text += "  Phase1_id: \(row["identity"])\n"
                if !row["username"].isEmpty { text += "  Username: \(row["username"])\n" }
            }
            text += "  Session ID: \(row["session"])\n"
            text += "  IKEv2 SA: local \(row["local"]) remote \(row["remote"]) Active\n"
            if !row["address"].isEmpty { text += "  Assigned address: \(row["address"])\n" }
            let children = row["children"].split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            for child in children {
                let flow = child.split(separator: " ", maxSplits: 2).last.map(String.init) ?? child
                text += "  IPSEC FLOW: permit ip \(flow)\n"
                text += "        Active SAs: 2, origin: crypto map\n"
                if detail {
                    text += "        Inbound:  #pkts dec'ed \(row["in_packets"]) #octets \(row["in_octets"])\n"
                    text += "        Outbound: #pkts enc'ed \(row["out_packets"]) #octets \(row["out_octets"])\n"
                }
            }
            text += "\n"
        }
        return text
    }

    static func ikev2SA(_ reply: IPCv1ShowReply, detail: Bool) -> String {
        var text = " IPv4 Crypto IKEv2  SA\n\n"
        text += pad("Tunnel-id", 10) + pad("Local", 22) + pad("Remote", 22) + pad("fvrf/ivrf", 21) + "Status\n"
        for (index, row) in rows(reply).enumerated() {
            let status = row["state"] == "established" ? "READY" : row["state"].uppercased()
            text += pad(String(index + 1), 10) + pad(row["local"], 22) + pad(row["remote"], 22) + pad("none/none", 21) + status + "\n"
            text += "      Encr: \(row["encryption"]), PRF: \(row["prf"])"
                + (row["integrity"].isEmpty ? "" : ", Hash: \(row["integrity"])") + ", DH Grp:\(row["group"]), Auth sign: PSK, Auth verify: PSK\n"
            text += "      Life/Active Time: \(row["lifetime"])/\(row["age"]) sec\n"
            if detail {
                text += "      SPI: \(row["spi_i"])(initiator) \(row["spi_r"])(responder)\n"
                text += "      Local id: -, Remote id: \(row["identity"])\n"
                text += "      DPD configured for \(row["dpd"].isEmpty ? "0" : row["dpd"]) seconds\n"
                text += "      NAT-T is \(row["nat"] == "yes" ? "detected" : "not detected")\n"
                if !row["address"].isEmpty { text += "      Remote assigned address: \(row["address"])\n" }
            }
            text += "\n"
        }
        return text
    }

    /// The refused set-ups: one line each, oldest first.
    static func refusals(_ reply: IPCv1ShowReply) -> String {
        guard !reply.rows.isEmpty else { return "\nRefused session set-ups: none\n" }
        var text = "\nRefused session set-ups (last \(reply.rows.count), oldest first):\n"
        for row in reply.rows where row.cells.count >= 4 {
            text += "  \(row.cells[0])  \(row.cells[1])  \(row.cells[2]): \(row.cells[3])\n"
        }
        return text
    }

    /// A plain table with the reply's own columns (`show ip local pool`).
    static func table(_ reply: IPCv1ShowReply) -> String {
        var widths = reply.columns.map(\.count)
        for row in reply.rows { for (index, cell) in row.cells.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) } }
        func line(_ cells: [String]) -> String {
            " " + cells.enumerated().map { index, cell in pad(cell, (index < widths.count ? widths[index] : cell.count) + 2) }.joined() + "\n"
        }
        return line(reply.columns) + reply.rows.map { line($0.cells) }.joined()
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}
