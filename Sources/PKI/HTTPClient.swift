#if canImport(Glibc)
import Glibc
#endif

/// A minimal HTTP/1.1 GET client over a blocking socket, for CRL distribution points
/// (RFC 5280 §4.2.1.13 http URIs). Foundation's URLSession is heavy on Linux
/// (reference/swift-on-linux.md); a CRL fetch needs one GET with `Connection: close`.
/// Handles Content-Length, chunked transfer coding and read-to-close bodies; no TLS,
/// no redirects (RFC 5280 CRL URIs are plain http by design: the CRL is signed).
public struct HTTPClient: Sendable {
    /// Connect plus whole-response budget.
    public var timeoutMilliseconds: Int32
    /// Largest response accepted (headers and body).
    public var maximumResponseOctets: Int

    public init(timeoutMilliseconds: Int32 = 5000, maximumResponseOctets: Int = 8 << 20) {
        self.timeoutMilliseconds = timeoutMilliseconds
        self.maximumResponseOctets = maximumResponseOctets
    }

    /// The parts of an `http://host[:port]/path` URL.
    struct Location: Equatable {
        var host: String
        var port: UInt16
        var path: String

        init(_ url: String) throws(PKIError) {
            guard url.lowercased().hasPrefix("http://") else {
                throw .http(url: url, reason: "only http:// URLs are fetched")
            }
            // The URL comes from a certificate: nothing that could end the request line.
            guard url.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7f }) else {
                throw .http(url: url, reason: "the URL has spaces or control characters")
            }
            let rest = url.dropFirst("http://".count)
            let authority = rest.prefix { $0 != "/" }
            path = rest.count > authority.count ? String(rest.dropFirst(authority.count)) : "/"
            if authority.hasPrefix("[") {
                guard let close = authority.firstIndex(of: "]") else { throw .http(url: url, reason: "bad IPv6 literal") }
                host = String(authority[authority.index(after: authority.startIndex)..<close])
                let after = authority[authority.index(after: close)...]
                port = after.hasPrefix(":") ? UInt16(after.dropFirst()) ?? 0 : 80
            } else if let colon = authority.lastIndex(of: ":") {
                host = String(authority[..<colon])
                port = UInt16(authority[authority.index(after: colon)...]) ?? 0
            } else {
                host = String(authority)
                port = 80
            }
            guard !host.isEmpty, port != 0 else { throw .http(url: url, reason: "bad host or port") }
        }
    }

    /// The body of a 200 response to `GET url`.
    public func get(_ url: String) throws(PKIError) -> [UInt8] {
        let location = try Location(url)
        let socket = try connect(location, url: url)
        defer { close(socket) }
        let hostHeader = location.host.contains(":") ? "[\(location.host)]" : location.host
        let request = "GET \(location.path) HTTP/1.1\r\nHost: \(hostHeader)\(location.port == 80 ? "" : ":\(location.port)")\r\n"
            + "User-Agent: ikehub\r\nAccept: application/pkix-crl, */*\r\nConnection: close\r\n\r\n"
        try sendAll(Array(request.utf8), socket: socket, url: url)
        let response = try receiveAll(socket: socket, url: url)
        return try Self.body(of: response, url: url)
    }

    private func connect(_ location: Location, url: String) throws(PKIError) -> Int32 {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_family = AF_UNSPEC
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(location.host, String(location.port), &hints, &list)
        guard status == 0, let list else {
            throw .http(url: url, reason: "cannot resolve \(location.host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(list) }
        var lastError = "no address"
        var entry: UnsafeMutablePointer<addrinfo>? = list
        while let current = entry {
            entry = current.pointee.ai_next
            let fd = socket(current.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            guard fd >= 0 else { lastError = String(cString: strerror(errno)); continue }
            if Glibc.connect(fd, current.pointee.ai_addr, current.pointee.ai_addrlen) != 0 {
                guard errno == EINPROGRESS, wait(fd, events: Int16(POLLOUT)) else {
                    lastError = errno == 0 ? "connect timed out" : String(cString: strerror(errno))
                    close(fd)
                    continue
                }
                var failure: Int32 = 0
                var length = socklen_t(MemoryLayout<Int32>.size)
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &failure, &length)
                guard failure == 0 else { lastError = String(cString: strerror(failure)); close(fd); continue }
            }
            return fd
        }
        throw .http(url: url, reason: "cannot connect to \(location.host) port \(location.port): \(lastError)")
    }

    /// Polls `fd` for `events` within the time-out; false on time-out or error.
    private func wait(_ fd: Int32, events: Int16) -> Bool {
        var descriptor = pollfd(fd: fd, events: events, revents: 0)
        errno = 0
        return poll(&descriptor, 1, timeoutMilliseconds) == 1 && descriptor.revents & (events | Int16(POLLHUP)) != 0
    }

    private func sendAll(_ bytes: [UInt8], socket: Int32, url: String) throws(PKIError) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent > 0 { offset += sent; continue }
            guard sent < 0, errno == EAGAIN || errno == EINTR, wait(socket, events: Int16(POLLOUT)) else {
                throw .http(url: url, reason: "send failed: \(String(cString: strerror(errno)))")
            }
        }
    }

    private func receiveAll(socket: Int32, url: String) throws(PKIError) -> [UInt8] {
        var response: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16384)
        while true {
            let received = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if received > 0 {
                response.append(contentsOf: chunk[0..<received])
                guard response.count <= maximumResponseOctets else {
                    throw .http(url: url, reason: "response larger than \(maximumResponseOctets) octets")
                }
                if Self.isComplete(response) { return response }
                continue
            }
            if received == 0 { return response }
            guard errno == EAGAIN || errno == EINTR else {
                throw .http(url: url, reason: "receive failed: \(String(cString: strerror(errno)))")
            }
            guard wait(socket, events: Int16(POLLIN)) else {
                throw .http(url: url, reason: "no response within \(timeoutMilliseconds) ms")
            }
        }
    }

    /// True once a Content-Length body has fully arrived (so a server that keeps the
    /// connection open does not cost the time-out).
    static func isComplete(_ response: [UInt8]) -> Bool {
        guard let split = headerEnd(response), let length = headers(response[..<split]).contentLength else { return false }
        return response.count - split - 4 >= length
    }

    private static func headerEnd(_ response: [UInt8]) -> Int? {
        guard response.count >= 4 else { return nil }
        for index in 0...(response.count - 4)
        where response[index] == 13 && response[index + 1] == 10 && response[index + 2] == 13 && response[index + 3] == 10 {
            return index
        }
        return nil
    }

    private struct Headers {
        var status = 0
        var contentLength: Int?
        var chunked = false
    }

    private static func headers(_ head: ArraySlice<UInt8>) -> Headers {
        var result = Headers()
        let lines = String(decoding: head, as: UTF8.self).split(separator: "\r\n", omittingEmptySubsequences: false)
        if let statusLine = lines.first {
            let parts = statusLine.split(separator: " ")
            if parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let code = Int(parts[1]) { result.status = code }
        }
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingSpaces
            if name == "content-length" { result.contentLength = Int(value) }
            if name == "transfer-encoding", value.lowercased().contains("chunked") { result.chunked = true }
        }
        return result
    }

    static func body(of response: [UInt8], url: String) throws(PKIError) -> [UInt8] {
        guard let split = headerEnd(response) else { throw .http(url: url, reason: "no complete HTTP header") }
        let head = headers(response[..<split])
        guard head.status != 0 else { throw .http(url: url, reason: "not an HTTP/1.x response") }
        guard head.status == 200 else { throw .http(url: url, reason: "HTTP status \(head.status)") }
        let rest = Array(response[(split + 4)...])
        if head.chunked { return try dechunk(rest, url: url) }
        if let length = head.contentLength {
            guard rest.count >= length else {
                throw .http(url: url, reason: "body is \(rest.count) octets, Content-Length \(length)")
            }
            return Array(rest.prefix(length))
        }
        return rest
    }

    /// RFC 9112 §7.1 chunked transfer coding (extensions and trailers ignored).
    static func dechunk(_ data: [UInt8], url: String) throws(PKIError) -> [UInt8] {
        var body: [UInt8] = []
        var offset = 0
        while true {
            guard let lineEnd = (offset..<max(offset, data.count - 1)).first(where: { data[$0] == 13 && data[$0 + 1] == 10 }) else {
                throw .http(url: url, reason: "truncated chunk size line")
            }
            let sizeText = String(decoding: data[offset..<lineEnd], as: UTF8.self).prefix { $0 != ";" }.trimmingSpaces
            guard let size = Int(sizeText, radix: 16), size >= 0 else {
                throw .http(url: url, reason: "bad chunk size \"\(sizeText)\"")
            }
            offset = lineEnd + 2
            if size == 0 { return body }
            guard data.count - offset >= size + 2 else { throw .http(url: url, reason: "truncated chunk") }
            body.append(contentsOf: data[offset..<(offset + size)])
            offset += size + 2
        }
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
