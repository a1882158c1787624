import Foundation
import HubTestSupport
import HubVocabulary

/// Certificates made at run time in a temporary directory: CAs and CRLs with strongSwan's
/// `pki` (it sets explicit validity dates), end entities with the `openssl` CLI (any
/// extension). Nothing is checked in; every test sees freshly generated keys.
final class TestPKI: @unchecked Sendable {
    /// A key and certificate on disk.
    struct Issued {
        let name: String
        let keyPath: String
        let certificatePath: String
        var certificatePEM: [UInt8] { Array(FileManager.default.contents(atPath: certificatePath) ?? Data()) }
        var der: [UInt8] {
            let text = String(decoding: certificatePEM, as: UTF8.self)
            let body = text.components(separatedBy: "\n").filter { !$0.hasPrefix("-----") }.joined()
            return Array(Data(base64Encoded: body) ?? Data())
        }
    }

    enum KeyType: String, CaseIterable, Sendable {
        case rsa2048, rsa3072, p256, p384

        var genpkeyArguments: [String] {
            switch self {
            case .rsa2048: ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"]
            case .rsa3072: ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:3072"]
            case .p256: ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]
            case .p384: ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"]
            }
        }
    }

    let directory: URL
    let rootA: Issued
    let intermediateA: Issued
    let rootB: Issued
    /// Now, when the fixture was made (leaf certificates start about here).
    let madeAt: WallTime
    private let lock = NSLock()
    private var counter = 0

    static let shared: TestPKI = {
        do { return try TestPKI() } catch { fatalError("test PKI: \(error)") }
    }()

    init() throws {
        directory = try makeTemporaryDirectory("pki-fixture")
        madeAt = SystemWallClock().now()
        rootA = try Self.makeCA(in: directory, name: "rootA", dn: "C=CH, O=IKEHub Test, CN=Root A")
        intermediateA = try Self.makeCA(in: directory, name: "intA", dn: "C=CH, O=IKEHub Test, OU=Sub, CN=Intermediate A1", parent: rootA)
        rootB = try Self.makeCA(in: directory, name: "rootB", dn: "C=US, O=Other Org, CN=Root B")
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    private func uniqueName(_ base: String) -> String {
        lock.lock()
        defer { lock.unlock() }
        counter += 1
        return "\(base)-\(counter)"
    }

    /// A CA: self-signed when `parent` is nil, else issued by it. Valid 2020-2040.
    private static func makeCA(in directory: URL, name: String, dn: String, parent: Issued? = nil) throws -> Issued {
        let key = directory.appendingPathComponent("\(name).key").path
        let certificate = directory.appendingPathComponent("\(name).pem").path
        try tool("/usr/bin/openssl", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key])
        var arguments: [String]
        if let parent {
            arguments = ["--issue", "--cacert", parent.certificatePath, "--cakey", parent.keyPath, "--in", key, "--type", "priv"]
        } else {
            arguments = ["--self", "--in", key]
        }
        arguments += ["--dn", dn, "--ca", "--not-before", "01.01.20 00:00:00", "--not-after", "01.01.40 00:00:00", "--outform", "pem"]
        let output = try tool("/usr/bin/pki", arguments, stdoutOnly: true)
        try Data(output.utf8).write(to: URL(fileURLWithPath: certificate))
        return Issued(name: name, keyPath: key, certificatePath: certificate)
    }

    /// An end-entity certificate from `issuer`, valid for `days` from now, with the
    /// extension lines given (openssl x509v3 config syntax).
    func issue(
        _ base: String, key type: KeyType = .p256, subject: String = "/C=CH/O=IKEHub Test/OU=Clients/CN=client1.example.com",
        issuer: Issued? = nil, days: Int = 365, serial: String? = nil,
        extensions: [String] = TestPKI.clientExtensions
    ) throws -> Issued {
        let issuer = issuer ?? rootA
        let name = uniqueName(base)
        let key = path("\(name).key")
        let request = path("\(name).csr")
        let certificate = path("\(name).pem")
        let extensionFile = path("\(name).ext")
        try Self.tool("/usr/bin/openssl", ["genpkey"] + type.genpkeyArguments + ["-out", key])
        try Self.tool("/usr/bin/openssl", ["req", "-new", "-key", key, "-subj", subject, "-out", request])
        try Data((["[ext]"] + extensions).joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: extensionFile))
        try Self.tool("/usr/bin/openssl", ["x509", "-req", "-in", request, "-CA", issuer.certificatePath, "-CAkey", issuer.keyPath,
                                      "-set_serial", serial ?? "0x\(String(UInt64.random(in: 1...UInt64.max >> 1), radix: 16))",
                                      "-days", String(days), "-sha256", "-extfile", extensionFile, "-extensions", "ext",
                                      "-out", certificate])
        return Issued(name: name, keyPath: key, certificatePath: certificate)
    }

    static let clientExtensions = [
        "basicConstraints=critical,CA:FALSE",
        "keyUsage=critical,digitalSignature",
        "extendedKeyUsage=clientAuth",
        "subjectAltName=DNS:client1.example.com,email:alice@example.com,IP:192.0.2.10,IP:2001:db8::10",
    ]

    /// A CRL of `issuer` revoking `revoked`, valid `days`, DER, at `file` (returns the path).
    func signCRL(issuer: Issued, revoking revoked: [Issued], days: Int = 15, file: String? = nil) throws -> String {
        let output = file ?? path("\(uniqueName("crl-\(issuer.name)")).crl")
        var arguments = ["--signcrl", "--cacert", issuer.certificatePath, "--cakey", issuer.keyPath, "--lifetime", String(days),
                         "--outform", "der"]
        for certificate in revoked { arguments += ["--cert", certificate.certificatePath, "--reason", "key-compromise"] }
        let (data, _) = try Self.run("/usr/bin/pki", arguments)
        try data.write(to: URL(fileURLWithPath: output))
        return output
    }

    // MARK: - Tools

    @discardableResult
    static func tool(_ executable: String, _ arguments: [String], stdoutOnly: Bool = false) throws -> String {
        let (data, errors) = try run(executable, arguments)
        return stdoutOnly ? String(decoding: data, as: UTF8.self) : String(decoding: data, as: UTF8.self) + errors
    }

    /// Runs a tool; throws with its stderr when it fails.
    static func run(_ executable: String, _ arguments: [String], input: Data? = nil) throws -> (Data, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let inPipe = Pipe()
        process.standardInput = input == nil ? FileHandle.nullDevice : inPipe
        try process.run()
        if let input {
            inPipe.fileHandleForWriting.write(input)
            try inPipe.fileHandleForWriting.close()
        }
        let errData = ThreadSafeBox<Data>()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errData.value = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        let errors = String(decoding: errData.value ?? Data(), as: UTF8.self)
            .split(separator: "\n").filter { !$0.contains("TPM") && !$0.contains("tpm") }.joined(separator: "\n")
        guard process.terminationStatus == 0 else {
            throw ToolError(command: ([executable] + arguments).joined(separator: " "), output: errors)
        }
        return (data, errors)
    }
}

final class ThreadSafeBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value?
    var value: Value? {
        get { lock.lock(); defer { lock.unlock() }; return stored }
        set { lock.lock(); stored = newValue; lock.unlock() }
    }
}

/// `python3 -m http.server` on 127.0.0.1 at a free port, serving `directory`; stopped by
/// its PID when the test ends.
final class CRLHTTPServer: @unchecked Sendable {
    let port: UInt16
    let directory: URL
    private var child: ChildProcess?

    /// Picks the port now (it goes into the certificates' CRL distribution point); the
    /// server starts with `start()`.
    init() throws {
        directory = try makeTemporaryDirectory("pki-http")
        port = Self.freeTCPPort()
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    func start() throws {
        let process = try ChildProcess(executable: "/usr/bin/python3",
                                       arguments: ["-m", "http.server", "--bind", "127.0.0.1", "--directory", directory.path, String(port)],
                                       logURL: directory.appendingPathComponent("server.log"))
        child = process
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if Self.canConnect(port) { return }
            usleep(50_000)
        }
        throw ToolError(command: "python3 -m http.server \(port)", output: process.log())
    }

    func stop() {
        child?.stop(grace: 2)
        child = nil
    }

    deinit { stop() }

    private static func freeTCPPort() -> UInt16 {
        for _ in 0..<50 {
            let candidate = UInt16.random(in: 20000...60000)
            if !canConnect(candidate), canBind(candidate) { return candidate }
        }
        return 38181
    }

    private static func withAddress<T>(_ port: UInt16, _ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
    }

    private static func canBind(_ port: UInt16) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        return withAddress(port) { bind(descriptor, $0, $1) == 0 }
    }

    static func canConnect(_ port: UInt16) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        return withAddress(port) { connect(descriptor, $0, $1) == 0 }
    }
}

struct ToolError: Error, CustomStringConvertible {
    let command: String
    let output: String
    var description: String { "\(command) failed: \(output)" }
}
