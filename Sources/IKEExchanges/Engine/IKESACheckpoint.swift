import HubVocabulary
import IKECrypto
import IKEWire

/// Everything needed to resume an established IKE SA after a frontend restart
/// (DESIGN §4): keys as ``SecretBytes``, SPIs, Message IDs, the peer, the session's
/// resources and its CHILD_SAs (their ESP keys stay in tunneld, which keeps the SAs).
/// A value the frontend persists; it is not `Codable` because the keys are secret and
/// the frontend decides how they are stored (encrypted state file, sealed IPC).
public struct IKESACheckpoint: Sendable {
    /// One CHILD_SA, without keys.
    public struct Child: Hashable, Sendable {
        public var inboundSPI: UInt32
        public var outboundSPI: UInt32
        public var proposalNumber: UInt8
        public var transforms: ChildSATransforms
        public var extendedSequenceNumbers: Bool
        public var pfsGroup: DiffieHellmanGroup?
        public var proposalName: String
        public var localSelectors: [TrafficSelector]
        public var remoteSelectors: [TrafficSelector]
        public var lifetimeSeconds: Int64
        /// Seconds the CHILD_SA had existed at the checkpoint.
        public var ageSeconds: Int64

        public init(inboundSPI: UInt32, outboundSPI: UInt32, proposalNumber: UInt8, transforms: ChildSATransforms,
                    extendedSequenceNumbers: Bool, pfsGroup: DiffieHellmanGroup?, proposalName: String,
                    localSelectors: [TrafficSelector], remoteSelectors: [TrafficSelector], lifetimeSeconds: Int64,
                    ageSeconds: Int64) {
            self.inboundSPI = inboundSPI
            self.outboundSPI = outboundSPI
            self.proposalNumber = proposalNumber
            self.transforms = transforms
            self.extendedSequenceNumbers = extendedSequenceNumbers
            self.pfsGroup = pfsGroup
            self.proposalName = proposalName
            self.localSelectors = localSelectors
            self.remoteSelectors = remoteSelectors
            self.lifetimeSeconds = lifetimeSeconds
            self.ageSeconds = ageSeconds
        }
    }

    public var session: SessionID
    public var identifier: IKESAIdentifier
    public var localSPI: IKESPI
    public var role: IKESARole
    public var remote: Endpoint
    public var local: Endpoint
    public var peerBehindNAT: Bool
    public var localBehindNAT: Bool
    public var transforms: NegotiatedIKETransforms
    public var proposalName: String
    public var keys: IKEKeys
    /// The next request Message ID we expect from the peer.
    public var nextInboundMessageID: MessageID
    /// The next Message ID of our own requests.
    public var nextOutboundMessageID: MessageID
    /// Our answer to the peer's last request (all fragments), for its retransmissions.
    public var lastResponseMessageID: MessageID?
    public var lastResponse: [[UInt8]]
    public var peerSupportsFragmentation: Bool
    /// The `crypto ikev2 profile` the session was set up under.
    public var profile: String
    public var identity: PeerIdentity
    public var username: String?
    public var address: AddressAssignment?
    public var virtualAccess: VirtualAccessInterface?
    public var authorization: SessionAuthorization?
    public var accountingStarted: Bool
    public var lifetimeSeconds: Int64
    /// Seconds the IKE SA had existed at the checkpoint.
    public var ageSeconds: Int64
    public var children: [Child]

    /// A checkpoint read back from the frontend's store (every field as it was saved).
    public init(session: SessionID, identifier: IKESAIdentifier, localSPI: IKESPI, role: IKESARole, remote: Endpoint,
                local: Endpoint, peerBehindNAT: Bool, localBehindNAT: Bool, transforms: NegotiatedIKETransforms,
                proposalName: String, keys: IKEKeys, nextInboundMessageID: MessageID, nextOutboundMessageID: MessageID,
                lastResponseMessageID: MessageID?, lastResponse: [[UInt8]], peerSupportsFragmentation: Bool,
                profile: String = "", identity: PeerIdentity, username: String?, address: AddressAssignment?,
                virtualAccess: VirtualAccessInterface?, authorization: SessionAuthorization?, accountingStarted: Bool,
                lifetimeSeconds: Int64, ageSeconds: Int64, children: [Child]) {
        self.session = session
        self.identifier = identifier
        self.localSPI = localSPI
        self.role = role
        self.remote = remote
        self.local = local
        self.peerBehindNAT = peerBehindNAT
        self.localBehindNAT = localBehindNAT
        self.transforms = transforms
        self.proposalName = proposalName
        self.keys = keys
        self.nextInboundMessageID = nextInboundMessageID
        self.nextOutboundMessageID = nextOutboundMessageID
        self.lastResponseMessageID = lastResponseMessageID
        self.lastResponse = lastResponse
        self.peerSupportsFragmentation = peerSupportsFragmentation
        self.profile = profile
        self.identity = identity
        self.username = username
        self.address = address
        self.virtualAccess = virtualAccess
        self.authorization = authorization
        self.accountingStarted = accountingStarted
        self.lifetimeSeconds = lifetimeSeconds
        self.ageSeconds = ageSeconds
        self.children = children
    }

    init?(sa: IKESA) {
        guard case .established(let state) = sa.phase else { return nil }
        let now = sa.lastHeardFrom
        session = sa.sessionID
        identifier = sa.identifier
        localSPI = sa.localSPI
        role = sa.role
        remote = sa.remote
        local = sa.local
        peerBehindNAT = sa.nat.peerBehindNAT
        localBehindNAT = sa.nat.localBehindNAT
        transforms = sa.keys.transforms
        proposalName = sa.proposalName
        keys = sa.keys.keys
        nextInboundMessageID = sa.window.expected
        nextOutboundMessageID = sa.outstanding?.messageID ?? sa.nextRequestID
        lastResponseMessageID = sa.window.lastResponseID
        lastResponse = sa.window.lastResponse
        peerSupportsFragmentation = sa.peerSupportsFragmentation
        profile = state.session.profile
        identity = state.session.identity
        username = state.session.username
        address = state.session.address
        virtualAccess = state.session.virtualAccess
        authorization = state.session.authorization
        accountingStarted = state.session.accountingStarted
        lifetimeSeconds = sa.lifetimeSeconds
        ageSeconds = max(0, now.milliseconds(since: sa.createdAt) / 1000)
        children = state.children.map {
            Child(inboundSPI: $0.inboundSPI, outboundSPI: $0.outboundSPI, proposalNumber: $0.proposal.number,
                  transforms: $0.proposal.transforms, extendedSequenceNumbers: $0.proposal.extendedSequenceNumbers,
                  pfsGroup: $0.proposal.group, proposalName: $0.proposal.configurationName,
                  localSelectors: $0.localSelectors, remoteSelectors: $0.remoteSelectors,
                  lifetimeSeconds: $0.lifetimeSeconds, ageSeconds: max(0, now.milliseconds(since: $0.createdAt) / 1000))
        }
    }

    /// The established IKE SA this checkpoint describes, its ciphers rebuilt from the keys.
    func makeIKESA(now: MonotonicTime) throws(IKEProtocolError) -> IKESA {
        let sessionKeys: IKESAKeys
        do {
            sessionKeys = try IKESAKeys(transforms: transforms, keys: keys, role: role)
        } catch {
            throw .crypto(error, place: ErrorPlace(peer: remote, state: "checkpoint"))
        }
        let resources = SessionResources(profile: profile, identity: identity, username: username, address: address,
                                         virtualAccess: virtualAccess, authorization: authorization,
                                         accountingStarted: accountingStarted, establishedAt: now.adding(seconds: -ageSeconds))
        let restored = children.map {
            ChildSA(inboundSPI: $0.inboundSPI, outboundSPI: $0.outboundSPI,
                    proposal: SelectedChildProposal(number: $0.proposalNumber, peerSPI: $0.outboundSPI, transforms: $0.transforms,
                                                    extendedSequenceNumbers: $0.extendedSequenceNumbers, group: $0.pfsGroup,
                                                    configurationName: $0.proposalName),
                    localSelectors: $0.localSelectors, remoteSelectors: $0.remoteSelectors,
                    createdAt: now.adding(seconds: -$0.ageSeconds), lifetimeSeconds: $0.lifetimeSeconds)
        }
        var window = ResponderWindow(expected: nextInboundMessageID)
        window.lastResponseID = lastResponseMessageID
        window.lastResponse = lastResponse
        var sa = IKESA(localSPI: localSPI, identifier: identifier, role: role, sessionID: session, remote: remote, local: local,
                       nat: NATDetection.Finding(peerBehindNAT: peerBehindNAT, localBehindNAT: localBehindNAT,
                                                 peerSupportsNATT: peerBehindNAT || localBehindNAT),
                       keys: sessionKeys, proposalName: proposalName,
                       phase: .established(Established(session: resources, children: restored)), window: window,
                       peerSupportsFragmentation: peerSupportsFragmentation, createdAt: now.adding(seconds: -ageSeconds),
                       lastHeardFrom: now, lifetimeSeconds: lifetimeSeconds)
        sa.nextRequestID = nextOutboundMessageID
        return sa
    }
}
