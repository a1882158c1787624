import ArgumentParser
import FlexConfig
import HubNetworking
import HubVocabulary
#if canImport(Glibc)
import Glibc
#endif

/// `ikehub run`: load the configuration and bring the headend up.
///
/// With no `--config` the headend runs on the built-in configuration: a pre-shared key
/// generated once and kept in the state directory, a private pool and a virtual-template,
/// and it prints how to connect a strongSwan client. At this stage of the project the
/// headend binds its IKE sockets (UDP 500 and 4500 on every listen address) and holds
/// them until SIGTERM/SIGINT; the IKE exchanges come with the frontend process.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Start the headend from a configuration file (or the built-in default)."
    )

    @Option(name: .customLong("config"), help: "FlexVPN configuration file (default: the built-in configuration).")
    var configurationPath: String?

    @Option(help: "State directory for the built-in configuration's key (a configuration file names its own).")
    var stateDirectory = "/var/lib/ikehub"

    @Option(name: .customLong("listen"), help: "Address to bind UDP 500/4500 on (repeatable; overrides `listen address`).")
    var listenAddresses: [String] = []

    @Option(help: "IKE port when --listen is given.")
    var ikePort: UInt16 = 500

    @Option(help: "NAT-T port when --listen is given (IKE with the non-ESP marker, and ESP in UDP).")
    var natTraversalPort: UInt16 = 4500

    func run() throws {
        let loaded: FlexConfig.LoadResult
        var builtInKey: SecretBytes?
        if let configurationPath {
            loaded = FlexConfig.load(path: configurationPath)
        } else {
            switch PreSharedKeyFile.readOrCreate(inDirectory: stateDirectory) {
            case .success(let key):
                builtInKey = key
                loaded = EmbeddedConfiguration.load(preSharedKey: key, stateDirectory: stateDirectory)
            case .failure(let failure):
                printToStandardError("ikehub: built-in configuration: \(failure)")
                throw ExitCode.failure
            }
        }
        for diagnostic in loaded.diagnostics { printToStandardError(diagnostic.description) }
        guard !loaded.hasErrors else {
            printToStandardError("ikehub: \(loaded.errors.count) error(s) in \(configurationPath ?? "the built-in configuration"); nothing started")
            throw ExitCode.failure
        }
        let configuration = loaded.configuration

        var endpoints: [SocketAddress] = []
        if listenAddresses.isEmpty {
            for listen in configuration.linux.effectiveListenAddresses {
                endpoints.append(SocketAddress(address: listen.address, port: listen.port))
                endpoints.append(SocketAddress(address: listen.address, port: listen.natTraversalPort))
            }
        } else {
            for text in listenAddresses {
                guard let address = IPAddress(text) else {
                    throw ValidationError("--listen \(text): not an IPv4 or IPv6 address")
                }
                endpoints.append(SocketAddress(address: address, port: ikePort))
                endpoints.append(SocketAddress(address: address, port: natTraversalPort))
            }
        }
        var sockets: [UDPSocket] = []
        for endpoint in endpoints {
            do {
                sockets.append(try UDPSocket(binding: endpoint))
            } catch {
                printToStandardError("ikehub: cannot listen on udp \(endpoint): \(error)")
                throw ExitCode.failure
            }
        }
        printToStandardError("ikehub: configuration \(configurationPath ?? "built-in") loaded: "
            + "\(configuration.ikev2.profiles.count) IKEv2 profile(s), \(configuration.ipv4Pools.count) IPv4 pool(s), "
            + "\(loaded.warnings.count) warning(s)")
        for socket in sockets {
            printToStandardError("ikehub: listening on udp \(socket.localAddress)")
        }
        if builtInKey != nil {
            // The key itself stays out of the log (journald keeps stderr): the snippet names
            // the file the operator copies it from.
            let keyPath = PreSharedKeyFile.path(inDirectory: stateDirectory)
            let placeholder = SecretBytes(Array("<the contents of \(keyPath)>".utf8))
            printToStandardError("""
                ikehub: built-in configuration; its pre-shared key is in \(keyPath).
                ikehub: a strongSwan client connects with this swanctl.conf (replace SERVER with this host's address):
                \(EmbeddedConfiguration.strongSwanClientConfiguration(serverAddress: "SERVER", preSharedKey: placeholder))
                """)
        }
        printToStandardError("ikehub: headend up (pid \(getpid())); SIGTERM or Ctrl-C stops it")
        waitForTerminationSignal()
        printToStandardError("ikehub: stopping")
    }
}

/// Write end of the self-pipe the signal handler wakes the main thread through.
nonisolated(unsafe) private var terminationPipeWriter: Int32 = -1

/// Blocks the calling thread until SIGTERM or SIGINT arrives. A handler that writes to a
/// pipe works whichever thread the kernel delivers the signal to (Swift's runtime has
/// threads of its own, so masking on one thread is not enough).
func waitForTerminationSignal() {
    var fds: [Int32] = [-1, -1]
    guard pipe(&fds) == 0 else { return }
    terminationPipeWriter = fds[1]
    var action = sigaction()
    action.__sigaction_handler.sa_handler = { _ in
        var byte: UInt8 = 1
        _ = write(terminationPipeWriter, &byte, 1)
    }
    sigemptyset(&action.sa_mask)
    sigaction(SIGTERM, &action, nil)
    sigaction(SIGINT, &action, nil)
    var byte: UInt8 = 0
    while read(fds[0], &byte, 1) < 0 && errno == EINTR {}
}

/// Diagnostics go to stderr, unbuffered, so they survive a crash of the process.
func printToStandardError(_ line: String) {
    var bytes = Array(line.utf8)
    bytes.append(UInt8(ascii: "\n"))
    _ = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
}
