import HubVocabulary
import IKECrypto

/// One row of `show crypto ikev2 sa [detail]`: plain values only.
public struct IKESASnapshot: Hashable, Sendable {
    /// One CHILD_SA of the row.
    public struct Child: Hashable, Sendable {
        public var inboundSPI: UInt32
        public var outboundSPI: UInt32
        public var transforms: String
        public var extendedSequenceNumbers: Bool
        public var localSelectors: [TrafficSelector]
        public var remoteSelectors: [TrafficSelector]
        public var lifetimeSeconds: Int64
        public var ageSeconds: Int64
    }

    public var session: SessionID
    public var identifier: IKESAIdentifier
    /// `IKESAPhase` case name; IOS shows READY for `established`.
    public var state: String
    public var role: IKESARole
    public var local: Endpoint
    public var remote: Endpoint
    public var natDetected: Bool
    public var encryption: String
    public var prf: String
    public var integrity: String?
    public var group: String
    public var proposalName: String
    /// The `crypto ikev2 profile` of the session ("" before IKE_AUTH chose one).
    public var profile: String
    public var identity: PeerIdentity?
    public var username: String?
    public var assignedIPv4: IPv4Address?
    public var lifetimeSeconds: Int64
    public var ageSeconds: Int64
    public var createdAt: MonotonicTime
    /// `dpd <interval>`, or nil when off.
    public var deadPeerDetectionSeconds: Int64?
    public var secondsSinceLastMessage: Int64
    public var children: [Child]

    init(sa: IKESA, configuration: ResponderConfiguration, now: MonotonicTime) {
        session = sa.sessionID
        identifier = sa.identifier
        state = sa.phase.name
        role = sa.role
        local = sa.local
        remote = sa.remote
        natDetected = sa.nat.natDetected
        encryption = sa.keys.transforms.encryption.description
        prf = sa.keys.transforms.prf.description
        integrity = sa.keys.transforms.integrity?.description
        group = sa.keys.transforms.group.description
        proposalName = sa.proposalName
        profile = sa.phase.profileName ?? ""
        lifetimeSeconds = sa.lifetimeSeconds
        ageSeconds = now.milliseconds(since: sa.createdAt) / 1000
        createdAt = sa.createdAt
        deadPeerDetectionSeconds = configuration.deadPeerDetection?.intervalSeconds
        secondsSinceLastMessage = now.milliseconds(since: sa.lastHeardFrom) / 1000
        children = []
        if case .established(let established) = sa.phase {
            identity = established.session.identity
            username = established.session.username
            assignedIPv4 = established.session.address?.ipv4Address
            children = established.children.map {
                Child(inboundSPI: $0.inboundSPI, outboundSPI: $0.outboundSPI, transforms: $0.proposal.transforms.description,
                      extendedSequenceNumbers: $0.proposal.extendedSequenceNumbers, localSelectors: $0.localSelectors,
                      remoteSelectors: $0.remoteSelectors, lifetimeSeconds: $0.lifetimeSeconds,
                      ageSeconds: now.milliseconds(since: $0.createdAt) / 1000)
            }
        }
    }
}
