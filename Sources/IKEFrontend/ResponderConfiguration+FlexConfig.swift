import FlexConfig
import HubIPC
import HubVocabulary
import IKECrypto
import IKEExchanges
import IKEWire
import PKI

/// A FlexVPN construct the IKE engine cannot use, named so the operator can fix it.
public struct FrontendConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    public let description: String
}

/// What the frontend takes from the FlexVPN configuration.
public struct FrontendConfiguration: Sendable {
    public var responder: ResponderConfiguration
    /// Per `crypto ikev2 profile`: what the frontend adds to the engine's requests.
    public var profiles: [String: FrontendProfile]
    /// UDP 500 listen endpoints (4500 belongs to the tunnel manager's data plane).
    public var ikeEndpoints: [SocketAddressPair]
    /// `crypto pki certificate map`s, evaluated for `match certificate` (nil: none configured).
    public var certificateMaps: (any CertificateMapMatcher)?
    /// How long the frontend waits for the broker on a request that may wait on RADIUS
    /// (AAA pre-shared keys, EAP rounds, authorization): ``radiusBudget(_:)``.
    public var aaaDeadline: Duration = RetryPolicy.standard.deadline

    /// An IKE listen address and its NAT-T port.
    public struct SocketAddressPair: Hashable, Sendable {
        public var address: IPAddress
        public var ikePort: UInt16
        public var natTraversalPort: UInt16
    }

    /// The profile names in configuration order.
    public var profileNames: [String] { responder.profiles.map(\.name) }

    /// The settings of `name` (every session names its profile).
    public func profile(_ name: String) -> FrontendProfile? { profiles[name] }
}

/// The parts of a `crypto ikev2 profile` the frontend itself applies.
public struct FrontendProfile: Sendable {
    public var name: String
    /// `virtual-template N`.
    public var virtualTemplate: Int?
    /// The pool of the profile's authorization policy (or of `default`, or the only pool).
    public var poolName: String?
    /// What the profile's local `crypto ikev2 authorization policy` pushes in CFG_REPLY
    /// (`nil` when the profile names none).
    public var localAuthorization: SessionAuthorization?
    /// `authentication local`: how our own AUTH is made.
    public var localAuthentication: LocalAuthentication = .preShared

    /// `authentication local pre-share` (the keyring's key, in the worker) or
    /// `rsa-sig | ecdsa-sig` (the trustpoint's key, in the broker).
    public enum LocalAuthentication: Hashable, Sendable {
        case preShared
        /// `trustpoints`: the profile's signing trustpoints in order (empty = any with a key).
        case signature(trustpoints: [String])
    }
    /// The profile's `pki trustpoint NAME [verify]` trustpoints (empty = all).
    public var verifyTrustpoints: [String] = []
}

extension FrontendConfiguration {
    /// Maps the model: `crypto ikev2 policy/proposal` (or the IOS default proposal), and
    /// per profile its `match` statements, `identity local`, `authentication remote`,
    /// `dpd`, `lifetime`, `virtual-template`, the IPsec profile's transform sets;
    /// `crypto ikev2 limit|cookie-challenge|fragmentation`.
    public init(_ configuration: FlexConfiguration) throws(FrontendConfigurationError) {
        let ikev2 = configuration.ikev2
        // A profile whose only remote method is anyconnect-eap (not implemented) is left out
        // (FlexConfig warns); accepting its peers with another method would be wrong.
        let active = ikev2.profiles.filter { profile in
            !profile.shutdown && (profile.remoteAuthentication.isEmpty || profile.remoteAuthentication.contains {
                if case .anyconnectEAP = $0 { false } else { true }
            })
        }
        guard !active.isEmpty else {
            throw FrontendConfigurationError(description: "no crypto ikev2 profile: nothing for a peer to connect to")
        }
        var ikeProposals: [IKEProposalConfiguration] = []
        let proposalNames = ikev2.policies.flatMap(\.proposals)
        for name in proposalNames.isEmpty ? ikev2.proposals.map(\.name) : proposalNames {
            guard let proposal = ikev2.proposals.first(where: { $0.name == name }) else { continue }
            ikeProposals.append(try Self.ikeProposal(proposal))
        }
        if ikeProposals.isEmpty { ikeProposals = [IKEProposalConfiguration.iosDefault()] }

        var limits = ResponderConfiguration.Limits()
        if let threshold = ikev2.cookieChallengeThreshold { limits.cookieChallengeThreshold = threshold }
        if let halfOpen = ikev2.maximumNegotiatingSAs { limits.maximumHalfOpen = halfOpen }
        if let total = ikev2.maximumSAs { limits.maximumSAs = total }

        var responderProfiles: [ResponderProfile] = []
        var frontendProfiles: [String: FrontendProfile] = [:]
        for profile in active {
            let (engine, frontend) = try Self.profile(profile, in: configuration)
            responderProfiles.append(engine)
            frontendProfiles[profile.name] = frontend
        }
        let first = responderProfiles[0]
        var responder = ResponderConfiguration(
            ikeProposals: ikeProposals, childProposals: first.childProposals, localIdentity: first.localIdentity,
            requiresConfigurationRequest: false, requiresAuthorization: first.requiresAuthorization, limits: limits,
            lifetimes: first.lifetimes, deadPeerDetection: first.deadPeerDetection,
            fragmentation: ResponderConfiguration.Fragmentation(maximumMessageSize: ikev2.fragmentationMTU ?? 1280))
        responder.remoteAuthentication = first.remoteAuthentication
        responder.profiles = responderProfiles
        // Our CERTREQ: the CAs of the trustpoints that verify certificate peers.
        let certificatePeers = active.filter { profile in
            profile.remoteAuthentication.contains { $0 == .rsaSignature || $0 == .ecdsaSignature }
        }
        if !certificatePeers.isEmpty {
            do {
                let trustpoints = try VerificationTrustpointSet(configuration: configuration)
                var hashes: [[UInt8]] = []
                for profile in certificatePeers {
                    for hash in try trustpoints.certificateRequestHashes(for: profile) where !hashes.contains(hash) { hashes.append(hash) }
                }
                responder.certificateAuthorities = hashes
                responder.acceptsHashAndURLCertificates = ikev2.httpURLCertificates
            } catch {
                throw FrontendConfigurationError(description: "\(error)")
            }
        }
        if !configuration.pki.certificateMaps.isEmpty {
            certificateMaps = CertificateMaps(evaluator: CertificateMapEvaluator(maps: configuration.pki.certificateMaps))
        }
        self.responder = responder
        profiles = frontendProfiles
        aaaDeadline = Self.radiusBudget(configuration)
        ikeEndpoints = configuration.linux.effectiveListenAddresses.map {
            SocketAddressPair(address: $0.address, ikePort: $0.port, natTraversalPort: $0.natTraversalPort)
        }
    }

    /// The longest a worker's RADIUS client can take before it answers: every configured
    /// server tried in turn, each for `timeout` × (1 + `retransmit`) (IOS defaults 5 s and
    /// 3: 20 s a server), plus a second for the IPC. Never below the same-host default, so
    /// a configuration without RADIUS keeps it; at most 300 s.
    static func radiusBudget(_ configuration: FlexConfiguration) -> Duration {
        let seconds = configuration.radiusServers.reduce(0) { $0 + $1.timeoutSeconds * (1 + $1.retransmit) }
        guard seconds > 0 else { return RetryPolicy.standard.deadline }
        return max(RetryPolicy.standard.deadline, .seconds(min(seconds + 1, 300)))
    }

    /// One `crypto ikev2 profile` as the engine and the frontend use it.
    static func profile(_ profile: IKEv2Profile, in configuration: FlexConfiguration)
        throws(FrontendConfigurationError) -> (ResponderProfile, FrontendProfile) {
        let ikev2 = configuration.ikev2
        let place = "crypto ikev2 profile \(profile.name)"
        let template = profile.virtualTemplate
        var childProposals: [ChildProposalConfiguration] = []
        let ipsecProfile = configuration.interfaces.first { $0.virtualTemplateNumber == template }?
            .tunnelProtection.flatMap { name in configuration.ipsec.profiles.first { $0.name == name } }
            ?? configuration.ipsec.profiles.first { $0.ikev2Profile == profile.name }
        let pfs = ipsecProfile?.pfsGroup.flatMap { DiffieHellmanGroup(transformID: UInt16(clamping: $0)) }
        for setName in ipsecProfile?.transformSets ?? [] {
            guard let set = configuration.ipsec.transformSets.first(where: { $0.name == setName }) else { continue }
            childProposals.append(try Self.childProposal(set, pfs: pfs))
        }
        if childProposals.isEmpty {
            childProposals = [ChildProposalConfiguration(
                name: "default", encryptions: [try Self.encryption(.aesGCM16, 256, "default"), try Self.encryption(.aesCBC, 256, "default")],
                integrities: [.hmacSHA256_128, .hmacSHA1_96])]
        }

        let localIdentity: PeerIdentity
        switch profile.localIdentity {
        case .fqdn(let name)?: localIdentity = .fqdn(name)
        case .email(let address)?: localIdentity = .email(address)
        case .keyID(let id)?: localIdentity = .keyID(id)
        case .address(let address)?: localIdentity = .address(address)
        case .distinguishedName?, nil:
            let listen = configuration.linux.effectiveListenAddresses.first?.address ?? .v4(IPv4Address(0))
            localIdentity = .address(listen)
        }

        var remote: [ResponderProfile.RemoteAuthentication] = []
        for method in profile.remoteAuthentication {
            switch method {
            case .preShared: remote.append(.sharedKey)
            case .rsaSignature, .ecdsaSignature: remote.append(.signature)
            case .eap(let query, let timeout): remote.append(.eap(queryIdentity: query, timeoutSeconds: Int64(timeout)))
            case .anyconnectEAP:
                continue   // not implemented; FlexConfig warns at its line, and a profile with nothing else is left out
            }
        }
        if remote.isEmpty { remote = [.sharedKey] }

        var lifetimes = ResponderConfiguration.Lifetimes()
        lifetimes.ikeSASeconds = Int64(profile.lifetimeSeconds)
        if let seconds = ipsecProfile?.lifetimeSeconds { lifetimes.childSASeconds = Int64(seconds) }
        let dpd = (profile.dpd ?? ikev2.dpd).map {
            ResponderConfiguration.DeadPeerDetection(intervalSeconds: Int64($0.intervalSeconds),
                                                     retryIntervalSeconds: Int64($0.retrySeconds))
        }
        // `aaa authorization group psk list LIST NAME`: NAME is the authorization policy.
        let policy = profile.authorizations.compactMap { authorization -> AuthorizationPolicy? in
            guard case .fixed(let name) = authorization.username else { return nil }
            return ikev2.authorizationPolicies.first { $0.name == name }
        }.first
        var match = ProfileMatch(certificateMaps: profile.certificateMaps)
        match.localAddresses = profile.localAddresses
        for identity in profile.identityMatches {
            match.identities.append(Self.identityPattern(identity))
        }
        // Any `aaa authorization` line: the auth workers' `authz` runs them all.
        let engine = ResponderProfile(
            name: profile.name, match: match, remoteAuthentication: remote, localIdentity: localIdentity,
            childProposals: childProposals, requiresAuthorization: !profile.authorizations.isEmpty, lifetimes: lifetimes,
            deadPeerDetection: dpd, accountedMethods: Self.accountedMethods(profile.accounting))
        // The authorization policy's `pool` gives the address; without one, `default`'s.
        let pool = policy?.pool
            ?? ikev2.authorizationPolicies.first(where: { $0.name == "default" })?.pool
            ?? (configuration.ipv4Pools.count == 1 ? configuration.ipv4Pools.first?.name : nil)
        var frontend = FrontendProfile(name: profile.name, virtualTemplate: template, poolName: pool,
                                       localAuthorization: policy.map(Self.sessionAuthorization))
        switch profile.localAuthentication {
        case .rsaSignature?, .ecdsaSignature?:
            frontend.localAuthentication = .signature(trustpoints: profile.trustpoints.filter { $0.usage != .verify }.map(\.trustpoint))
        default:
            frontend.localAuthentication = .preShared
        }
        frontend.verifyTrustpoints = profile.trustpoints.filter { $0.usage != .sign }.map(\.trustpoint)
        return (engine, frontend)
    }

    /// `aaa accounting psk|cert|eap|anyconnect-eap LIST` lines; one without a method
    /// accounts every session of the profile.
    static func accountedMethods(_ lines: [IKEv2Profile.Accounting]) -> Set<AuthorizationMethod> {
        var methods: Set<AuthorizationMethod> = []
        for line in lines {
            switch line.method {
            case .psk?: methods.insert(.psk)
            case .cert?: methods.insert(.cert)
            case .eap?, .anyconnectEAP?: methods.insert(.eap)
            case nil: methods.formUnion([.psk, .eap, .cert])
            }
        }
        return methods
    }

    static func identityPattern(_ match: IKEv2Profile.IdentityMatch) -> IdentityPattern {
        switch match {
        case .address(let address, let mask): .ipv4(address, prefixLength: UInt8(mask.rawValue.nonzeroBitCount))
        case .ipv6Prefix(let address, let length): .ipv6(address, prefixLength: length)
        case .fqdn(let name, let domain): .fqdn(name, domain: domain)
        case .email(let name, let domain): .email(name, domain: domain)
        case .keyID(let id): .keyID(id)
        case .any: .any
        }
    }

    /// The standard CFG_REPLY attributes of a local authorization policy (RFC 7296
    /// §3.15.1): DNS and WINS servers, the RFC 8598 domain, and `route set remote` subnets.
    /// Cisco Unity attributes (banner, split DNS, backup gateways …) go to Cisco clients
    /// only and come with the AAA issue.
    static func sessionAuthorization(_ policy: AuthorizationPolicy) -> SessionAuthorization {
        var attributes: [ConfigurationAttribute] = []
        attributes += policy.dnsServers.map { .ipv4(.internalIP4DNS, $0) }
        attributes += policy.ipv6DNSServers.map { .ipv6(.internalIP6DNS, $0) }
        attributes += policy.winsServers.map { .ipv4(.internalIP4NBNS, $0) }
        if let domain = policy.defaultDomain { attributes.append(.text(.internalDNSDomain, domain)) }
        for route in policy.remoteRoutes {
            if case .ipv4(let address, let mask) = route { attributes.append(.ipv4Subnet(address: address, netmask: mask)) }
        }
        return SessionAuthorization(pushedAttributes: attributes, poolName: policy.pool)
    }

    static func encryption(_ algorithm: EncryptionAlgorithm, _ bits: Int?, _ place: String) throws(FrontendConfigurationError) -> EncryptionTransform {
        do { return try EncryptionTransform(algorithm, keyLengthBits: bits) } catch {
            throw FrontendConfigurationError(description: "\(place): \(algorithm) with \(bits ?? 0) bits: \(error)")
        }
    }

    static func ikeProposal(_ proposal: IKEv2Proposal) throws(FrontendConfigurationError) -> IKEProposalConfiguration {
        let place = "crypto ikev2 proposal \(proposal.name)"
        var encryptions: [EncryptionTransform] = []
        for name in proposal.encryption {
            switch name {
            case "aes-cbc-128": encryptions.append(try encryption(.aesCBC, 128, place))
            case "aes-cbc-192": encryptions.append(try encryption(.aesCBC, 192, place))
            case "aes-cbc-256": encryptions.append(try encryption(.aesCBC, 256, place))
            case "aes-gcm-128": encryptions.append(try encryption(.aesGCM16, 128, place))
            case "aes-gcm-256": encryptions.append(try encryption(.aesGCM16, 256, place))
            case "aes-ctr-128", "aes-ctr-192", "aes-ctr-256":
                encryptions.append(try encryption(.aesCTR, Int(name.suffix(3)), place))
            default: throw FrontendConfigurationError(description: "\(place): encryption '\(name)' is not supported by the IKE engine")
            }
        }
        let integrities = try proposal.integrity.map { (name) throws(FrontendConfigurationError) in try integrity(name, place) }
        var prfs: [PseudorandomFunction] = []
        for name in proposal.prf.isEmpty ? proposal.integrity : proposal.prf {
            switch name {
            case "sha1": prfs.append(.hmacSHA1)
            case "sha256": prfs.append(.hmacSHA256)
            case "sha384": prfs.append(.hmacSHA384)
            case "sha512": prfs.append(.hmacSHA512)
            default: throw FrontendConfigurationError(description: "\(place): prf '\(name)' is not supported by the IKE engine")
            }
        }
        var groups: [DiffieHellmanGroup] = []
        for number in proposal.groups {
            guard let group = DiffieHellmanGroup(transformID: UInt16(clamping: number)) else {
                throw FrontendConfigurationError(description: "\(place): group \(number) is not supported by the IKE engine")
            }
            groups.append(group)
        }
        let aeadOnly = encryptions.allSatisfy { $0.algorithm == .aesGCM16 }
        return IKEProposalConfiguration(name: proposal.name, encryptions: encryptions,
                                        integrities: aeadOnly ? [] : integrities, prfs: prfs, groups: groups)
    }

    static func integrity(_ name: String, _ place: String) throws(FrontendConfigurationError) -> IntegrityAlgorithm {
        switch name {
        case "sha1", "esp-sha-hmac": .hmacSHA1_96
        case "sha256", "esp-sha256-hmac": .hmacSHA256_128
        case "sha384", "esp-sha384-hmac": .hmacSHA384_192
        case "sha512", "esp-sha512-hmac": .hmacSHA512_256
        default: throw FrontendConfigurationError(description: "\(place): integrity '\(name)' is not supported by the IKE engine")
        }
    }

    static func childProposal(_ set: TransformSet, pfs: DiffieHellmanGroup?) throws(FrontendConfigurationError) -> ChildProposalConfiguration {
        let place = "crypto ipsec transform-set \(set.name)"
        var encryptions: [EncryptionTransform] = []
        var integrities: [IntegrityAlgorithm] = []
        for transform in set.transforms {
            switch transform.name {
            case "esp-aes": encryptions.append(try encryption(.aesCBC, transform.keyBits ?? 128, place))
            case "esp-gcm": encryptions.append(try encryption(.aesGCM16, transform.keyBits ?? 128, place))
            case "esp-sha-hmac", "esp-sha256-hmac", "esp-sha384-hmac", "esp-sha512-hmac":
                integrities.append(try integrity(transform.name, place))
            default: throw FrontendConfigurationError(description: "\(place): transform '\(transform.name)' is not supported by the userspace data plane")
            }
        }
        guard !encryptions.isEmpty else { throw FrontendConfigurationError(description: "\(place): no ESP encryption transform") }
        return ChildProposalConfiguration(name: set.name, encryptions: encryptions, integrities: integrities, pfsGroup: pfs)
    }
}

/// `match certificate` through PKI's certificate-map evaluation (the end-entity certificate).
struct CertificateMaps: CertificateMapMatcher {
    let evaluator: CertificateMapEvaluator

    func matchingMaps(endEntity: [UInt8], intermediates: [[UInt8]]) -> Set<String> {
        evaluator.matchingMaps(endEntity: endEntity)
    }

    func mismatch(endEntity: [UInt8], maps: [String]) -> String {
        do {
            let certificate = try Certificate(der: endEntity)
            let match = try evaluator.firstMatch(among: maps, for: certificate)
            return "map \(match.map) matches, but its profile does not take this peer"
        } catch {
            return "\(error)"
        }
    }
}
