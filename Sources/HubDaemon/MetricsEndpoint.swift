import Foundation
public import Prometheus

#if canImport(Glibc)
import Glibc
#endif

/// A minimal HTTP/1.0 listener on a plain TCP socket that answers `GET /metrics`
/// with the Prometheus text exposition of a registry (no NIO: one blocking
/// accept thread, one short request per connection, then close).
public final class MetricsEndpoint: @unchecked Sendable {
    // `listenFD` is written once in init and only read afterwards; the thread
    // owns every accepted socket.
    private let listenFD: Int32
    private let registry: PrometheusCollectorRegistry
    private let thread: Thread
    private let stopped = DispatchSemaphore(value: 0)
    /// The port actually bound (useful with port 0).
    public let port: UInt16
    /// The IPv4 address listened on.
    public let host: String

    /// Why the listener could not start.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Listens on `host:port` (IPv4; port 0 picks a free port).
    public init(host: String = "127.0.0.1", port: UInt16, registry: PrometheusCollectorRegistry) throws(Failure) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "metrics socket: errno \(errno)") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            Glibc.close(fd)
            throw Failure(description: "metrics listen address \(host) is not an IPv4 address")
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else {
            let code = errno
            Glibc.close(fd)
            throw Failure(description: "metrics endpoint \(host):\(port): \(String(cString: strerror(code)))")
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.listenFD = fd
        self.registry = registry
        self.port = UInt16(bigEndian: actual.sin_port)
        self.host = host
        let stopped = self.stopped
        thread = Thread {
            MetricsEndpoint.serve(fd, registry: registry)
            stopped.signal()
        }
        thread.name = "metrics-http"
        thread.start()
    }

    /// Stops accepting and waits for the thread.
    public func close() {
        shutdown(listenFD, Int32(SHUT_RDWR))
        stopped.wait()
        Glibc.close(listenFD)
    }

    private static func serve(_ fd: Int32, registry: PrometheusCollectorRegistry) {
        while true {
            let client = accept(fd, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return  // shut down
            }
            answer(client, registry: registry)
            Glibc.close(client)
        }
    }

    private static func answer(_ client: Int32, registry: PrometheusCollectorRegistry) {
        // A slow or silent client must not hold the thread: 2 s to send the request.
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var request: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 2048)
        while request.count < 8192, !request.containsHeaderEnd {
            let count = buffer.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            request.append(contentsOf: buffer[0..<count])
        }
        let firstLine = String(decoding: request.prefix { $0 != 13 && $0 != 10 }, as: UTF8.self)
        let parts = firstLine.split(separator: " ")
        let response: [UInt8]
        if parts.count >= 2, parts[0] == "GET", parts[1] == "/metrics" || parts[1].hasPrefix("/metrics?") {
            var body: [UInt8] = []
            registry.emit(into: &body)
            response = Array("HTTP/1.0 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n".utf8) + body
        } else if parts.count >= 2, parts[0] == "GET" {
            response = Array("HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8)
        } else {
            response = Array("HTTP/1.0 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8)
        }
        var offset = 0
        while offset < response.count {
            let sent = response[offset...].withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent <= 0 { return }
            offset += sent
        }
    }
}

extension [UInt8] {
    fileprivate var containsHeaderEnd: Bool {
        guard count >= 4 else { return false }
        for index in 0...(count - 4) where self[index] == 13 && self[index + 1] == 10 && self[index + 2] == 13 && self[index + 3] == 10 {
            return true
        }
        return false
    }
}
