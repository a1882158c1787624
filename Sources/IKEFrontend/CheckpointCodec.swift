import HubVocabulary
import IKECrypto
import IKEExchanges
import IKEWire

/// The on-disk form of an ``IKESACheckpoint`` (DESIGN §4): a version octet, then every
/// field in a fixed order, integers big-endian, byte strings and lists length-prefixed
/// (u32). It holds SK_* keys, so the store that keeps it is mode 0600 and never logged.
/// A record of another version, or one that does not parse, is refused with the field
/// that failed: the frontend then drops that one session instead of misreading it.
enum CheckpointCodec {
    static let version: UInt8 = 1

    struct DecodingError: Error, CustomStringConvertible, Equatable {
        let field: String
        let offset: Int
        var description: String { "checkpoint record: bad or truncated \(field) at octet \(offset)" }
    }

    // MARK: - Encoding

    static func encode(_ checkpoint: IKESACheckpoint) -> [UInt8] {
        var w = Writer()
        w.u8(version)
        w.bytes(checkpoint.session.bytes)
        w.u64(checkpoint.identifier.initiatorSPI.rawValue)
        w.u64(checkpoint.identifier.responderSPI.rawValue)
        w.u64(checkpoint.localSPI.rawValue)
        w.bool(checkpoint.role == .originalInitiator)
        w.endpoint(checkpoint.remote)
        w.endpoint(checkpoint.local)
        w.bool(checkpoint.peerBehindNAT)
        w.bool(checkpoint.localBehindNAT)
        let transforms = checkpoint.transforms
        w.encryption(transforms.encryption)
        w.u16(transforms.prf.transformID)
        w.u16(transforms.integrity?.transformID ?? 0)
        w.u16(transforms.group.transformID)
        w.string(checkpoint.proposalName)
        let keys = checkpoint.keys
        for key in [keys.skD, keys.skAi, keys.skAr, keys.skEi, keys.skEr, keys.skPi, keys.skPr] {
            w.bytes(key.revealedBytes())
        }
        w.u32(checkpoint.nextInboundMessageID.rawValue)
        w.u32(checkpoint.nextOutboundMessageID.rawValue)
        w.optional(checkpoint.lastResponseMessageID) { $0.u32($1.rawValue) }
        w.list(checkpoint.lastResponse) { $0.bytes($1) }
        w.bool(checkpoint.peerSupportsFragmentation)
        w.string(checkpoint.profile)
        w.u8(checkpoint.identity.kind.rawValue)
        w.bytes(checkpoint.identity.data)
        w.optional(checkpoint.username) { $0.string($1) }
        w.optional(checkpoint.address) { w, address in
            w.u64(address.lease.rawValue)
            w.optional(address.ipv4Address) { $0.u32($1.rawValue) }
            w.optional(address.ipv4Netmask) { $0.u32($1.rawValue) }
            w.optional(address.ipv6Address) { $0.bytes($1.bytes) }
            w.u8(address.ipv6PrefixLength)
            w.attributes(address.attributes)
        }
        w.optional(checkpoint.virtualAccess) { $0.u32($1.index) }
        w.optional(checkpoint.authorization) { w, authorization in
            w.attributes(authorization.pushedAttributes)
            w.optional(authorization.framedIPv4Address) { $0.u32($1.rawValue) }
            w.optional(authorization.poolName) { $0.string($1) }
            w.optional(authorization.virtualTemplate) { $0.u32(UInt32(clamping: $1)) }
            w.list(authorization.accountingClass) { $0.bytes($1) }
            w.list(authorization.interfaceConfig) { $0.string($1) }
            w.optional(authorization.sessionTimeoutSeconds) { $0.u64(UInt64(bitPattern: $1)) }
        }
        w.bool(checkpoint.accountingStarted)
        w.u64(UInt64(bitPattern: checkpoint.lifetimeSeconds))
        w.u64(UInt64(bitPattern: checkpoint.ageSeconds))
        w.list(checkpoint.children) { w, child in
            w.u32(child.inboundSPI)
            w.u32(child.outboundSPI)
            w.u8(child.proposalNumber)
            w.optional(child.transforms.encryption) { $0.encryption($1) }
            w.u16(child.transforms.integrity?.transformID ?? 0)
            w.bool(child.extendedSequenceNumbers)
            w.u16(child.pfsGroup?.transformID ?? 0)
            w.string(child.proposalName)
            w.list(child.localSelectors) { $0.selector($1) }
            w.list(child.remoteSelectors) { $0.selector($1) }
            w.u64(UInt64(bitPattern: child.lifetimeSeconds))
            w.u64(UInt64(bitPattern: child.ageSeconds))
        }
        return w.bytes
    }

    // MARK: - Decoding

    static func decode(_ bytes: [UInt8]) throws(DecodingError) -> IKESACheckpoint {
        var r = Reader(bytes)
        guard try r.u8("version") == version else { throw DecodingError(field: "version", offset: 0) }
        guard let session = SessionID(bytes: try r.bytes("session")) else { throw r.failure("session") }
        let identifier = IKESAIdentifier(initiatorSPI: IKESPI(try r.u64("SPIi")), responderSPI: IKESPI(try r.u64("SPIr")))
        let localSPI = IKESPI(try r.u64("local SPI"))
        let role: IKESARole = try r.bool("role") ? .originalInitiator : .originalResponder
        let remote = try r.endpoint("remote"), local = try r.endpoint("local")
        let peerBehindNAT = try r.bool("peer NAT"), localBehindNAT = try r.bool("local NAT")
        let encryption = try r.encryption("IKE encryption")
        guard let prf = PseudorandomFunction(transformID: try r.u16("PRF")) else { throw r.failure("PRF") }
        let integrityID = try r.u16("IKE integrity")
        guard let group = DiffieHellmanGroup(transformID: try r.u16("group")) else { throw r.failure("group") }
        let transforms: NegotiatedIKETransforms
        do {
            transforms = try NegotiatedIKETransforms(encryption: encryption, prf: prf,
                                                     integrity: integrityID == 0 ? nil : IntegrityAlgorithm(transformID: integrityID),
                                                     group: group)
        } catch {
            throw r.failure("IKE transforms")
        }
        let proposalName = try r.string("proposal name")
        var keys: [SecretBytes] = []
        for name in ["SK_d", "SK_ai", "SK_ar", "SK_ei", "SK_er", "SK_pi", "SK_pr"] { keys.append(SecretBytes(try r.bytes(name))) }
        let ikeKeys = IKEKeys(skD: keys[0], skAi: keys[1], skAr: keys[2], skEi: keys[3], skEr: keys[4], skPi: keys[5], skPr: keys[6])
        let nextInbound = MessageID(try r.u32("next inbound Message ID"))
        let nextOutbound = MessageID(try r.u32("next outbound Message ID"))
        let lastResponseID = try r.optional("last response ID") { r throws(DecodingError) in MessageID(try r.u32("last response ID")) }
        let lastResponse = try r.list("last response") { r throws(DecodingError) in try r.bytes("last response") }
        let fragmentation = try r.bool("fragmentation")
        let profile = try r.string("profile")
        let kind = PeerIdentity.Kind(rawValue: try r.u8("identity type"))
        let identity = PeerIdentity(kind: kind, data: try r.bytes("identity"))
        let username = try r.optional("username") { r throws(DecodingError) in try r.string("username") }
        let address = try r.optional("address") { r throws(DecodingError) -> AddressAssignment in
            let lease = LeaseID(try r.u64("lease"))
            let v4 = try r.optional("IPv4 address") { r throws(DecodingError) in IPv4Address(try r.u32("IPv4 address")) }
            let mask = try r.optional("IPv4 netmask") { r throws(DecodingError) in IPv4Address(try r.u32("IPv4 netmask")) }
            let v6 = try r.optional("IPv6 address") { r throws(DecodingError) -> IPv6Address in
                guard let value = IPv6Address(bytes: try r.bytes("IPv6 address")) else { throw r.failure("IPv6 address") }
                return value
            }
            let prefix = try r.u8("IPv6 prefix length")
            return AddressAssignment(lease: lease, ipv4Address: v4, ipv4Netmask: mask, ipv6Address: v6,
                                     ipv6PrefixLength: prefix, attributes: try r.attributes("address attributes"))
        }
        let virtualAccess = try r.optional("virtual-access") { r throws(DecodingError) in VirtualAccessInterface(index: try r.u32("virtual-access")) }
        let authorization = try r.optional("authorization") { r throws(DecodingError) -> SessionAuthorization in
            let pushed = try r.attributes("pushed attributes")
            let framed = try r.optional("Framed-IP") { r throws(DecodingError) in IPv4Address(try r.u32("Framed-IP")) }
            let pool = try r.optional("pool") { r throws(DecodingError) in try r.string("pool") }
            let template = try r.optional("virtual-template") { r throws(DecodingError) in Int(try r.u32("virtual-template")) }
            let classes = try r.list("Class") { r throws(DecodingError) in try r.bytes("Class") }
            let lines = try r.list("interface-config") { r throws(DecodingError) in try r.string("interface-config") }
            var authorization = SessionAuthorization(pushedAttributes: pushed, framedIPv4Address: framed, poolName: pool,
                                                     virtualTemplate: template, accountingClass: classes, interfaceConfig: lines)
            authorization.sessionTimeoutSeconds = try r.optional("Session-Timeout") { r throws(DecodingError) in
                Int64(bitPattern: try r.u64("Session-Timeout"))
            }
            return authorization
        }
        let accountingStarted = try r.bool("accounting started")
        let lifetime = Int64(bitPattern: try r.u64("lifetime"))
        let age = Int64(bitPattern: try r.u64("age"))
        let children = try r.list("children") { r throws(DecodingError) -> IKESACheckpoint.Child in
            let inbound = try r.u32("CHILD_SA inbound SPI"), outbound = try r.u32("CHILD_SA outbound SPI")
            let number = try r.u8("proposal number")
            let encryption = try r.optional("ESP encryption") { r throws(DecodingError) in try r.encryption("ESP encryption") }
            let integrityID = try r.u16("ESP integrity")
            let childTransforms: ChildSATransforms
            do {
                childTransforms = try ChildSATransforms(encryption: encryption,
                                                        integrity: integrityID == 0 ? nil : IntegrityAlgorithm(transformID: integrityID))
            } catch {
                throw r.failure("ESP transforms")
            }
            let esn = try r.bool("ESN")
            let pfsID = try r.u16("PFS group")
            let name = try r.string("ESP proposal name")
            let localSelectors = try r.list("TSr") { r throws(DecodingError) in try r.selector("TSr") }
            let remoteSelectors = try r.list("TSi") { r throws(DecodingError) in try r.selector("TSi") }
            let childLifetime = Int64(bitPattern: try r.u64("CHILD_SA lifetime"))
            let childAge = Int64(bitPattern: try r.u64("CHILD_SA age"))
            return IKESACheckpoint.Child(
                inboundSPI: inbound, outboundSPI: outbound, proposalNumber: number, transforms: childTransforms,
                extendedSequenceNumbers: esn, pfsGroup: pfsID == 0 ? nil : DiffieHellmanGroup(transformID: pfsID),
                proposalName: name, localSelectors: localSelectors, remoteSelectors: remoteSelectors,
                lifetimeSeconds: childLifetime, ageSeconds: childAge)
        }
        guard r.isAtEnd else { throw r.failure("end of record") }
        return IKESACheckpoint(
            session: session, identifier: identifier, localSPI: localSPI, role: role, remote: remote, local: local,
            peerBehindNAT: peerBehindNAT, localBehindNAT: localBehindNAT, transforms: transforms, proposalName: proposalName,
            keys: ikeKeys, nextInboundMessageID: nextInbound, nextOutboundMessageID: nextOutbound,
            lastResponseMessageID: lastResponseID, lastResponse: lastResponse, peerSupportsFragmentation: fragmentation,
            profile: profile, identity: identity, username: username, address: address, virtualAccess: virtualAccess,
            authorization: authorization, accountingStarted: accountingStarted, lifetimeSeconds: lifetime, ageSeconds: age,
            children: children)
    }

    // MARK: - Primitives

    struct Writer {
        var bytes: [UInt8] = []

        mutating func u8(_ value: UInt8) { bytes.append(value) }
        mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }
        mutating func u16(_ value: UInt16) { bytes += [UInt8(value >> 8), UInt8(value & 0xff)] }
        mutating func u32(_ value: UInt32) { for shift in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> shift)) } }
        mutating func u64(_ value: UInt64) { for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> shift)) } }
        mutating func bytes(_ value: [UInt8]) { u32(UInt32(value.count)); bytes += value }
        mutating func string(_ value: String) { bytes(Array(value.utf8)) }
        mutating func optional<T>(_ value: T?, _ body: (inout Writer, T) -> Void) {
            guard let value else { return u8(0) }
            u8(1)
            body(&self, value)
        }
        mutating func list<T>(_ values: [T], _ body: (inout Writer, T) -> Void) {
            u32(UInt32(values.count))
            for value in values { body(&self, value) }
        }
        mutating func endpoint(_ endpoint: Endpoint) { bytes(endpoint.address.bytes); u16(endpoint.port) }
        mutating func encryption(_ transform: EncryptionTransform) {
            u16(transform.algorithm.transformID)
            u16(UInt16(clamping: transform.keyLengthBits))
        }
        mutating func attributes(_ attributes: [ConfigurationAttribute]) {
            list(attributes) { w, attribute in
                w.u16(attribute.type.rawValue)
                w.bytes(attribute.value)
            }
        }
        mutating func selector(_ selector: TrafficSelector) {
            u8(selector.ipProtocol)
            u16(selector.startPort)
            u16(selector.endPort)
            bytes(selector.startAddress.bytes)
            bytes(selector.endAddress.bytes)
        }
    }

    struct Reader {
        private let data: [UInt8]
        private var index = 0
        /// Lists and byte strings longer than the record are lies, not allocations.
        init(_ data: [UInt8]) { self.data = data }

        var isAtEnd: Bool { index == data.count }

        func failure(_ field: String) -> DecodingError { DecodingError(field: field, offset: index) }

        private mutating func take(_ count: Int, _ field: String) throws(DecodingError) -> ArraySlice<UInt8> {
            guard count >= 0, data.count - index >= count else { throw failure(field) }
            defer { index += count }
            return data[index..<index + count]
        }

        mutating func u8(_ field: String) throws(DecodingError) -> UInt8 { try take(1, field).first! }
        mutating func bool(_ field: String) throws(DecodingError) -> Bool {
            switch try u8(field) {
            case 0: return false
            case 1: return true
            default: throw failure(field)
            }
        }
        mutating func u16(_ field: String) throws(DecodingError) -> UInt16 { try take(2, field).reduce(0) { $0 << 8 | UInt16($1) } }
        mutating func u32(_ field: String) throws(DecodingError) -> UInt32 { try take(4, field).reduce(0) { $0 << 8 | UInt32($1) } }
        mutating func u64(_ field: String) throws(DecodingError) -> UInt64 { try take(8, field).reduce(0) { $0 << 8 | UInt64($1) } }
        mutating func bytes(_ field: String) throws(DecodingError) -> [UInt8] { Array(try take(Int(try u32(field)), field)) }
        mutating func string(_ field: String) throws(DecodingError) -> String {
            guard let text = String(validating: try bytes(field), as: UTF8.self) else { throw failure(field) }
            return text
        }
        mutating func optional<T>(_ field: String, _ body: (inout Reader) throws(DecodingError) -> T) throws(DecodingError) -> T? {
            try bool(field) ? try body(&self) : nil
        }
        mutating func list<T>(_ field: String, _ body: (inout Reader) throws(DecodingError) -> T) throws(DecodingError) -> [T] {
            let count = Int(try u32(field))
            guard count <= data.count - index else { throw failure(field) }   // every element takes ≥ 1 octet
            var values: [T] = []
            for _ in 0..<count { values.append(try body(&self)) }
            return values
        }
        mutating func address(_ field: String) throws(DecodingError) -> IPAddress {
            guard let address = IPAddress(bytes: try bytes(field)) else { throw failure(field) }
            return address
        }
        mutating func endpoint(_ field: String) throws(DecodingError) -> Endpoint {
            Endpoint(address: try address(field), port: try u16(field))
        }
        mutating func encryption(_ field: String) throws(DecodingError) -> EncryptionTransform {
            guard let algorithm = EncryptionAlgorithm(transformID: try u16(field)) else { throw failure(field) }
            let bits = Int(try u16(field))
            do { return try EncryptionTransform(algorithm, keyLengthBits: bits == 0 ? nil : bits) } catch { throw failure(field) }
        }
        mutating func attributes(_ field: String) throws(DecodingError) -> [ConfigurationAttribute] {
            try list(field) { r throws(DecodingError) in
                ConfigurationAttribute(type: ConfigurationAttributeType(try r.u16(field)), value: try r.bytes(field))
            }
        }
        mutating func selector(_ field: String) throws(DecodingError) -> TrafficSelector {
            TrafficSelector(ipProtocol: try u8(field), startPort: try u16(field), endPort: try u16(field),
                            startAddress: try address(field), endAddress: try address(field))
        }
    }
}
