import Foundation

/// A real FreeRADIUS 3 server for a test: a private copy of Debian's configuration with
/// one virtual server on 127.0.0.1 (auth `port`, accounting `port + 1`), the test's users
/// file and one NAS client secret. Started with `-X` so its log shows what it received.
public final class FreeRADIUSServer: @unchecked Sendable {
    public static let executable = "/usr/sbin/freeradius"
    public static let stockConfiguration = "/etc/freeradius/3.0"

    /// Whether FreeRADIUS is installed here (`.ci/run` installs it; a developer box may not).
    public static var isInstalled: Bool {
        FileManager.default.isExecutableFile(atPath: executable)
            && FileManager.default.fileExists(atPath: stockConfiguration)
    }

    public let directory: URL
    public let authenticationPort: UInt16
    public var accountingPort: UInt16 { authenticationPort + 1 }
    public let secret: String
    private let child: ChildProcess

    /// `users` is the text of the `files` module's authorize file. `signReplies` adds a
    /// Message-Authenticator to every Access-Accept and Access-Reject (FreeRADIUS 3.2.1
    /// signs only EAP replies; ≥ 3.2.5 signs all of them, the Blast-RADIUS fix; IKEHub's
    /// RADIUS client requires it). `eap` enables the EAP module with MD5 and MSCHAPv2
    /// (the lab's `conf/radius/eap`: no TLS methods, no certificates needed), offering
    /// `defaultEAPType` first. `debug` runs it with `-X` (one thread, every packet in the
    /// log, for the tests' log assertions); without it, `-f` with its thread pool and only
    /// start-up and errors in the log (for benchmarks).
    public init(users: String, secret: String = "ikehub-test-secret", signReplies: Bool = false, eap: Bool = false,
                defaultEAPType: String = "md5", debug: Bool = true) throws {
        let directory = try makeTemporaryDirectory("ikehub-freeradius")
        self.directory = directory
        let authenticationPort = freeUDPPortPair()
        self.authenticationPort = authenticationPort
        self.secret = secret
        let raddb = directory.appendingPathComponent("raddb")
        try FileManager.default.copyItem(atPath: Self.stockConfiguration, toPath: raddb.path)

        let radiusdConf = raddb.appendingPathComponent("radiusd.conf")
        var conf = try String(contentsOf: radiusdConf, encoding: .utf8)
        conf = conf.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("raddbdir =") { return "raddbdir = \(raddb.path)" }
            if trimmed.hasPrefix("logdir =") { return "logdir = \(directory.path)" }
            if trimmed.hasPrefix("run_dir =") { return "run_dir = \(directory.path)" }
            if trimmed.hasPrefix("user = freerad") || trimmed.hasPrefix("group = freerad") { return "#" + line }
            return String(line)
        }.joined(separator: "\n")
        try conf.write(to: radiusdConf, atomically: true, encoding: .utf8)

        try users.write(to: raddb.appendingPathComponent("mods-config/files/authorize"), atomically: true, encoding: .utf8)
        try """
        client ikehub-test {
        \tipaddr = 127.0.0.1
        \tsecret = \(secret)
        }

        """.write(to: raddb.appendingPathComponent("clients.conf"), atomically: true, encoding: .utf8)

        // One virtual server of our own instead of Debian's sites, so that parallel test
        // servers never collide on the stock ports (inner-tunnel listens on 18120).
        let sites = raddb.appendingPathComponent("sites-enabled")
        for entry in try FileManager.default.contentsOfDirectory(atPath: sites.path) {
            try FileManager.default.removeItem(at: sites.appendingPathComponent(entry))
        }
        // EAP needs TLS certificates and an Auth-Type EAP section; the EAP suites enable it.
        try? FileManager.default.removeItem(at: raddb.appendingPathComponent("mods-enabled/eap"))
        if eap {
            try """
            eap {
            \tdefault_eap_type = \(defaultEAPType)
            \ttimer_expire = 60
            \tignore_unknown_eap_types = no
            \tcisco_accounting_username_bug = no
            \tmax_sessions = ${max_requests}
            \tmd5 {
            \t}
            \tmschapv2 {
            \t}
            }

            """.write(to: raddb.appendingPathComponent("mods-enabled/eap"), atomically: true, encoding: .utf8)
        }
        let sign = signReplies ? "\t\tupdate reply {\n\t\t\tMessage-Authenticator := 0x00\n\t\t}\n" : ""
        let eapAuthorize = eap ? "\t\teap {\n\t\t\tok = return\n\t\t}\n" : ""
        // rlm_eap_mschapv2 authenticates through the mschap module's Auth-Type section.
        let eapAuthenticate = eap ? "\t\tAuth-Type EAP {\n\t\t\teap\n\t\t}\n\t\tAuth-Type MS-CHAP {\n\t\t\tmschap\n\t\t}\n" : ""
        try """
        server ikehub-test {
        \tlisten {
        \t\ttype = auth
        \t\tipaddr = 127.0.0.1
        \t\tport = \(authenticationPort)
        \t}
        \tlisten {
        \t\ttype = acct
        \t\tipaddr = 127.0.0.1
        \t\tport = \(authenticationPort + 1)
        \t}
        \tauthorize {
        \t\tpreprocess
        \(eapAuthorize)\t\tfiles
        \t\tpap
        \t}
        \tauthenticate {
        \t\tAuth-Type PAP {
        \t\t\tpap
        \t\t}
        \(eapAuthenticate)\t}
        \tpreacct {
        \t\tpreprocess
        \t\tacct_unique
        \t}
        \taccounting {
        \t\tdetail
        \t\tok
        \t}
        \tpost-auth {
        \(sign)\t\tPost-Auth-Type REJECT {
        \t\t\tattr_filter.access_reject
        \(sign.replacingOccurrences(of: "\t\t", with: "\t\t\t"))\t\t}
        \t}
        }

        """.write(to: sites.appendingPathComponent("ikehub-test"), atomically: true, encoding: .utf8)

        let log = directory.appendingPathComponent("radiusd-X.log")
        child = try ChildProcess(executable: Self.executable,
                                 arguments: (debug ? ["-X"] : ["-f", "-l", "stdout"]) + ["-d", raddb.path], logURL: log)
        guard child.waitForLog(timeout: 20, { $0.contains("Ready to process requests") }) else {
            let log = child.log()
            child.stop()
            throw FreeRADIUSError.didNotStart(log: String(log.suffix(3000)))
        }
    }

    /// Every accounting detail file the server wrote, concatenated (the `detail` module
    /// writes `radacct/<client address>/detail-<date>` under the log directory).
    public func accountingDetail() -> String {
        let root = directory.appendingPathComponent("radacct")
        guard let enumerator = FileManager.default.enumerator(atPath: root.path) else { return "" }
        var text = ""
        for case let relative as String in enumerator where relative.contains("detail") {
            text += (try? String(contentsOfFile: root.appendingPathComponent(relative).path, encoding: .utf8)) ?? ""
        }
        return text
    }

    /// The server's debug log so far.
    public func log() -> String { child.log() }

    /// The server's process (for CPU figures).
    public var pid: Int32 { child.pid }

    public func stop() { child.stop() }

    deinit {
        child.stop()
        try? FileManager.default.removeItem(at: directory)
    }
}

public enum FreeRADIUSError: Error, CustomStringConvertible {
    case didNotStart(log: String)
    public var description: String {
        switch self {
        case .didNotStart(let log): "FreeRADIUS did not start:\n\(log)"
        }
    }
}
