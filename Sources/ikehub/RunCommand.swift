import ArgumentParser
import HubNetworking
import HubVocabulary
#if canImport(Glibc)
import Glibc
#endif

/// `ikehub run`: load the configuration and bring the headend up.
///
/// At this stage of the project the headend binds its IKE sockets (UDP 500 and 4500 on
/// every listen address) and holds them until SIGTERM/SIGINT; the IKE exchanges come with
/// the frontend process.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Start the headend from a configuration file (or the embedded default)."
    )

    @Option(name: .customLong("listen"), help: "Address to bind UDP 500/4500 on (repeatable).")
    var listenAddresses: [String] = ["0.0.0.0", "::"]

    @Option(help: "IKE port.")
    var ikePort: UInt16 = 500

    @Option(help: "NAT-T port (IKE with the non-ESP marker, and ESP in UDP).")
    var natTraversalPort: UInt16 = 4500

    func run() throws {
        var sockets: [UDPSocket] = []
        for text in listenAddresses {
            guard let address = IPAddress(text) else {
                throw ValidationError("--listen \(text): not an IPv4 or IPv6 address")
            }
            for port in [ikePort, natTraversalPort] {
                do {
                    sockets.append(try UDPSocket(binding: SocketAddress(address: address, port: port)))
                } catch {
                    throw ValidationError("cannot listen on \(SocketAddress(address: address, port: port)): \(error)")
                }
            }
        }
        for socket in sockets {
            printToStandardError("ikehub: listening on udp \(socket.localAddress)")
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
