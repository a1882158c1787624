import HubVocabulary

/// Builds the typed model from statements, then resolves every cross-reference.
struct ModelBuilder {
    var config = FlexConfiguration()
    var log: DiagnosticLog
    var references: [Reference] = []
    /// Names of blocks that are ignored on Linux but may still be referred to.
    var policyMaps: Set<String> = []
    var vrfs: Set<String> = []
    /// Fast lookup for objects that may be re-entered (`crypto ikev2 keyring K` twice).
    var keyringPeerIndex: [String: [String: Int]] = [:]
    /// Every accepted `ip local pool` range, sorted by start (for the overlap check).
    var poolRanges: [(start: IPv4Address, end: IPv4Address, pool: String)] = []
    /// Positions of named objects in the model's arrays (see `upsert`).
    let objectIndexes = ObjectIndexCache()
    /// Where each object was (first) defined: `"ikev2 profile NAME"` → location.
    var locations: [String: SourceLocation] = [:]

    init(log: DiagnosticLog) { self.log = log }

    mutating func build(_ statements: [Statement]) -> FlexConfiguration {
        for statement in statements { global(statement) }
        addBuiltInDefaults()
        resolveReferences()
        checkSemantics()
        return config
    }

    // MARK: - Small readers

    /// A key or password; a type 7 one is decoded, a type 6 one (encrypted with the
    /// router's master key) cannot be and is an error. Messages never show the key.
    mutating func secret(_ statement: Statement, _ name: String) -> SecretBytes? {
        guard let index = statement.items.firstIndex(where: { !$0.isKeyword && $0.name == name }),
              case .secret(let value) = statement.items[index].value else { return nil }
        let type = index > 0 && statement.items[index - 1].isKeyword ? statement.items[index - 1].name : "0"
        switch type {
        case "7":
            let text = String(decoding: value.revealedBytes(), as: UTF8.self)
            guard let clear = CiscoType7.decode(text) else {
                log.error(statement.location(of: name), "the type 7 \(name) is not a type 7 encoding (two decimal digits, then pairs of hex digits)")
                return nil
            }
            return SecretBytes(clear)
        case "6":
            log.error(statement.location(of: name), "type 6 (AES-encrypted) keys need the router's master key and cannot be read; write the key in clear text (type 0)")
            return nil
        default:
            return value
        }
    }

    func ipAddress(_ statement: Statement, _ name: String) -> IPAddress? {
        switch statement.item(name)?.value {
        case .ipv4(let v4)?: .v4(v4)
        case .ipv6(let v6)?: .v6(v6)
        default: nil
        }
    }

    func ipv4(_ statement: Statement, _ name: String) -> IPv4Address? {
        if case .ipv4(let value)? = statement.item(name)?.value { return value }
        return nil
    }

    func ipv6(_ statement: Statement, _ name: String) -> IPv6Address? {
        if case .ipv6(let value)? = statement.item(name)?.value { return value }
        return nil
    }

    func prefix(_ statement: Statement, _ name: String) -> (IPv6Address, UInt8)? {
        if case .ipv6Prefix(let address, let length)? = statement.item(name)?.value { return (address, length) }
        return nil
    }

    func int(_ statement: Statement, _ name: String) -> Int? {
        statement.integer(name).map { Int(clamping: $0) }
    }

    func port(_ statement: Statement, _ name: String) -> UInt16? {
        statement.integer(name).map { UInt16(clamping: $0) }
    }

    /// Records a name that must exist once the whole file has been read.
    mutating func refer(_ kind: ReferenceKind, _ statement: Statement, _ item: String) {
        guard let name = statement.word(item) ?? statement.integer(item).map({ String($0) }) else { return }
        references.append(Reference(kind: kind, name: name, location: statement.location(of: item)))
    }

    // MARK: - Global commands

    mutating func global(_ statement: Statement) {
        let s = statement
        if s.spec.enters != nil, let key = s.items.first(where: { !$0.isKeyword }).map({ "\(s.commandName) \($0.value)" }),
           locations[key] == nil {
            locations[key] = s.location
        }
        switch s.id {
        case .aaaNewModel: config.aaa.newModel = !s.negated
        case .hostname: config.hostname = s.negated ? nil : s.word("hostname")
        case .aaaGroupServer: serverGroup(s)
        case .aaaAuthentication, .aaaAuthorization, .aaaAccounting: methodList(s)
        case .aaaAttributeList: attributeList(s)
        case .aaaDynamicAuthor: dynamicAuthor(s)
        case .radiusServer: radiusServer(s)
        case .radiusServerHost: radiusServerHost(s)
        case .ikev2Profile: profile(s)
        case .ikev2Keyring: keyring(s)
        case .ikev2NameMangler: nameMangler(s)
        case .ikev2AuthorizationPolicy: authorizationPolicy(s)
        case .ikev2Proposal: proposal(s)
        case .ikev2Policy: ikev2Policy(s)
        case .ikev2DPD:
            config.ikev2.dpd = s.negated ? nil : dpd(s)
        case .ikev2CookieChallenge: config.ikev2.cookieChallengeThreshold = s.negated ? nil : int(s, "threshold")
        case .ikev2Limit:
            let count = s.negated ? nil : int(s, "count")
            if s.has("max-in-negotiation-sa") { config.ikev2.maximumNegotiatingSAs = count }
            if s.has("max-sa") { config.ikev2.maximumSAs = count }
            if s.has("queue") { config.ikev2.saInitQueueLimit = count }
            if s.has("outgoing") { log.warning(s.location(of: "outgoing"), "'outgoing' limits initiated SAs, which IKEHub never creates; ignored") }
        case .ikev2Fragmentation:
            // RFC 7383 §2.5 leaves the size to the sender; 576 is IOS's default MTU.
            config.ikev2.fragmentationMTU = s.negated ? nil : (int(s, "mtu") ?? 576)
        case .ikev2NATKeepalive: config.ikev2.natKeepaliveSeconds = s.negated ? nil : int(s, "seconds")
        case .ikev2HTTPURLCert:
            config.ikev2.httpURLCertificates = !s.negated
            if !s.negated {
                log.warning(s.location, "'crypto ikev2 http-url cert': IKEHub accepts hash-and-URL certificates from peers (it announces HTTP_CERT_LOOKUP_SUPPORTED, RFC 7296 §3.6) but always sends its own in CERT payloads")
            }
        case .ikev2RedirectGateway, .ikev2RedirectClient, .ikev2Client, .pkiCertificateChain, .sslPolicy, .sslProfile,
             .ipHTTPServer, .classMap:
            break
        case .policyMap:
            if let name = s.word("policy-map") { policyMaps.insert(name) }
        case .vrfDefinition, .ipVRF:
            if let name = s.word("vrf") { vrfs.insert(name) }
        case .pkiTrustpoint: trustpoint(s)
        case .pkiCertificateMap: certificateMap(s)
        case .ipsecTransformSet: transformSet(s)
        case .ipsecProfile: ipsecProfile(s)
        case .ipsecLifetime:
            if s.has("seconds") { config.ipsec.lifetimeSeconds = s.negated ? 3600 : (int(s, "seconds") ?? 3600) }
            if s.has("kilobytes") { config.ipsec.lifetimeKilobytes = s.negated ? 4_608_000 : (s.integer("kilobytes") ?? 4_608_000) }
        case .anyconnectProfile:
            guard let name = s.word("name"), let path = s.word("path") else { return }
            config.anyconnectProfiles.removeAll { $0.name == name }
            if !s.negated {
                config.anyconnectProfiles.append(AnyConnectProfile(name: name, path: path))
                if !path.hasPrefix("/") {
                    log.warning(s.location(of: "path"), "'\(path)' names an IOS file system; IKEHub reads it relative to the state directory")
                }
            }
        case .ipLocalPool: ipv4Pool(s)
        case .ipv6LocalPool: ipv6Pool(s)
        case .ipAccessListStandard, .ipAccessListExtended, .ipv6AccessList: namedAccessList(s)
        case .numberedStandard, .numberedExtended, .numberedRemark: numberedAccessList(s)
        case .interface: interface(s)
        case .username: username(s)
        case .ikehub: linux(s)
        default:
            break
        }
    }

    /// Finds the object named `name` in `array`, creating it with `make` if absent. The
    /// index keeps this constant-time for files with thousands of objects; it is rebuilt
    /// when the array changed behind its back (a `no` removal, a direct append).
    static func upsert<T: NamedObject>(_ array: inout [T], _ name: String, in cache: ObjectIndexCache, _ make: () -> T) -> Int {
        let type = ObjectIdentifier(T.self)
        if cache.counts[type] != array.count { cache.rebuild(type, names: array.map(\.name)) }
        if let index = cache.indexes[type]?[name] {
            if index < array.count, array[index].name == name { return index }
            cache.rebuild(type, names: array.map(\.name))
            if let fresh = cache.indexes[type]?[name] { return fresh }
        }
        array.append(make())
        cache.indexes[type, default: [:]][name] = array.count - 1
        cache.counts[type] = array.count
        return array.count - 1
    }

    mutating func dpd(_ s: Statement) -> DeadPeerDetection? {
        guard let interval = int(s, "interval"), let retry = int(s, "retry") else { return nil }
        return DeadPeerDetection(intervalSeconds: interval, retrySeconds: retry, mode: s.has("periodic") ? .periodic : .onDemand)
    }
}

/// Array positions by type and name; a class so that `upsert` can update it while the
/// builder's model array is borrowed `inout`.
final class ObjectIndexCache {
    var indexes: [ObjectIdentifier: [String: Int]] = [:]
    /// The array length each index was built for.
    var counts: [ObjectIdentifier: Int] = [:]

    func rebuild(_ type: ObjectIdentifier, names: [String]) {
        var index: [String: Int] = [:]
        for (position, name) in names.enumerated() where index[name] == nil { index[name] = position }
        indexes[type] = index
        counts[type] = names.count
    }

    /// Forgets every index (after changing an array without `upsert`).
    func invalidate() {
        indexes = [:]
        counts = [:]
    }
}
