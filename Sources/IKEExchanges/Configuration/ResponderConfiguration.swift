import HubVocabulary
import IKECrypto

/// Everything the IKE engine needs from the FlexVPN configuration (the frontend builds it
/// from `crypto ikev2 proposal | policy | profile | limit | cookie-challenge`,
/// `crypto ipsec transform-set | profile` and `dpd`). Plain values, no parsing here.
public struct ResponderConfiguration: Hashable, Sendable {
    /// IKE proposals in policy order: the first one the peer also offers wins (IOS).
    public var ikeProposals: [IKEProposalConfiguration]
    /// CHILD_SA proposals in profile order.
    public var childProposals: [ChildProposalConfiguration]
    /// Our IDr (`identity local`).
    public var localIdentity: PeerIdentity
    /// Protected networks TSr is narrowed to (empty = 0.0.0.0/0 and ::/0).
    public var protectedSelectors: [TrafficSelector]
    /// What TSi may cover when no virtual address was assigned (empty = anything).
    public var initiatorSelectors: [TrafficSelector]
    /// FAILED_CP_REQUIRED when the initiator sends no CFG_REQUEST (RFC 7296 §3.10.1).
    public var requiresConfigurationRequest: Bool
    /// Send `.authorize` after authentication (`aaa authorization`); off = skip the step.
    public var requiresAuthorization: Bool
    public var limits: Limits
    public var lifetimes: Lifetimes
    public var retransmission: RetransmissionPolicy
    /// `dpd <interval> <retry> periodic`; `nil` = no DPD from our side.
    public var deadPeerDetection: DeadPeerDetection?
    /// Answer IKEV2_FRAGMENTATION_SUPPORTED and fragment our large messages (RFC 7383).
    public var fragmentation: Fragmentation?
    /// The hash algorithms announced in SIGNATURE_HASH_ALGORITHMS (RFC 7427 §4).
    public var signatureHashAlgorithms: [UInt16]
    /// `authentication remote …` when no `profiles` are given.
    public var remoteAuthentication: [ResponderProfile.RemoteAuthentication] = [.sharedKey, .signature]
    /// The `crypto ikev2 profile`s in configuration order; IKE_AUTH picks one by its
    /// `match` statements. Empty = this configuration's own settings take every peer.
    public var profiles: [ResponderProfile] = []
    /// RFC 6023: announce CHILDLESS_IKEV2_SUPPORTED and accept IKE_AUTH without a CHILD_SA.
    public var acceptsChildlessIKESAs = true
    /// SHA-1 hashes of the SubjectPublicKeyInfo of the CAs our trustpoints trust (RFC 7296
    /// §3.7): sent in a CERTREQ with the IKE_SA_INIT response, so that clients that send
    /// their certificate only when asked (strongSwan `send_cert = ifasked`) do.
    public var certificateAuthorities: [[UInt8]] = []
    /// With the CERTREQ, HTTP_CERT_LOOKUP_SUPPORTED (RFC 7296 §3.10.1): peers may send
    /// hash-and-URL CERT payloads (encoding 12), which the frontend fetches.
    public var acceptsHashAndURLCertificates = false

    public init(ikeProposals: [IKEProposalConfiguration], childProposals: [ChildProposalConfiguration],
                localIdentity: PeerIdentity, protectedSelectors: [TrafficSelector] = [],
                initiatorSelectors: [TrafficSelector] = [], requiresConfigurationRequest: Bool = false,
                requiresAuthorization: Bool = false, limits: Limits = Limits(), lifetimes: Lifetimes = Lifetimes(),
                retransmission: RetransmissionPolicy = RetransmissionPolicy(),
                deadPeerDetection: DeadPeerDetection? = nil, fragmentation: Fragmentation? = Fragmentation(),
                signatureHashAlgorithms: [UInt16] = [2, 3, 4]) {
        self.ikeProposals = ikeProposals
        self.childProposals = childProposals
        self.localIdentity = localIdentity
        self.protectedSelectors = protectedSelectors
        self.initiatorSelectors = initiatorSelectors
        self.requiresConfigurationRequest = requiresConfigurationRequest
        self.requiresAuthorization = requiresAuthorization
        self.limits = limits
        self.lifetimes = lifetimes
        self.retransmission = retransmission
        self.deadPeerDetection = deadPeerDetection
        self.fragmentation = fragmentation
        self.signatureHashAlgorithms = signatureHashAlgorithms
    }

    /// `crypto ikev2 limit` and `crypto ikev2 cookie-challenge`.
    public struct Limits: Hashable, Sendable {
        /// Half-open SAs (not yet authenticated) above which IKE_SA_INIT needs a COOKIE
        /// (RFC 7296 §2.6; strongSwan `cookie_threshold` 30).
        public var cookieChallengeThreshold: Int
        /// `max-in-negotiation-sa`: half-open SAs above which new IKE_SA_INIT requests are
        /// dropped unanswered (answering a flood only feeds it).
        public var maximumHalfOpen: Int
        /// `max-sa`: total IKE SAs above which new IKE_SA_INIT requests are dropped.
        public var maximumSAs: Int
        /// Half-open SAs one peer address may hold (strongSwan `block_threshold` 5).
        public var maximumHalfOpenPerPeer: Int
        /// Seconds a half-open SA may wait for IKE_AUTH (strongSwan `half_open_timeout` 30).
        public var halfOpenTimeoutSeconds: Int64
        /// Seconds one cookie secret is used before the next version replaces it.
        public var cookieSecretLifetimeSeconds: Int64
        /// Seconds the last answer of a set-up that ended before IKE_AUTH completed stays to
        /// answer retransmissions (RFC 7296 §2.1); 60 s covers strongSwan's first four
        /// retransmissions (4, 11, 24 and 48 s after its request).
        public var endedSetupAnswerSeconds: Int64

        public init(cookieChallengeThreshold: Int = 30, maximumHalfOpen: Int = 1000, maximumSAs: Int = 100_000,
                    maximumHalfOpenPerPeer: Int = 5, halfOpenTimeoutSeconds: Int64 = 30,
                    cookieSecretLifetimeSeconds: Int64 = 300, endedSetupAnswerSeconds: Int64 = 60) {
            self.cookieChallengeThreshold = cookieChallengeThreshold
            self.maximumHalfOpen = maximumHalfOpen
            self.maximumSAs = maximumSAs
            self.maximumHalfOpenPerPeer = maximumHalfOpenPerPeer
            self.halfOpenTimeoutSeconds = halfOpenTimeoutSeconds
            self.cookieSecretLifetimeSeconds = cookieSecretLifetimeSeconds
            self.endedSetupAnswerSeconds = endedSetupAnswerSeconds
        }
    }

    /// SA lifetimes; we start a rekey at the soft lifetime (`rekeyFraction` of the lifetime).
    public struct Lifetimes: Hashable, Sendable {
        /// IKE SA lifetime (`lifetime` in the IKEv2 profile, IOS default 86 400 s).
        public var ikeSASeconds: Int64
        /// CHILD_SA lifetime (`set security-association lifetime seconds`, IOS default 3600 s).
        public var childSASeconds: Int64
        /// Per mille of the lifetime after which we rekey (900 = 90 %).
        public var rekeyPerMille: Int64

        public init(ikeSASeconds: Int64 = 86_400, childSASeconds: Int64 = 3600, rekeyPerMille: Int64 = 900) {
            self.ikeSASeconds = ikeSASeconds
            self.childSASeconds = childSASeconds
            self.rekeyPerMille = rekeyPerMille
        }

        func softMilliseconds(_ seconds: Int64) -> Int64 { seconds * rekeyPerMille }
    }

    /// Retransmission of our requests, RFC 7296 §2.4: timeout_n = initial × base^n
    /// (strongSwan defaults 4 s, 1.8, 5 retransmissions).
    public struct RetransmissionPolicy: Hashable, Sendable {
        public var initialTimeoutMilliseconds: Int64
        /// The base, per mille (1800 = 1.8).
        public var basePerMille: Int64
        public var retransmissions: Int

        public init(initialTimeoutMilliseconds: Int64 = 4000, basePerMille: Int64 = 1800, retransmissions: Int = 5) {
            self.initialTimeoutMilliseconds = initialTimeoutMilliseconds
            self.basePerMille = basePerMille
            self.retransmissions = retransmissions
        }

        /// The wait after transmission number `attempt` (0 = the first send).
        func timeout(afterAttempt attempt: Int) -> Int64 {
            var value = initialTimeoutMilliseconds
            for _ in 0..<max(0, attempt) { value = value * basePerMille / 1000 }
            return value
        }
    }

    /// `dpd <interval> <retry-interval> periodic`: after `intervalSeconds` without a
    /// message from the peer we send an empty INFORMATIONAL request and retransmit it
    /// every `retryIntervalSeconds`, `retries` times; then the peer is dead.
    public struct DeadPeerDetection: Hashable, Sendable {
        public var intervalSeconds: Int64
        public var retryIntervalSeconds: Int64
        public var retries: Int

        public init(intervalSeconds: Int64, retryIntervalSeconds: Int64 = 2, retries: Int = 5) {
            self.intervalSeconds = intervalSeconds
            self.retryIntervalSeconds = retryIntervalSeconds
            self.retries = retries
        }
    }

    /// RFC 7383 fragmentation of our encrypted messages.
    public struct Fragmentation: Hashable, Sendable {
        /// Largest IKE message (header to ICV) we send unfragmented, and the size of each
        /// fragment (strongSwan `fragment_size` 1280).
        public var maximumMessageSize: Int

        public init(maximumMessageSize: Int = 1280) { self.maximumMessageSize = maximumMessageSize }
    }
}
