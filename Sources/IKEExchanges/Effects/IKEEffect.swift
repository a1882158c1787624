import HubVocabulary
import IKECrypto
import IKEWire

/// What the engine asks the frontend to do. The engine performs no I/O: every datagram,
/// request to another process and timer is one of these values, in the order to carry out.
///
/// Async steps (`authenticate`, `authorize`, `allocateAddress`, `createVirtualAccess`,
/// `installChildSA`) are answered through the engine's matching `handle(…Result:)` input.
/// The others need no answer.
public enum IKEEffect: Sendable {
    /// Send one datagram (a fragment counts as one).
    case send(OutboundDatagram)
    /// Ask the auth broker to check the initiator's AUTH and compute ours (DESIGN §2 step 1).
    case authenticate(AuthRequest)
    /// Ask the broker for the session's authorization attributes (step 2).
    case authorize(AuthorizationRequest)
    /// Ask addrd for an address for the CFG_REQUEST (step 3).
    case allocateAddress(AddressRequest)
    /// Give an allocated lease back.
    case releaseAddress(AddressRelease)
    /// Ask tunneld to clone a virtual-access interface (step 4).
    case createVirtualAccess(VirtualAccessRequest)
    /// Ask tunneld to remove the session's virtual-access interface.
    case deleteVirtualAccess(VirtualAccessRelease)
    /// Ask tunneld to install both directions of a CHILD_SA (step 5, and every rekey).
    case installChildSA(ChildSAInstallation)
    /// Ask tunneld to remove both directions of a CHILD_SA.
    case deleteChildSA(ChildSARemoval)
    /// Tell acctd the session started (step 6).
    case accountingStart(AccountingStart)
    /// Tell acctd the session stopped (counters come from tunneld).
    case accountingStop(AccountingStop)
    /// The session now lives on a rekeyed IKE SA (RFC 7296 §2.18).
    case sessionMoved(SessionMove)
    /// The IKE SA is gone. Every resource it held was released by the effects before this one.
    case deleteSession(SessionEnd)
    /// Call `handle(timer:at:)` with `timer` at `timer.deadline` (or later). A timer that
    /// fires after it was replaced or is no longer needed is ignored, so none is cancelled.
    case setTimer(IKETimer)
    /// Something was refused or dropped: for the log and counters.
    case protocolError(IKEProtocolError)
    /// The established IKE SA changed (Message IDs, CHILD_SAs, keys): persist this
    /// checkpoint in place of the session's previous one (DESIGN §4). Dropped with the
    /// session at `deleteSession`.
    case checkpoint(IKESACheckpoint)
}

/// A timer the frontend runs for the engine.
public struct IKETimer: Hashable, Sendable, CustomStringConvertible {
    /// What the timer is for.
    public enum Kind: Hashable, Sendable {
        /// Retransmit our outstanding request (RFC 7296 §2.4).
        case retransmission
        /// Check liveness after a silence (DPD).
        case deadPeerDetection
        /// Give up on a half-open SA.
        case halfOpenExpiry
        /// Rekey the IKE SA (soft lifetime).
        case ikeSARekey
        /// Rekey the CHILD_SA with this inbound SPI (soft lifetime).
        case childSARekey(inboundSPI: UInt32)
        /// The IKE SA reached its lifetime without a rekey: end the session.
        case ikeSAExpiry
        /// The session's authorized lifetime (RADIUS Session-Timeout) is over: end it.
        case sessionTimeout
        /// The CHILD_SA reached its lifetime without a rekey: delete it.
        case childSAExpiry(inboundSPI: UInt32)
        /// The answer kept for retransmissions of an ended set-up's last request is dropped.
        case endedSetupAnswerExpiry
    }

    /// Our SPI of the IKE SA (the table's key).
    public var localSPI: IKESPI
    public var kind: Kind
    public var deadline: MonotonicTime

    public init(localSPI: IKESPI, kind: Kind, deadline: MonotonicTime) {
        self.localSPI = localSPI
        self.kind = kind
        self.deadline = deadline
    }

    public var description: String { "\(kind) of \(localSPI) at \(deadline)" }
}

// MARK: - Authentication

/// How the initiator authenticates (RFC 7296 §2.15, §2.16). Kept an enum so that EAP
/// and certificates add cases, not flags.
public enum PeerAuthenticationMethod: Hashable, Sendable {
    /// AUTH method 2 with a pre-shared key: the broker checks
    /// `prf(prf(PSK, "Key Pad for IKEv2"), initiatorSignedOctets)`.
    case sharedKey(AuthenticationPayload)
    /// A signature AUTH (methods 1, 9–11, 14) and the CERT payloads that came with it.
    case signature(AuthenticationPayload, certificates: [CertificatePayload])
    /// The first IKE_AUTH request came without AUTH: the peer wants EAP (RFC 7296 §2.16).
    /// The broker computes our own AUTH (the profile's `authentication local` method over
    /// `responderSignedOctets`) and, unless `queryIdentity`, starts the EAP conversation
    /// with IDi as the EAP identity; answered ``AuthResult/eapContinue(_:)``.
    case eapStart(queryIdentity: Bool)
    /// RFC 4739: EAP as the second authentication, after the first one already carried our
    /// AUTH; starts the conversation only (IDi of the request is the second identity).
    case eapStartSecond(queryIdentity: Bool)
    /// The peer's EAP message of round `round` (1, 2, …): relayed to the EAP server.
    case eapRound(EAPPayload, round: Int)
    /// After EAP Success with an MSK: the peer's AUTH, which only the broker (holding the
    /// MSK) can check; it answers with our AUTH over `responderSignedOctets`.
    case eapFinish(AuthenticationPayload, round: Int)
}

/// What goes to the auth broker for IKE_AUTH (DESIGN §2 step 1, STYLE §13). The frontend
/// holds SK_pi/SK_pr, so it computes the MACedIDFor* values itself; the broker gets the
/// complete signed octets and never an IKE SA key:
///
/// - `initiatorSignedOctets` = RealMessage1 ‖ Nr ‖ prf(SK_pi, RestOfInitIDPayload)
/// - `responderSignedOctets` = RealMessage2 ‖ Ni ‖ prf(SK_pr, RestOfRespIDPayload)
///
/// (RFC 7296 §2.15; RealMessage1/2 are the IKE_SA_INIT request and response octets
/// exactly as received and sent.) The broker answers with the responder's AUTH payload.
public struct AuthRequest: Hashable, Sendable {
    public var session: SessionID
    public var ikeSA: IKESAIdentifier
    /// The `crypto ikev2 profile` the session is set up under ("" = no profiles configured).
    public var profile: String
    public var peer: Endpoint
    public var local: Endpoint
    /// IDi as received.
    public var initiatorIdentity: PeerIdentity
    /// IDr as we send it (the responder AUTH covers it).
    public var responderIdentity: PeerIdentity
    /// IDr the initiator asked for, if any (RFC 7296 §2.15 "IDr" in the request).
    public var requestedResponderIdentity: PeerIdentity?
    public var method: PeerAuthenticationMethod
    /// The IKE SA's PRF, which both AUTH values use.
    public var prf: PseudorandomFunction
    public var initiatorSignedOctets: [UInt8]
    public var responderSignedOctets: [UInt8]
    /// The CA hashes of the peer's CERTREQ payloads (RFC 7296 §3.7): our chain should
    /// end at one of them.
    public var requestedCertificateAuthorities: [[UInt8]] = []
    /// The hashes the peer announced in SIGNATURE_HASH_ALGORITHMS (RFC 7427 §4), for
    /// the broker's choice of our signature.
    public var peerSignatureHashes: [UInt16] = []
}

/// The broker's answer to ``AuthRequest``.
public enum AuthResult: Hashable, Sendable {
    /// The initiator's AUTH verified; `responderAuthentication` is our AUTH payload.
    case authenticated(AuthSuccess)
    /// Wrong key, bad signature, unknown identity: AUTHENTICATION_FAILED.
    case rejected(reason: String)
    /// EAP goes on: the message for the peer (`nil` after ``PeerAuthenticationMethod/eapStart(queryIdentity:)``
    /// with `queryIdentity`: the engine asks for the identity itself) and, on the first
    /// round, our AUTH payload.
    case eapContinue(EAPContinuation)
    /// The EAP server accepted the peer.
    case eapSucceeded(EAPOutcome)
    /// The EAP server rejected the peer: EAP-Failure goes to it and the SA ends.
    case eapFailed(reason: String, eapMessage: [UInt8]?)
}

/// The next EAP request for the peer.
public struct EAPContinuation: Hashable, Sendable {
    public var responderAuthentication: AuthenticationPayload?
    public var eapMessage: [UInt8]?
    /// Our certificate chain for CERT payloads in the first answer, when we sign.
    public var responderCertificates: [[UInt8]]

    public init(responderAuthentication: AuthenticationPayload? = nil, eapMessage: [UInt8]?, responderCertificates: [[UInt8]] = []) {
        self.responderAuthentication = responderAuthentication
        self.eapMessage = eapMessage
        self.responderCertificates = responderCertificates
    }
}

/// EAP Success: what the final AUTH and the authorization need.
public struct EAPOutcome: Hashable, Sendable {
    /// EAP-Success as the server sent it (`nil`: the engine builds one).
    public var eapMessage: [UInt8]?
    /// The method produced an MSK, which the broker keeps: the peer's final AUTH goes to
    /// the broker. Without one, AUTH uses SK_pi/SK_pr and the engine checks it itself.
    public var mskAvailable: Bool
    /// The authenticated EAP identity, for authorization and accounting.
    public var username: String?
    /// Attributes of the Access-Accept: the FlexVPN "cached" authorization attributes.
    public var attributes: [AAAAttribute]

    public init(eapMessage: [UInt8]?, mskAvailable: Bool, username: String? = nil, attributes: [AAAAttribute] = []) {
        self.eapMessage = eapMessage
        self.mskAvailable = mskAvailable
        self.username = username
        self.attributes = attributes
    }
}

/// One AAA attribute by name (a RADIUS or Cisco AV-pair name) with its value as text.
public struct AAAAttribute: Hashable, Sendable, CustomStringConvertible {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    public var description: String { "\(name)=\(value)" }
}

/// A successful authentication.
public struct AuthSuccess: Hashable, Sendable {
    public var responderAuthentication: AuthenticationPayload
    /// The user name for authorization and accounting (defaults to the IDi text).
    public var username: String?
    /// Attributes the authenticator returned (RADIUS Access-Accept): "cached" attributes.
    public var attributes: [AAAAttribute]
    /// Our certificate chain (DER, end entity first) for CERT payloads when we sign.
    public var responderCertificates: [[UInt8]]

    public init(responderAuthentication: AuthenticationPayload, username: String? = nil, attributes: [AAAAttribute] = [],
                responderCertificates: [[UInt8]] = []) {
        self.responderAuthentication = responderAuthentication
        self.username = username
        self.attributes = attributes
        self.responderCertificates = responderCertificates
    }
}

/// Step 2: what the broker gets to authorize the session.
public struct AuthorizationRequest: Hashable, Sendable {
    public var session: SessionID
    public var profile: String
    public var identity: PeerIdentity
    public var username: String?
    /// How the peer authenticated: selects the `aaa authorization … psk|eap|cert` lines.
    public var method: AuthorizationMethod
    /// The authenticator's attributes (the "cached" set of the FlexVPN merge).
    public var cachedAttributes: [AAAAttribute]
    /// Which private attributes the client may get.
    public var peerClient: PeerClient = PeerClient()
    /// The peer's outer address.
    public var peer: Endpoint? = nil
}

/// What the peer's vendor ID payloads say about the client, which decides the private
/// CFG_REPLY attributes it gets (cisco-attributes.md §4): Cisco Unity attributes only to
/// Cisco clients, the FlexVPN configuration URL/version only to FlexVPN clients.
public struct PeerClient: Hashable, Sendable {
    /// Any of Cisco's ASCII IKEv2 vendor IDs (IOS, ASA, AnyConnect, FlexVPN clients).
    public var isCisco: Bool
    /// `FLEXVPN-SUPPORTED`.
    public var isFlexVPN: Bool

    public init(isCisco: Bool = false, isFlexVPN: Bool = false) {
        self.isCisco = isCisco
        self.isFlexVPN = isFlexVPN
    }

    /// Classifies the vendor IDs of one message.
    public init(vendorIDs: [[UInt8]]) {
        let known = vendorIDs.compactMap(KnownVendorID.init(matching:))
        isCisco = known.contains { $0.isCiscoIKEv2Marker }
        isFlexVPN = known.contains(.flexVPNSupported)
    }
}

/// `psk`, `eap` or `cert` in `aaa authorization user|group …`.
public enum AuthorizationMethod: String, Hashable, Sendable {
    case psk, eap, cert
}

/// The broker's authorization answer.
public enum AuthorizationResult: Hashable, Sendable {
    case authorized(SessionAuthorization)
    /// Authorization refused: AUTHENTICATION_FAILED to the peer.
    case rejected(reason: String)
}

/// Merged authorization attributes (user > group > cached) that the engine uses.
public struct SessionAuthorization: Hashable, Sendable {
    /// Attributes pushed in CFG_REPLY (DNS, domain, split include, banner …).
    public var pushedAttributes: [ConfigurationAttribute]
    /// Framed-IP-Address, passed to addrd.
    public var framedIPv4Address: IPv4Address?
    /// Framed-Pool / `pool` name, passed to addrd.
    public var poolName: String?
    /// Virtual-template number, passed to tunneld.
    public var virtualTemplate: Int?
    /// RADIUS Class values to echo in accounting.
    public var accountingClass: [[UInt8]]
    /// `ip:interface-config` lines for the virtual-access (`aaa attribute list`).
    public var interfaceConfig: [String]
    /// `Session-Timeout` / `session-lifetime`: seconds the session may last (nil = no limit).
    public var sessionTimeoutSeconds: Int64? = nil

    public init(pushedAttributes: [ConfigurationAttribute] = [], framedIPv4Address: IPv4Address? = nil,
                poolName: String? = nil, virtualTemplate: Int? = nil, accountingClass: [[UInt8]] = [],
                interfaceConfig: [String] = []) {
        self.pushedAttributes = pushedAttributes
        self.framedIPv4Address = framedIPv4Address
        self.poolName = poolName
        self.virtualTemplate = virtualTemplate
        self.accountingClass = accountingClass
        self.interfaceConfig = interfaceConfig
    }
}
