/// The Notify Message Type (RFC 7296 §3.10.1, IANA "IKEv2 Notify Message Types").
///
/// Every type of the IANA registry as of the fact sheet `ikev2-numbers.md` §10 is a named
/// constant; any other value is kept as-is. Types below 16384 are errors, the rest status
/// (RFC 7296 §3.10.1): an unknown error type in a response means the request failed, an
/// unknown status type is ignored.
public struct NotifyType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }

    /// True for error types (1–16383), RFC 7296 §3.10.1.
    public var isError: Bool { rawValue < 16384 }

    // MARK: - Constants

    /// 1: UNSUPPORTED_CRITICAL_PAYLOAD (RFC 7296).
    public static let unsupportedCriticalPayload = NotifyType(1)
    /// 4: INVALID_IKE_SPI (RFC 7296).
    public static let invalidIKESPI = NotifyType(4)
    /// 5: INVALID_MAJOR_VERSION (RFC 7296).
    public static let invalidMajorVersion = NotifyType(5)
    /// 7: INVALID_SYNTAX (RFC 7296).
    public static let invalidSyntax = NotifyType(7)
    /// 9: INVALID_MESSAGE_ID (RFC 7296).
    public static let invalidMessageID = NotifyType(9)
    /// 11: INVALID_SPI (RFC 7296).
    public static let invalidSPI = NotifyType(11)
    /// 14: NO_PROPOSAL_CHOSEN (RFC 7296).
    public static let noProposalChosen = NotifyType(14)
    /// 17: INVALID_KE_PAYLOAD (RFC 7296).
    public static let invalidKEPayload = NotifyType(17)
    /// 24: AUTHENTICATION_FAILED (RFC 7296).
    public static let authenticationFailed = NotifyType(24)
    /// 34: SINGLE_PAIR_REQUIRED (RFC 7296).
    public static let singlePairRequired = NotifyType(34)
    /// 35: NO_ADDITIONAL_SAS (RFC 7296).
    public static let noAdditionalSAs = NotifyType(35)
    /// 36: INTERNAL_ADDRESS_FAILURE (RFC 7296).
    public static let internalAddressFailure = NotifyType(36)
    /// 37: FAILED_CP_REQUIRED (RFC 7296).
    public static let failedCPRequired = NotifyType(37)
    /// 38: TS_UNACCEPTABLE (RFC 7296).
    public static let tsUnacceptable = NotifyType(38)
    /// 39: INVALID_SELECTORS (RFC 7296).
    public static let invalidSelectors = NotifyType(39)
    /// 40: UNACCEPTABLE_ADDRESSES (RFC 4555).
    public static let unacceptableAddresses = NotifyType(40)
    /// 41: UNEXPECTED_NAT_DETECTED (RFC 4555).
    public static let unexpectedNATDetected = NotifyType(41)
    /// 42: USE_ASSIGNED_HoA (RFC 5026).
    public static let useAssignedHoA = NotifyType(42)
    /// 43: TEMPORARY_FAILURE (RFC 7296).
    public static let temporaryFailure = NotifyType(43)
    /// 44: CHILD_SA_NOT_FOUND (RFC 7296).
    public static let childSANotFound = NotifyType(44)
    /// 45: INVALID_GROUP_ID (G-IKEv2 draft).
    public static let invalidGroupID = NotifyType(45)
    /// 46: AUTHORIZATION_FAILED (G-IKEv2 draft).
    public static let authorizationFailed = NotifyType(46)
    /// 47: STATE_NOT_FOUND (RFC 9370).
    public static let stateNotFound = NotifyType(47)
    /// 48: TS_MAX_QUEUE (RFC 9611).
    public static let tsMaxQueue = NotifyType(48)
    /// 49: REGISTRATION_FAILED (G-IKEv2 draft).
    public static let registrationFailed = NotifyType(49)
    /// 16384: INITIAL_CONTACT (RFC 7296).
    public static let initialContact = NotifyType(16384)
    /// 16385: SET_WINDOW_SIZE (RFC 7296).
    public static let setWindowSize = NotifyType(16385)
    /// 16386: ADDITIONAL_TS_POSSIBLE (RFC 7296).
    public static let additionalTSPossible = NotifyType(16386)
    /// 16387: IPCOMP_SUPPORTED (RFC 7296).
    public static let ipcompSupported = NotifyType(16387)
    /// 16388: NAT_DETECTION_SOURCE_IP (RFC 7296).
    public static let natDetectionSourceIP = NotifyType(16388)
    /// 16389: NAT_DETECTION_DESTINATION_IP (RFC 7296).
    public static let natDetectionDestinationIP = NotifyType(16389)
    /// 16390: COOKIE (RFC 7296).
    public static let cookie = NotifyType(16390)
    /// 16391: USE_TRANSPORT_MODE (RFC 7296).
    public static let useTransportMode = NotifyType(16391)
    /// 16392: HTTP_CERT_LOOKUP_SUPPORTED (RFC 7296).
    public static let httpCertLookupSupported = NotifyType(16392)
    /// 16393: REKEY_SA (RFC 7296).
    public static let rekeySA = NotifyType(16393)
    /// 16394: ESP_TFC_PADDING_NOT_SUPPORTED (RFC 7296).
    public static let espTFCPaddingNotSupported = NotifyType(16394)
    /// 16395: NON_FIRST_FRAGMENTS_ALSO (RFC 7296).
    public static let nonFirstFragmentsAlso = NotifyType(16395)
    /// 16396: MOBIKE_SUPPORTED (RFC 4555).
    public static let mobikeSupported = NotifyType(16396)
    /// 16397: ADDITIONAL_IP4_ADDRESS (RFC 4555).
    public static let additionalIP4Address = NotifyType(16397)
    /// 16398: ADDITIONAL_IP6_ADDRESS (RFC 4555).
    public static let additionalIP6Address = NotifyType(16398)
    /// 16399: NO_ADDITIONAL_ADDRESSES (RFC 4555).
    public static let noAdditionalAddresses = NotifyType(16399)
    /// 16400: UPDATE_SA_ADDRESSES (RFC 4555).
    public static let updateSAAddresses = NotifyType(16400)
    /// 16401: COOKIE2 (RFC 4555).
    public static let cookie2 = NotifyType(16401)
    /// 16402: NO_NATS_ALLOWED (RFC 4555).
    public static let noNATsAllowed = NotifyType(16402)
    /// 16403: AUTH_LIFETIME (RFC 4478).
    public static let authLifetime = NotifyType(16403)
    /// 16404: MULTIPLE_AUTH_SUPPORTED (RFC 4739).
    public static let multipleAuthSupported = NotifyType(16404)
    /// 16405: ANOTHER_AUTH_FOLLOWS (RFC 4739).
    public static let anotherAuthFollows = NotifyType(16405)
    /// 16406: REDIRECT_SUPPORTED (RFC 5685).
    public static let redirectSupported = NotifyType(16406)
    /// 16407: REDIRECT (RFC 5685).
    public static let redirect = NotifyType(16407)
    /// 16408: REDIRECTED_FROM (RFC 5685).
    public static let redirectedFrom = NotifyType(16408)
    /// 16409: TICKET_LT_OPAQUE (RFC 5723).
    public static let ticketLTOpaque = NotifyType(16409)
    /// 16410: TICKET_REQUEST (RFC 5723).
    public static let ticketRequest = NotifyType(16410)
    /// 16411: TICKET_ACK (RFC 5723).
    public static let ticketAck = NotifyType(16411)
    /// 16412: TICKET_NACK (RFC 5723).
    public static let ticketNack = NotifyType(16412)
    /// 16413: TICKET_OPAQUE (RFC 5723).
    public static let ticketOpaque = NotifyType(16413)
    /// 16414: LINK_ID (RFC 5739).
    public static let linkID = NotifyType(16414)
    /// 16415: USE_WESP_MODE (RFC 5840).
    public static let useWESPMode = NotifyType(16415)
    /// 16416: ROHC_SUPPORTED (RFC 5857).
    public static let rohcSupported = NotifyType(16416)
    /// 16417: EAP_ONLY_AUTHENTICATION (RFC 5998).
    public static let eapOnlyAuthentication = NotifyType(16417)
    /// 16418: CHILDLESS_IKEV2_SUPPORTED (RFC 6023).
    public static let childlessIKEv2Supported = NotifyType(16418)
    /// 16419: QUICK_CRASH_DETECTION (RFC 6290).
    public static let quickCrashDetection = NotifyType(16419)
    /// 16420: IKEV2_MESSAGE_ID_SYNC_SUPPORTED (RFC 6311).
    public static let ikev2MessageIDSyncSupported = NotifyType(16420)
    /// 16421: IPSEC_REPLAY_COUNTER_SYNC_SUPPORTED (RFC 6311).
    public static let ipsecReplayCounterSyncSupported = NotifyType(16421)
    /// 16422: IKEV2_MESSAGE_ID_SYNC (RFC 6311).
    public static let ikev2MessageIDSync = NotifyType(16422)
    /// 16423: IPSEC_REPLAY_COUNTER_SYNC (RFC 6311).
    public static let ipsecReplayCounterSync = NotifyType(16423)
    /// 16424: SECURE_PASSWORD_METHODS (RFC 6467).
    public static let securePasswordMethods = NotifyType(16424)
    /// 16425: PSK_PERSIST (RFC 6631).
    public static let pskPersist = NotifyType(16425)
    /// 16426: PSK_CONFIRM (RFC 6631).
    public static let pskConfirm = NotifyType(16426)
    /// 16427: ERX_SUPPORTED (RFC 6867).
    public static let erxSupported = NotifyType(16427)
    /// 16428: IFOM_CAPABILITY (RFC 3GPP TS 24.303).
    public static let ifomCapability = NotifyType(16428)
    /// 16429: SENDER_REQUEST_ID (G-IKEv2 draft).
    public static let senderRequestID = NotifyType(16429)
    /// 16430: IKEV2_FRAGMENTATION_SUPPORTED (RFC 7383).
    public static let ikev2FragmentationSupported = NotifyType(16430)
    /// 16431: SIGNATURE_HASH_ALGORITHMS (RFC 7427).
    public static let signatureHashAlgorithms = NotifyType(16431)
    /// 16432: CLONE_IKE_SA_SUPPORTED (RFC 7791).
    public static let cloneIKESASupported = NotifyType(16432)
    /// 16433: CLONE_IKE_SA (RFC 7791).
    public static let cloneIKESA = NotifyType(16433)
    /// 16434: PUZZLE (RFC 8019).
    public static let puzzle = NotifyType(16434)
    /// 16435: USE_PPK (RFC 8784).
    public static let usePPK = NotifyType(16435)
    /// 16436: PPK_IDENTITY (RFC 8784).
    public static let ppkIdentity = NotifyType(16436)
    /// 16437: NO_PPK_AUTH (RFC 8784).
    public static let noPPKAuth = NotifyType(16437)
    /// 16438: INTERMEDIATE_EXCHANGE_SUPPORTED (RFC 9242).
    public static let intermediateExchangeSupported = NotifyType(16438)
    /// 16439: IP4_ALLOWED (RFC 8983).
    public static let ip4Allowed = NotifyType(16439)
    /// 16440: IP6_ALLOWED (RFC 8983).
    public static let ip6Allowed = NotifyType(16440)
    /// 16441: ADDITIONAL_KEY_EXCHANGE (RFC 9370).
    public static let additionalKeyExchange = NotifyType(16441)
    /// 16442: USE_AGGFRAG (RFC 9347).
    public static let useAggfrag = NotifyType(16442)
    /// 16443: SUPPORTED_AUTH_METHODS (RFC 9593 (auth-announce)).
    public static let supportedAuthMethods = NotifyType(16443)
    /// 16444: SA_RESOURCE_INFO (RFC 9611).
    public static let saResourceInfo = NotifyType(16444)
    /// 16445: USE_PPK_INT (draft-ietf-ipsecme-ikev2-qr-alt).
    public static let usePPKInt = NotifyType(16445)
    /// 16446: PPK_IDENTITY_KEY (draft-ietf-ipsecme-ikev2-qr-alt).
    public static let ppkIdentityKey = NotifyType(16446)

    /// The registry name ("INVALID_SYNTAX"), or `notify-<n>` for an unassigned value.
    public var name: String {
        switch rawValue {
        case 1: "UNSUPPORTED_CRITICAL_PAYLOAD"
        case 4: "INVALID_IKE_SPI"
        case 5: "INVALID_MAJOR_VERSION"
        case 7: "INVALID_SYNTAX"
        case 9: "INVALID_MESSAGE_ID"
        case 11: "INVALID_SPI"
        case 14: "NO_PROPOSAL_CHOSEN"
        case 17: "INVALID_KE_PAYLOAD"
        case 24: "AUTHENTICATION_FAILED"
        case 34: "SINGLE_PAIR_REQUIRED"
        case 35: "NO_ADDITIONAL_SAS"
        case 36: "INTERNAL_ADDRESS_FAILURE"
        case 37: "FAILED_CP_REQUIRED"
        case 38: "TS_UNACCEPTABLE"
        case 39: "INVALID_SELECTORS"
        case 40: "UNACCEPTABLE_ADDRESSES"
        case 41: "UNEXPECTED_NAT_DETECTED"
        case 42: "USE_ASSIGNED_HoA"
        case 43: "TEMPORARY_FAILURE"
        case 44: "CHILD_SA_NOT_FOUND"
        case 45: "INVALID_GROUP_ID"
        case 46: "AUTHORIZATION_FAILED"
        case 47: "STATE_NOT_FOUND"
        case 48: "TS_MAX_QUEUE"
        case 49: "REGISTRATION_FAILED"
        case 16384: "INITIAL_CONTACT"
        case 16385: "SET_WINDOW_SIZE"
        case 16386: "ADDITIONAL_TS_POSSIBLE"
        case 16387: "IPCOMP_SUPPORTED"
        case 16388: "NAT_DETECTION_SOURCE_IP"
        case 16389: "NAT_DETECTION_DESTINATION_IP"
        case 16390: "COOKIE"
        case 16391: "USE_TRANSPORT_MODE"
        case 16392: "HTTP_CERT_LOOKUP_SUPPORTED"
        case 16393: "REKEY_SA"
        case 16394: "ESP_TFC_PADDING_NOT_SUPPORTED"
        case 16395: "NON_FIRST_FRAGMENTS_ALSO"
        case 16396: "MOBIKE_SUPPORTED"
        case 16397: "ADDITIONAL_IP4_ADDRESS"
        case 16398: "ADDITIONAL_IP6_ADDRESS"
        case 16399: "NO_ADDITIONAL_ADDRESSES"
        case 16400: "UPDATE_SA_ADDRESSES"
        case 16401: "COOKIE2"
        case 16402: "NO_NATS_ALLOWED"
        case 16403: "AUTH_LIFETIME"
        case 16404: "MULTIPLE_AUTH_SUPPORTED"
        case 16405: "ANOTHER_AUTH_FOLLOWS"
        case 16406: "REDIRECT_SUPPORTED"
        case 16407: "REDIRECT"
        case 16408: "REDIRECTED_FROM"
        case 16409: "TICKET_LT_OPAQUE"
        case 16410: "TICKET_REQUEST"
        case 16411: "TICKET_ACK"
        case 16412: "TICKET_NACK"
        case 16413: "TICKET_OPAQUE"
        case 16414: "LINK_ID"
        case 16415: "USE_WESP_MODE"
        case 16416: "ROHC_SUPPORTED"
        case 16417: "EAP_ONLY_AUTHENTICATION"
        case 16418: "CHILDLESS_IKEV2_SUPPORTED"
        case 16419: "QUICK_CRASH_DETECTION"
        case 16420: "IKEV2_MESSAGE_ID_SYNC_SUPPORTED"
        case 16421: "IPSEC_REPLAY_COUNTER_SYNC_SUPPORTED"
        case 16422: "IKEV2_MESSAGE_ID_SYNC"
        case 16423: "IPSEC_REPLAY_COUNTER_SYNC"
        case 16424: "SECURE_PASSWORD_METHODS"
        case 16425: "PSK_PERSIST"
        case 16426: "PSK_CONFIRM"
        case 16427: "ERX_SUPPORTED"
        case 16428: "IFOM_CAPABILITY"
        case 16429: "SENDER_REQUEST_ID"
        case 16430: "IKEV2_FRAGMENTATION_SUPPORTED"
        case 16431: "SIGNATURE_HASH_ALGORITHMS"
        case 16432: "CLONE_IKE_SA_SUPPORTED"
        case 16433: "CLONE_IKE_SA"
        case 16434: "PUZZLE"
        case 16435: "USE_PPK"
        case 16436: "PPK_IDENTITY"
        case 16437: "NO_PPK_AUTH"
        case 16438: "INTERMEDIATE_EXCHANGE_SUPPORTED"
        case 16439: "IP4_ALLOWED"
        case 16440: "IP6_ALLOWED"
        case 16441: "ADDITIONAL_KEY_EXCHANGE"
        case 16442: "USE_AGGFRAG"
        case 16443: "SUPPORTED_AUTH_METHODS"
        case 16444: "SA_RESOURCE_INFO"
        case 16445: "USE_PPK_INT"
        case 16446: "PPK_IDENTITY_KEY"
        default: "notify-\(rawValue)"
        }
    }

    public var description: String { name }
}
