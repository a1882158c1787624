/// How often one payload type may occur in a message, and whether inside SK
/// (strongSwan's `payload_rule_t`).
public struct PayloadRule: Hashable, Sendable {
    public let payload: PayloadType
    public let minimum: Int
    public let maximum: Int
    /// True when the payload belongs inside SK (RFC 7296 §3.14).
    public let encrypted: Bool

    public init(_ payload: PayloadType, min minimum: Int, max maximum: Int, encrypted: Bool) {
        self.payload = payload
        self.minimum = minimum
        self.maximum = maximum
        self.encrypted = encrypted
    }
}

/// A position in the order payloads are generated in (strongSwan's `payload_order_t`):
/// a payload type, or one notify type that has its own place (COOKIE first).
public enum PayloadOrderKey: Hashable, Sendable {
    case payload(PayloadType)
    case notify(NotifyType)
}

/// The payload rules of one message kind: an exchange, request or response, and for
/// IKE_AUTH requests the round (initial, EAP, final AUTH).
public struct MessageRuleTable: Hashable, Sendable {
    public let exchange: ExchangeType
    public let isResponse: Bool
    /// Whether the message must carry SK or SKF (every exchange after IKE_SA_INIT).
    public let requiresEncryption: Bool
    public let rules: [PayloadRule]
    /// Generation order; payloads not listed go last in their given order.
    public let order: [PayloadOrderKey]

    public init(exchange: ExchangeType, isResponse: Bool, requiresEncryption: Bool, rules: [PayloadRule], order: [PayloadOrderKey]) {
        self.exchange = exchange
        self.isResponse = isResponse
        self.requiresEncryption = requiresEncryption
        self.rules = rules
        self.order = order
    }

    /// The rule for `type`, if the table allows it at all.
    public func rule(for type: PayloadType) -> PayloadRule? { rules.first { $0.payload == type } }
}

/// The payload count and order rules of RFC 7296 §1.2–§1.5 per exchange, as one table
/// per message kind, checked in one place: ``verify(_:innerPayloads:against:)``.
///
/// Exchange handlers trust the table and do not count payloads themselves.
public enum MessageRules {
    // MARK: - Limits (RFC 7296 sets none; these bound the work a peer can cause)

    /// Notify payloads per message.
    public static let maximumNotifyPayloads = 32
    /// Vendor ID payloads per message.
    public static let maximumVendorIDPayloads = 32
    /// CERT payloads per message (a chain rarely has more than 4 certificates).
    public static let maximumCertificatePayloads = 16
    /// CERTREQ payloads per message.
    public static let maximumCertificateRequestPayloads = 32
    /// Delete payloads per message.
    public static let maximumDeletePayloads = 32

    private typealias R = PayloadRule

    private static func notifies(encrypted: Bool) -> PayloadRule {
        R(.notify, min: 0, max: maximumNotifyPayloads, encrypted: encrypted)
    }

    private static func vendorIDs(encrypted: Bool) -> PayloadRule {
        R(.vendorID, min: 0, max: maximumVendorIDPayloads, encrypted: encrypted)
    }

    // MARK: - IKE_SA_INIT (RFC 7296 §1.2)

    /// `HDR, [N(COOKIE)], SAi1, KEi, Ni, [N+], [V+]`.
    public static let ikeSAInitRequest = MessageRuleTable(
        exchange: .ikeSAInit, isResponse: false, requiresEncryption: false,
        rules: [
            R(.securityAssociation, min: 1, max: 1, encrypted: false),
            R(.keyExchange, min: 1, max: 1, encrypted: false),
            R(.nonce, min: 1, max: 1, encrypted: false),
            notifies(encrypted: false),
            vendorIDs(encrypted: false),
        ],
        order: [.notify(.cookie), .payload(.securityAssociation), .payload(.keyExchange), .payload(.nonce),
                .notify(.natDetectionSourceIP), .notify(.natDetectionDestinationIP), .payload(.notify), .payload(.vendorID)])

    /// `HDR, SAr1, KEr, Nr, [CERTREQ+], [N+], [V+]`, or an error/cookie answer of
    /// notifies only (§2.6, §1.2 INVALID_KE_PAYLOAD), so SA/KE/Nr may be absent.
    public static let ikeSAInitResponse = MessageRuleTable(
        exchange: .ikeSAInit, isResponse: true, requiresEncryption: false,
        rules: [
            R(.securityAssociation, min: 0, max: 1, encrypted: false),
            R(.keyExchange, min: 0, max: 1, encrypted: false),
            R(.nonce, min: 0, max: 1, encrypted: false),
            R(.certificateRequest, min: 0, max: maximumCertificateRequestPayloads, encrypted: false),
            notifies(encrypted: false),
            vendorIDs(encrypted: false),
        ],
        order: [.notify(.cookie), .payload(.securityAssociation), .payload(.keyExchange), .payload(.nonce),
                .notify(.natDetectionSourceIP), .notify(.natDetectionDestinationIP), .payload(.notify),
                .payload(.certificateRequest), .payload(.vendorID)])

    // MARK: - IKE_AUTH (RFC 7296 §1.2, §2.16, RFC 4739, RFC 5998)

    private static func ikeAuthRequestRules(idi: Int, auth: (Int, Int), eap: (Int, Int), restMaximum: Int) -> [PayloadRule] {
        [
            R(.identificationInitiator, min: idi, max: restMaximum == 0 ? idi : 1, encrypted: true),
            R(.certificate, min: 0, max: restMaximum == 0 ? 0 : maximumCertificatePayloads, encrypted: true),
            R(.certificateRequest, min: 0, max: restMaximum == 0 ? 0 : maximumCertificateRequestPayloads, encrypted: true),
            R(.identificationResponder, min: 0, max: restMaximum, encrypted: true),
            R(.authentication, min: auth.0, max: auth.1, encrypted: true),
            R(.eap, min: eap.0, max: eap.1, encrypted: true),
            R(.configuration, min: 0, max: restMaximum, encrypted: true),
            R(.securityAssociation, min: 0, max: restMaximum, encrypted: true),
            R(.trafficSelectorInitiator, min: 0, max: restMaximum, encrypted: true),
            R(.trafficSelectorResponder, min: 0, max: restMaximum, encrypted: true),
            notifies(encrypted: true),
            vendorIDs(encrypted: true),
        ]
    }

    private static let ikeAuthRequestOrder: [PayloadOrderKey] = [
        .payload(.identificationInitiator), .payload(.certificate), .notify(.initialContact), .payload(.certificateRequest),
        .payload(.identificationResponder), .payload(.authentication), .payload(.eap), .payload(.configuration),
        .payload(.notify), .payload(.securityAssociation), .payload(.trafficSelectorInitiator),
        .payload(.trafficSelectorResponder), .payload(.vendorID),
    ]

    /// Any IKE_AUTH request, whatever its round: every payload optional.
    public static let ikeAuthRequest = MessageRuleTable(
        exchange: .ikeAuth, isResponse: false, requiresEncryption: true,
        rules: ikeAuthRequestRules(idi: 0, auth: (0, 1), eap: (0, 1), restMaximum: 1), order: ikeAuthRequestOrder)

    /// The first IKE_AUTH request: `SK {IDi, [CERT+], [CERTREQ+], [IDr], [AUTH], [CP],
    /// [N+], SAi2, TSi, TSr}`; AUTH is absent when the initiator wants EAP (§2.16).
    public static let ikeAuthInitialRequest = MessageRuleTable(
        exchange: .ikeAuth, isResponse: false, requiresEncryption: true,
        rules: ikeAuthRequestRules(idi: 1, auth: (0, 1), eap: (0, 0), restMaximum: 1), order: ikeAuthRequestOrder)

    /// An EAP round: `SK {EAP}` (RFC 7296 §2.16).
    public static let ikeAuthEAPRequest = MessageRuleTable(
        exchange: .ikeAuth, isResponse: false, requiresEncryption: true,
        rules: ikeAuthRequestRules(idi: 0, auth: (0, 0), eap: (1, 1), restMaximum: 0), order: ikeAuthRequestOrder)

    /// The request after EAP Success: `SK {AUTH}` (RFC 7296 §2.16).
    public static let ikeAuthFinalRequest = MessageRuleTable(
        exchange: .ikeAuth, isResponse: false, requiresEncryption: true,
        rules: ikeAuthRequestRules(idi: 0, auth: (1, 1), eap: (0, 0), restMaximum: 0), order: ikeAuthRequestOrder)

    /// `SK {IDr, [CERT+], AUTH, [EAP], [CP], [N+], SAr2, TSi, TSr}`, or EAP rounds, or an
    /// error answer of notifies only, so everything is optional.
    public static let ikeAuthResponse = MessageRuleTable(
        exchange: .ikeAuth, isResponse: true, requiresEncryption: true,
        rules: [
            R(.identificationResponder, min: 0, max: 1, encrypted: true),
            R(.certificate, min: 0, max: maximumCertificatePayloads, encrypted: true),
            R(.authentication, min: 0, max: 1, encrypted: true),
            R(.eap, min: 0, max: 1, encrypted: true),
            R(.configuration, min: 0, max: 1, encrypted: true),
            R(.securityAssociation, min: 0, max: 1, encrypted: true),
            R(.trafficSelectorInitiator, min: 0, max: 1, encrypted: true),
            R(.trafficSelectorResponder, min: 0, max: 1, encrypted: true),
            notifies(encrypted: true),
            vendorIDs(encrypted: true),
        ],
        order: [.payload(.identificationResponder), .payload(.certificate), .payload(.authentication), .payload(.eap),
                .payload(.configuration), .payload(.notify), .payload(.securityAssociation),
                .payload(.trafficSelectorInitiator), .payload(.trafficSelectorResponder), .payload(.vendorID)])

    // MARK: - CREATE_CHILD_SA (RFC 7296 §1.3)

    private static let createChildSAOrder: [PayloadOrderKey] = [
        .notify(.rekeySA), .notify(.ipcompSupported), .notify(.useTransportMode), .payload(.securityAssociation),
        .payload(.nonce), .payload(.keyExchange), .payload(.trafficSelectorInitiator), .payload(.trafficSelectorResponder),
        .payload(.notify), .payload(.vendorID),
    ]

    /// `SK {[N(REKEY_SA)], [N+], SA, Ni, [KEi], [TSi, TSr]}` (TS absent for an IKE rekey).
    public static let createChildSARequest = MessageRuleTable(
        exchange: .createChildSA, isResponse: false, requiresEncryption: true,
        rules: [
            R(.securityAssociation, min: 1, max: 1, encrypted: true),
            R(.nonce, min: 1, max: 1, encrypted: true),
            R(.keyExchange, min: 0, max: 1, encrypted: true),
            R(.trafficSelectorInitiator, min: 0, max: 1, encrypted: true),
            R(.trafficSelectorResponder, min: 0, max: 1, encrypted: true),
            notifies(encrypted: true),
            vendorIDs(encrypted: true),
        ],
        order: createChildSAOrder)

    /// `SK {SA, Nr, [KEr], [TSi, TSr], [N+]}`, or an error answer of notifies only.
    public static let createChildSAResponse = MessageRuleTable(
        exchange: .createChildSA, isResponse: true, requiresEncryption: true,
        rules: [
            R(.securityAssociation, min: 0, max: 1, encrypted: true),
            R(.nonce, min: 0, max: 1, encrypted: true),
            R(.keyExchange, min: 0, max: 1, encrypted: true),
            R(.trafficSelectorInitiator, min: 0, max: 1, encrypted: true),
            R(.trafficSelectorResponder, min: 0, max: 1, encrypted: true),
            notifies(encrypted: true),
            vendorIDs(encrypted: true),
        ],
        order: createChildSAOrder)

    // MARK: - INFORMATIONAL (RFC 7296 §1.4)

    private static let informationalRules: [PayloadRule] = [
        notifies(encrypted: true),
        R(.delete, min: 0, max: maximumDeletePayloads, encrypted: true),
        R(.configuration, min: 0, max: 1, encrypted: true),
        vendorIDs(encrypted: true),
    ]

    private static let informationalOrder: [PayloadOrderKey] = [
        .payload(.notify), .payload(.delete), .payload(.configuration), .payload(.vendorID),
    ]

    /// `SK {[N+], [D+], [CP+]}`; empty for a liveness check (§1.4).
    public static let informationalRequest = MessageRuleTable(
        exchange: .informational, isResponse: false, requiresEncryption: true, rules: informationalRules, order: informationalOrder)

    /// `SK {[N+], [D+], [CP+]}`.
    public static let informationalResponse = MessageRuleTable(
        exchange: .informational, isResponse: true, requiresEncryption: true, rules: informationalRules, order: informationalOrder)

    /// Every table, for documentation and tests.
    public static let allTables: [MessageRuleTable] = [
        ikeSAInitRequest, ikeSAInitResponse, ikeAuthRequest, ikeAuthInitialRequest, ikeAuthEAPRequest,
        ikeAuthFinalRequest, ikeAuthResponse, createChildSARequest, createChildSAResponse,
        informationalRequest, informationalResponse,
    ]

    /// The general table of a message (for IKE_AUTH requests the any-round table).
    public static func table(exchange: ExchangeType, isResponse: Bool) throws(IKEParseError) -> MessageRuleTable {
        switch (exchange, isResponse) {
        case (.ikeSAInit, false): ikeSAInitRequest
        case (.ikeSAInit, true): ikeSAInitResponse
        case (.ikeAuth, false): ikeAuthRequest
        case (.ikeAuth, true): ikeAuthResponse
        case (.createChildSA, false): createChildSARequest
        case (.createChildSA, true): createChildSAResponse
        case (.informational, false): informationalRequest
        case (.informational, true): informationalResponse
        default: throw .unsupportedExchange(exchange)
        }
    }

    // MARK: - Verification

    /// Checks `message` (and the payloads decrypted from its SK, or reassembled from its
    /// SKF fragments) against `table`: encryption placement first, then each count.
    /// Unknown non-critical payloads are ignored (RFC 7296 §2.5).
    public static func verify(_ message: IKEMessage, innerPayloads: [Payload] = [],
                              against table: MessageRuleTable) throws(IKEParseError) {
        let outer = message.payloads.filter { !$0.endsChain }
        let encryptedCount = message.payloads.count - outer.count
        if table.requiresEncryption {
            guard encryptedCount == 1 else {
                throw .payloadCount(exchange: table.exchange, isResponse: table.isResponse, payload: .encrypted,
                                    count: encryptedCount, minimum: 1, maximum: 1)
            }
        } else if encryptedCount > 0 {
            throw .payloadCount(exchange: table.exchange, isResponse: table.isResponse, payload: .encrypted,
                                count: encryptedCount, minimum: 0, maximum: 0)
        }
        var counts: [PayloadType: Int] = [:]
        for (payloads, insideSK) in [(outer, false), (innerPayloads, true)] {
            for payload in payloads {
                if case .unknown = payload { continue }
                let type = payload.type
                guard let rule = table.rule(for: type) else {
                    throw .payloadCount(exchange: table.exchange, isResponse: table.isResponse, payload: type,
                                        count: payloads.filter { $0.type == type }.count, minimum: 0, maximum: 0)
                }
                guard rule.encrypted == insideSK else {
                    throw .payloadEncryption(exchange: table.exchange, isResponse: table.isResponse, payload: type,
                                             mustBeEncrypted: rule.encrypted)
                }
                counts[type, default: 0] += 1
            }
        }
        for rule in table.rules {
            let count = counts[rule.payload] ?? 0
            guard (rule.minimum...rule.maximum).contains(count) else {
                throw .payloadCount(exchange: table.exchange, isResponse: table.isResponse, payload: rule.payload,
                                    count: count, minimum: rule.minimum, maximum: rule.maximum)
            }
        }
    }

    /// The checks that need no keys, to run before spending work on decryption: SK/SKF
    /// present exactly when the table requires it, and no payload outside SK that belongs
    /// inside (RFC 7296 §3.14). Counts of encrypted payloads wait for ``verify(_:innerPayloads:against:)``.
    public static func verifyUnencryptedPart(_ message: IKEMessage, against table: MessageRuleTable) throws(IKEParseError) {
        let encryptedCount = message.payloads.filter(\.endsChain).count
        let required = table.requiresEncryption ? 1 : 0
        guard encryptedCount == required else {
            throw .payloadCount(exchange: table.exchange, isResponse: table.isResponse, payload: .encrypted,
                                count: encryptedCount, minimum: required, maximum: required)
        }
        for payload in message.payloads where !payload.endsChain {
            if case .unknown = payload { continue }
            if let rule = table.rule(for: payload.type), rule.encrypted {
                throw .payloadEncryption(exchange: table.exchange, isResponse: table.isResponse, payload: payload.type,
                                         mustBeEncrypted: true)
            }
        }
    }

    /// Verifies against the general table of the message's exchange and direction.
    public static func verify(_ message: IKEMessage, innerPayloads: [Payload] = []) throws(IKEParseError) {
        try verify(message, innerPayloads: innerPayloads,
                   against: table(exchange: message.header.exchangeType, isResponse: message.header.isResponse))
    }

    // MARK: - Generation order

    /// `payloads` in the table's generation order (stable; unlisted payloads last).
    public static func ordered(_ payloads: [Payload], by table: MessageRuleTable) -> [Payload] {
        func rank(_ payload: Payload) -> Int {
            if case .notify(let notify) = payload, let index = table.order.firstIndex(of: .notify(notify.notifyType)) {
                return index
            }
            return table.order.firstIndex(of: .payload(payload.type)) ?? table.order.count
        }
        return payloads.enumerated()
            .sorted { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) }
            .map(\.element)
    }
}
