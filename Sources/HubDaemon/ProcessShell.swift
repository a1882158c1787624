import ArgumentParser
import Foundation
import HubIPC

/// The IPC scaffolding of a process whose protocol library is not in this build
/// yet (`ikehub-ike`, `ikehub-addrd`, `ikehub-tunneld`, `ikehub-acctd`): it runs
/// the whole daemon frame (logging, metrics, epoch, signals) and a request
/// endpoint `ipc://<runtime-dir>/<short name>.sock` that answers `health` and
/// refuses every other request by name (ErrorReply UNAVAILABLE), so peers and
/// the launcher can already supervise and probe it.
public enum ProcessShell {
    /// Parses the daemon options from the command line and runs until SIGTERM.
    public static func main(name: String) async {
        do {
            var arguments = Array(CommandLine.arguments.dropFirst())
            if arguments.contains("--help") || arguments.contains("-h") {
                print(DaemonOptions.helpMessage(columns: 100))
                return
            }
            let options = try DaemonOptions.parse(arguments)
            arguments.removeAll()
            try await Daemon.run(name: name, options: options) { context in
                let short = name.hasPrefix("ikehub-") ? String(name.dropFirst(7)) : name
                let started = MonotonicTime.now()
                let epoch = context.epoch.value
                let server = try IPCServer(binding: [context.endpoint(short)], context: context.zmq,
                                           name: short, logger: context.logger) { request in
                    switch request.envelope.body {
                    case .healthRequest:
                        return .healthReply(.with {
                            $0.process = name
                            $0.epoch = epoch
                            $0.uptimeMs = (MonotonicTime.now().nanoseconds &- started.nanoseconds) / 1_000_000
                        })
                    default:
                        return .error(.with {
                            $0.code = .unavailable
                            $0.reason = "\(name) in this build runs the IPC scaffolding only; \(request.envelope.bodyName) is not served yet"
                        })
                    }
                }
                return DaemonComponents(shutdown: { server.close() })
            }
        } catch {
            FileHandle.standardError.write(Data("\(name): \(error)\n".utf8))
            exit(1)
        }
    }
}
