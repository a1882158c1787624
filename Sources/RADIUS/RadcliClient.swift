internal import CRadcli
import HubVocabulary
#if canImport(Glibc)
import Glibc
#endif

/// The outcome of one request/response exchange.
public struct RadiusResponse: Sendable {
    /// RFC 2865 §3 codes that radcli reports.
    public enum Code: Sendable, Equatable {
        case accessAccept
        case accessReject
        case accessChallenge
        case accountingResponse
    }
    public let code: Code
    public let attributes: [RadiusAttribute]
    /// The Reply-Message text radcli collected, if any.
    public let replyMessage: String?

    /// All values of one attribute, in order.
    public func values(of type: UInt32, vendor: UInt32 = 0) -> [RadiusAttribute.Value] {
        attributes.filter { $0.type == type && $0.vendor == vendor }.map(\.value)
    }
}

/// A radcli handle (`rc_handle`) configured for a group of servers. Used for accounting;
/// authentication uses `RadiusAuthenticationClient`, which verifies the
/// Message-Authenticator of every response (radcli does not; see that type's comment).
///
/// Ownership: the handle is created in `init` and destroyed in `deinit`. Every radcli call
/// is made under one process-wide lock: two handles used from two threads at once were
/// seen to interfere (a handle configured with a wrong secret accepted a reply signed with
/// another handle's secret), so radcli is treated as not thread-safe at all.
public final class RadcliClient: @unchecked Sendable {
    private let handle: OpaquePointer
    public let configuration: RadiusClientConfiguration
    /// Serialises every radcli call in the process (see the type's comment).
    private static let radcliLock = RadcliLock()

    public init(configuration: RadiusClientConfiguration) throws(RadiusClientError) {
        Self.radcliLock.lock()
        defer { Self.radcliLock.unlock() }
        guard !configuration.servers.isEmpty, configuration.servers.count <= 8 else {
            throw .invalidValue(field: "servers", reason: "radcli takes 1 to 8 servers, got \(configuration.servers.count)")
        }
        // Validate everything before radcli sees it: a handle that failed half-way through
        // configuration is not safe to destroy (rc_destroy dereferences unset options).
        let authenticationServers = try Self.serverList(configuration.servers, port: \.authenticationPort)
        let accountingServers = try Self.serverList(configuration.servers, port: \.accountingPort)
        guard let created = rc_new() else { throw .failed("rc_new returned NULL") }
        guard rc_config_init(created) != nil else {
            // rc_config_init frees the handle itself on failure.
            throw .failed("rc_config_init failed")
        }
        handle = created
        self.configuration = configuration
        do {
            try apply(option: "authserver", value: authenticationServers)
            try apply(option: "acctserver", value: accountingServers)
            try apply(option: "dictionary", value: Array(configuration.dictionaryPath.utf8))
            try apply(option: "radius_timeout", value: Array(String(configuration.timeoutSeconds).utf8))
            try apply(option: "radius_retries", value: Array(String(configuration.retries).utf8))
            try apply(option: "radius_deadtime", value: Array("0".utf8))
            if let nasIdentifier = configuration.nasIdentifier {
                try apply(option: "nas-identifier", value: Array(nasIdentifier.utf8))
            }
            guard rc_apply_config(handle) == 0 else { throw RadiusClientError.failed("rc_apply_config failed") }
            guard rc_read_dictionary(handle, configuration.dictionaryPath) == 0 else {
                throw RadiusClientError.dictionaryUnreadable(path: configuration.dictionaryPath)
            }
            let vendors = Array(VendorDictionary.text.utf8)
            let vendorResult = vendors.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { rc_read_dictionary_from_buffer(handle, $0.baseAddress, $0.count) }
            }
            guard vendorResult == 0 else {
                throw RadiusClientError.dictionaryUnreadable(path: "(IKEHub vendor dictionary)")
            }
        } catch let error as RadiusClientError {
            rc_destroy(handle)
            throw error
        } catch {
            rc_destroy(handle)
            throw .failed("\(error)")
        }
    }

    deinit {
        Self.radcliLock.lock()
        rc_destroy(handle)
        Self.radcliLock.unlock()
    }

    /// Sends an Access-Request with `attributes` and waits for the answer.
    public func authenticate(_ attributes: [RadiusAttribute]) throws(RadiusClientError) -> RadiusResponse {
        try exchange(attributes, request: PW_ACCESS_REQUEST)
    }

    /// Sends an Accounting-Request with `attributes` and waits for the Accounting-Response.
    public func account(_ attributes: [RadiusAttribute]) throws(RadiusClientError) -> RadiusResponse {
        try exchange(attributes, request: PW_ACCOUNTING_REQUEST)
    }

    /// The dictionary's name for an attribute, if it has one.
    public func attributeName(type: UInt32, vendor: UInt32 = 0) -> String? {
        Self.radcliLock.lock()
        defer { Self.radcliLock.unlock() }
        guard let attribute = rc_dict_getattr(handle, Int32(bitPattern: Self.combined(type: type, vendor: vendor))) else {
            return nil
        }
        return withUnsafeBytes(of: attribute.pointee.name) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    // MARK: - Internals

    private func exchange(_ attributes: [RadiusAttribute], request: rc_standard_codes) throws(RadiusClientError) -> RadiusResponse {
        Self.radcliLock.lock()
        defer { Self.radcliLock.unlock() }
        var send: UnsafeMutablePointer<VALUE_PAIR>?
        defer { if let send { rc_avpair_free(send) } }
        for attribute in attributes {
            try add(attribute, to: &send)
        }
        var received: UnsafeMutablePointer<VALUE_PAIR>?
        defer { if let received { rc_avpair_free(received) } }
        var message = [CChar](repeating: 0, count: Int(PW_MAX_MSG_SIZE))
        let status = rc_aaa(handle, 0, send, &received, &message, 0, request)
        let replyMessage = message.withUnsafeBufferPointer { buffer in
            String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        let code: RadiusResponse.Code
        switch status {
        case OK_RC.rawValue: code = request == PW_ACCOUNTING_REQUEST ? .accountingResponse : .accessAccept
        case REJECT_RC.rawValue: code = .accessReject
        case CHALLENGE_RC.rawValue: code = .accessChallenge
        case TIMEOUT_RC.rawValue: throw .timeout
        case BADRESP_RC.rawValue, BADRESPID_RC.rawValue: throw .badResponse
        default: throw .failed("rc_aaa returned \(status)")
        }
        return RadiusResponse(code: code, attributes: Self.decode(received),
                              replyMessage: replyMessage.isEmpty ? nil : replyMessage)
    }

    private func add(_ attribute: RadiusAttribute, to list: inout UnsafeMutablePointer<VALUE_PAIR>?) throws(RadiusClientError) {
        let id = Int32(attribute.type)
        let vendor = Int32(attribute.vendor)
        let added: UnsafeMutablePointer<VALUE_PAIR>?
        switch attribute.value {
        case .bytes(let bytes):
            guard bytes.count <= Int(AUTH_STRING_LEN) else {
                throw .invalidValue(field: "attribute \(attribute.type)", reason: "\(bytes.count) octets, at most \(AUTH_STRING_LEN)")
            }
            added = bytes.withUnsafeBytes { rc_avpair_add(handle, &list, id, $0.baseAddress, Int32(bytes.count), vendor) }
        case .integer(let number):
            var value = number
            added = rc_avpair_add(handle, &list, id, &value, 0, vendor)
        case .ipv4(let address):
            var value = address.rawValue  // radcli keeps IPv4 in host order
            added = rc_avpair_add(handle, &list, id, &value, 0, vendor)
        case .ipv6(let address):
            let bytes = address.bytes
            added = bytes.withUnsafeBytes { rc_avpair_add(handle, &list, id, $0.baseAddress, 16, vendor) }
        }
        if added == nil { throw .unknownAttribute(type: attribute.type, vendor: attribute.vendor) }
    }

    private static func decode(_ list: UnsafeMutablePointer<VALUE_PAIR>?) -> [RadiusAttribute] {
        var attributes: [RadiusAttribute] = []
        var cursor = list
        while let pair = cursor {
            // radcli packs VSAs as vendor << 16 | type in `attribute`.
            let combined = pair.pointee.attribute
            let vendor = (combined >> 16) & 0xffff
            let type = combined & 0xffff
            let value: RadiusAttribute.Value
            switch pair.pointee.type {
            case PW_TYPE_INTEGER, PW_TYPE_DATE:
                value = .integer(pair.pointee.lvalue)
            case PW_TYPE_IPADDR:
                value = .ipv4(IPv4Address(pair.pointee.lvalue))
            default:
                var raw: UnsafeMutablePointer<CChar>?
                var size: UInt32 = 0
                if rc_avpair_get_raw(pair, &raw, &size) == 0, let raw {
                    let bytes = Array(UnsafeRawBufferPointer(start: raw, count: Int(size)))
                    if pair.pointee.type == PW_TYPE_IPV6ADDR, let address = IPv6Address(bytes: bytes) {
                        value = .ipv6(address)
                    } else {
                        value = .bytes(bytes)
                    }
                } else {
                    value = .bytes([])
                }
            }
            attributes.append(RadiusAttribute(type: type, vendor: vendor, value: value))
            cursor = pair.pointee.next
        }
        return attributes
    }

    private func apply(option: String, value: [UInt8]) throws(RadiusClientError) {
        var terminated = value + [0]
        defer { explicit_bzero(&terminated, terminated.count) }
        let result = terminated.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { rc_add_config(handle, option, $0.baseAddress, "ikehub", 0) }
        }
        guard result == 0 else { throw .configurationRejected(option: option, reason: "rc_add_config returned \(result)") }
    }

    /// radcli's `host:port:secret[,host:port:secret…]` list; IPv6 hosts in brackets.
    private static func serverList(_ servers: [RadiusServerEndpoint],
                                   port: KeyPath<RadiusServerEndpoint, UInt16>) throws(RadiusClientError) -> [UInt8] {
        var list: [UInt8] = []
        for (index, server) in servers.enumerated() {
            let secret = server.secret.revealedBytes()
            // radcli splits the entry at ':' and ',' and stops at NUL or white space.
            if secret.isEmpty || secret.contains(where: { $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ",") || $0 <= 0x20 || $0 == 0x7f }) {
                throw .invalidValue(field: "key of RADIUS server \(server.host)",
                                    reason: "radcli cannot carry an empty key or one with ':', ',', white space or control characters")
            }
            if index > 0 { list.append(UInt8(ascii: ",")) }
            let host = server.host.contains(":") ? "[\(server.host)]" : server.host
            list += Array("\(host):\(server[keyPath: port]):".utf8) + secret
        }
        return list
    }

    private static func combined(type: UInt32, vendor: UInt32) -> UInt32 {
        vendor == 0 ? type : (vendor << 16) | (type & 0xffff)
    }
}

/// A pthread mutex (the RADIUS module has no Foundation).
private final class RadcliLock: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t> = {
        let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        return mutex
    }()
    func lock() { pthread_mutex_lock(mutex) }
    func unlock() { pthread_mutex_unlock(mutex) }
}
