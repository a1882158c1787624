import HubVocabulary
import IKECrypto
import IKEWire

/// The phases of one IKE SA on this headend (STYLE §3). Each case carries only what that
/// phase needs; keys exist in every phase because an IKE SA object is only made once
/// SKEYSEED is known (the IKE_SA_INIT responder is stateless until then).
enum IKESAPhase: Sendable {
    /// IKE_SA_INIT answered, waiting for IKE_AUTH: a half-open SA.
    case awaitingAuth(AwaitingAuth)
    /// IKE_AUTH received; the setup steps of DESIGN §2 run one after another.
    case authenticating(Authenticating)
    /// Authenticated with its CHILD_SAs installed: accepts CREATE_CHILD_SA and INFORMATIONAL.
    case established(Established)
    /// Replaced by a rekeyed IKE SA (RFC 7296 §2.18); waits only for the Delete of itself.
    case rekeyed(Rekeyed)
    /// We sent a Delete of this IKE SA and wait for the answer (or the retransmissions to run out).
    case deleting(Deleting)

    /// The case name, for errors and `show crypto ikev2 sa`.
    var name: String {
        switch self {
        case .awaitingAuth: "awaitingAuth"
        case .authenticating: "authenticating"
        case .established: "established"
        case .rekeyed: "rekeyed"
        case .deleting: "deleting"
        }
    }

    /// True until IKE_AUTH completed: counts against the half-open limits.
    var isHalfOpen: Bool {
        switch self {
        case .awaitingAuth, .authenticating: true
        default: false
        }
    }

    /// The phase as the capability to answer IKE_AUTH requests, if it has it: the first
    /// one, or the next EAP round or final AUTH when EAP waits for the peer.
    var ikeAuthAcceptor: (any AcceptsIKEAuth)? {
        switch self {
        case .awaitingAuth(let state): state
        case .authenticating(let state) where state.step == .eapAwaitingPeer || state.step == .eapAwaitingAuth
            || state.step == .awaitingSecondAuthentication: state
        default: nil
        }
    }

    /// The `crypto ikev2 profile` this SA's session runs under, once IKE_AUTH chose it.
    var profileName: String? {
        switch self {
        case .authenticating(let state): state.profile
        case .established(let state): state.session.profile
        default: nil
        }
    }

    /// The phase as the capability to answer CREATE_CHILD_SA requests, if it has it.
    var createChildSAAcceptor: (any AcceptsCreateChildSA)? {
        if case .established(let state) = self { state } else { nil }
    }

    /// The phase as the capability to answer INFORMATIONAL requests, if it has it.
    var informationalAcceptor: (any AcceptsInformational)? {
        switch self {
        case .established(let state): state
        case .rekeyed(let state): state
        case .deleting(let state): state
        default: nil
        }
    }
}

// MARK: - Capabilities (nio-ssh style: which states accept which exchanges)

/// States that answer INFORMATIONAL requests (Delete, liveness).
protocol AcceptsInformational: Sendable {
    /// Whether a Delete of the IKE SA ends the session (and so must release its resources).
    var ownsSession: Bool { get }
}

/// States that answer CREATE_CHILD_SA requests.
protocol AcceptsCreateChildSA: Sendable {}

/// States that answer the first IKE_AUTH request.
protocol AcceptsIKEAuth: Sendable {}

// MARK: - Per-state data

/// The IKE_SA_INIT exchange as it went over the wire: what the AUTH octets need.
struct InitialExchange: Sendable {
    var initiatorNonce: [UInt8]
    var responderNonce: [UInt8]
    /// RealMessage1: the request octets as received (RFC 7296 §2.15).
    var requestBytes: [UInt8]
    /// RealMessage2: our response octets as sent.
    var responseBytes: [UInt8]
}

/// Waiting for IKE_AUTH.
struct AwaitingAuth: AcceptsIKEAuth {
    var initial: InitialExchange
}

/// What the first IKE_AUTH request asked for (RFC 7296 §1.2).
struct IKEAuthRequestContents: Sendable {
    var initiatorID: IdentificationPayload
    var requestedResponderID: IdentificationPayload?
    var authentication: AuthenticationPayload?
    var certificates: [CertificatePayload]
    /// CA hashes from the peer's CERTREQ payloads.
    var requestedAuthorities: [[UInt8]] = []
    var configuration: ConfigurationPayload?
    var securityAssociation: SecurityAssociationPayload?
    var initiatorSelectors: [TrafficSelector]
    var responderSelectors: [TrafficSelector]
    var initialContact: Bool
    /// USE_TRANSPORT_MODE was asked; we answer tunnel mode by omitting it (RFC 7296 §1.3.1).
    var transportModeRequested: Bool
    /// RFC 4739: ANOTHER_AUTH_FOLLOWS, a second authentication (EAP) comes next.
    var anotherAuthenticationFollows = false
}

/// The step of the IKE_AUTH setup that is waiting for its result.
enum SetupStep: String, Sendable {
    case authenticating
    /// EAP (RFC 7296 §2.16): waiting for the peer's next EAP message.
    case eapAwaitingPeer
    /// EAP: the broker relays the peer's message to the EAP server.
    case eapRelaying
    /// EAP succeeded: waiting for the peer's AUTH.
    case eapAwaitingAuth
    /// RFC 4739: the first authentication is done; waiting for the second IKE_AUTH.
    case awaitingSecondAuthentication
    /// EAP: the broker checks the peer's AUTH with the MSK.
    case eapFinishing
    case authorizing, allocatingAddress, creatingVirtualAccess, installingChildSA
}

/// An EAP conversation inside IKE_AUTH.
struct EAPConversation: Sendable {
    var queryIdentity: Bool
    var timeoutSeconds: Int64
    /// Peer messages relayed so far.
    var round: Int = 0
    /// The identifier of our last EAP request, which the peer's response repeats.
    var lastIdentifier: UInt8 = 0
    var outcome: EAPOutcome?
}

/// Running the DESIGN §2 steps for one IKE_AUTH request.
struct Authenticating: AcceptsIKEAuth {
    var initial: InitialExchange
    /// The `crypto ikev2 profile` chosen for IDi.
    var profile: String
    var request: IKEAuthRequestContents
    var messageID: MessageID
    /// Where the answer goes: the request's source and destination (RFC 7296 §2.11).
    var replyRemote: Endpoint
    var replyLocal: Endpoint
    var responderID: IdentificationPayload
    var step: SetupStep
    var authentication: AuthSuccess?
    var authorization: SessionAuthorization?
    var childProposal: SelectedChildProposal?
    var address: AddressAssignment?
    var virtualAccess: VirtualAccessInterface?
    var plannedChild: ChildSA?
    var eap: EAPConversation?
    /// RFC 4739: the first of two authentications succeeded (its AUTH went out).
    var firstAuthentication: AuthSuccess?
    /// RFC 4739: IDi of the second authentication.
    var secondIdentity: PeerIdentity?
    /// The signed octets of the first request, kept for the AUTH that ends EAP.
    var initiatorSignedOctets: [UInt8] = []
    var responderSignedOctets: [UInt8] = []
}

/// What a session holds outside the engine, all of it released when the session ends.
struct SessionResources: Sendable {
    var profile: String
    var identity: PeerIdentity
    var username: String?
    var address: AddressAssignment?
    var virtualAccess: VirtualAccessInterface?
    var authorization: SessionAuthorization?
    var accountingStarted: Bool
    var establishedAt: MonotonicTime
}

/// One rekey of a CHILD_SA, kept to resolve a simultaneous rekey (RFC 7296 §2.8.1).
struct ChildRekeyRecord: Sendable {
    var newInboundSPI: UInt32
    /// Ni and Nr of that exchange.
    var nonces: [[UInt8]]
    var completed: Bool
}

/// One installed CHILD_SA.
struct ChildSA: Sendable {
    var inboundSPI: UInt32
    var outboundSPI: UInt32
    var proposal: SelectedChildProposal
    var localSelectors: [TrafficSelector]
    var remoteSelectors: [TrafficSelector]
    var createdAt: MonotonicTime
    var lifetimeSeconds: Int64
    /// Our own rekey of this SA, in flight or done.
    var ownRekey: ChildRekeyRecord?
    /// The peer's rekey of this SA that we answered.
    var peerRekey: ChildRekeyRecord?
}

/// A CREATE_CHILD_SA request of the peer whose answer waits for tunneld.
struct PendingChildResponse: Sendable {
    var messageID: MessageID
    var replyRemote: Endpoint
    var replyLocal: Endpoint
    var payloads: [Payload]
    var child: ChildSA
    var replacesInboundSPI: UInt32
    var nonces: [[UInt8]]
}

/// A rekey we started whose new CHILD_SA waits for tunneld.
struct PendingOwnInstall: Sendable {
    var child: ChildSA
    var replacesInboundSPI: UInt32
}

/// An authenticated session.
struct Established: AcceptsInformational, AcceptsCreateChildSA {
    var session: SessionResources
    var children: [ChildSA]
    var pendingResponse: PendingChildResponse?
    var pendingOwnInstall: PendingOwnInstall?
    var ownsSession: Bool { true }
}

/// Superseded by the IKE SA with our SPI `successor`.
struct Rekeyed: AcceptsInformational {
    var successor: IKESPI
    /// Ni and Nr of the peer's rekey that created `successor`, kept while our own rekey
    /// of this SA is in flight (RFC 7296 §2.8.2 collision).
    var peerRekeyNonces: [[UInt8]]? = nil
    var ownsSession: Bool { false }
}

/// Our Delete of this IKE SA is in flight.
struct Deleting: AcceptsInformational {
    var reason: SessionEndReason
    var ownsSession: Bool { false }
}

// MARK: - Our own requests

/// Why we sent the request that is in flight.
enum OwnRequestPurpose: Sendable {
    /// An empty INFORMATIONAL (DPD).
    case liveness
    /// INFORMATIONAL { D(IKE) }.
    case deleteIKESA
    /// INFORMATIONAL { D(ESP, our inbound SPIs) }.
    case deleteChildSAs([UInt32])
    /// CREATE_CHILD_SA rekeying a CHILD_SA.
    case childRekey(ChildRekeyInitiator)
    /// CREATE_CHILD_SA rekeying the IKE SA.
    case ikeRekey(IKERekeyInitiator)
}

/// Our request in flight (window size 1, RFC 7296 §2.3).
struct OutstandingRequest: Sendable {
    var messageID: MessageID
    var exchange: ExchangeType
    var datagrams: [[UInt8]]
    /// Transmissions so far, the first included.
    var transmissions: Int
    var purpose: OwnRequestPurpose
    var reassembler = FragmentReassembler()
}

/// The peer's requests: the next Message ID we accept and the answer to the last one,
/// kept to answer retransmissions byte for byte (RFC 7296 §2.1).
struct ResponderWindow: Sendable {
    var expected: MessageID
    var lastResponseID: MessageID?
    var lastResponse: [[UInt8]] = []
    /// A request whose answer waits for an async step.
    var processing: MessageID?
    var reassemblyID: MessageID?
    var reassembler = FragmentReassembler()
}
