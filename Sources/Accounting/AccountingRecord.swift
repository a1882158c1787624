import HubVocabulary
import RADIUS

/// One accounting event of a session (RFC 2866), as the frontend reports it. The record
/// carries the event time, so that a record sent late from the spool says how late
/// (Acct-Delay-Time, RFC 2866 §5.2).
public struct AccountingRecord: Hashable, Sendable {
    /// Acct-Status-Type (RFC 2866 §5.1).
    public enum Kind: Int64, Hashable, Sendable {
        case start = 1
        case stop = 2
        case interimUpdate = 3
        case accountingOn = 7
        case accountingOff = 8
    }

    /// Acct-Terminate-Cause (RFC 2866 §5.10) values a headend uses.
    public enum TerminateCause: UInt32, Hashable, Sendable {
        case userRequest = 1
        case lostService = 3
        case idleTimeout = 4
        case sessionTimeout = 5
        case adminReset = 6
        case adminReboot = 7
        case nasError = 9
        case nasRequest = 10
        case nasReboot = 11
    }

    /// Traffic counters of the session so far (octets and packets, both directions).
    public struct Counters: Hashable, Sendable {
        public var inputOctets: UInt64
        public var outputOctets: UInt64
        public var inputPackets: UInt64
        public var outputPackets: UInt64
        public init(inputOctets: UInt64 = 0, outputOctets: UInt64 = 0, inputPackets: UInt64 = 0, outputPackets: UInt64 = 0) {
            self.inputOctets = inputOctets
            self.outputOctets = outputOctets
            self.inputPackets = inputPackets
            self.outputPackets = outputPackets
        }
    }

    public var kind: Kind
    /// The session (Acct-Session-Id is its hex form); `nil` for Accounting-On/Off.
    public var session: SessionID?
    public var userName: String?
    /// Calling-Station-Id: the client's outer address.
    public var peerAddress: IPAddress?
    /// Framed-IP-Address / Framed-IPv6-Address: the addresses the client was given.
    public var framedAddresses: [IPAddress]
    /// Class attributes from the Access-Accept, echoed unchanged (RFC 2865 §5.25).
    public var classes: [[UInt8]]
    public var counters: Counters
    /// Seconds since the session came up (Interim and Stop).
    public var sessionTime: UInt32?
    public var terminateCause: TerminateCause?
    /// When it happened.
    public var eventTime: WallTime

    public init(kind: Kind, session: SessionID?, userName: String? = nil, peerAddress: IPAddress? = nil,
                framedAddresses: [IPAddress] = [], classes: [[UInt8]] = [], counters: Counters = Counters(),
                sessionTime: UInt32? = nil, terminateCause: TerminateCause? = nil, eventTime: WallTime) {
        self.kind = kind
        self.session = session
        self.userName = userName
        self.peerAddress = peerAddress
        self.framedAddresses = framedAddresses
        self.classes = classes
        self.counters = counters
        self.sessionTime = sessionTime
        self.terminateCause = terminateCause
        self.eventTime = eventTime
    }

    /// The Accounting-Request attributes for this record, sent at `sendTime`.
    public func radiusAttributes(sentAt sendTime: WallTime, nasIdentifier: String) -> [RadiusAttribute] {
        var attributes: [RadiusAttribute] = [
            RadiusAttribute(type: RadiusAttributeType.acctStatusType, value: .integer(UInt32(kind.rawValue))),
            .string(RadiusAttributeType.nasIdentifier, nasIdentifier),
            RadiusAttribute(type: 61, value: .integer(5)),  // NAS-Port-Type = Virtual (RFC 2865 §5.41)
        ]
        if let session {
            attributes.append(.string(RadiusAttributeType.acctSessionID, session.description))
            attributes.append(RadiusAttribute(type: RadiusAttributeType.serviceType, value: .integer(2)))  // Framed
            // FlexVPN names sessions to CoA/PoD by audit-session-id (seed "RADIUS CoA").
            attributes.append(.string(1, vendor: RadiusVendor.cisco, "audit-session-id=\(session)"))
        }
        if let userName { attributes.append(.string(RadiusAttributeType.userName, userName)) }
        if let peerAddress { attributes.append(.string(RadiusAttributeType.callingStationID, peerAddress.description)) }
        for address in framedAddresses {
            switch address {
            case .v4(let v4): attributes.append(RadiusAttribute(type: RadiusAttributeType.framedIPAddress, value: .ipv4(v4)))
            case .v6(let v6): attributes.append(RadiusAttribute(type: 168, value: .ipv6(v6)))  // Framed-IPv6-Address, RFC 6911
            }
        }
        for value in classes { attributes.append(RadiusAttribute(type: RadiusAttributeType.class, value: .bytes(value))) }
        if kind == .interimUpdate || kind == .stop {
            func split(_ value: UInt64) -> (low: UInt32, gigawords: UInt32) {
                (UInt32(truncatingIfNeeded: value), UInt32(truncatingIfNeeded: value >> 32))
            }
            let input = split(counters.inputOctets)
            let output = split(counters.outputOctets)
            attributes += [
                RadiusAttribute(type: 42, value: .integer(input.low)),      // Acct-Input-Octets
                RadiusAttribute(type: 43, value: .integer(output.low)),     // Acct-Output-Octets
                RadiusAttribute(type: 52, value: .integer(input.gigawords)),   // Acct-Input-Gigawords (RFC 2869)
                RadiusAttribute(type: 53, value: .integer(output.gigawords)),  // Acct-Output-Gigawords
                RadiusAttribute(type: 47, value: .integer(UInt32(clamping: counters.inputPackets))),
                RadiusAttribute(type: 48, value: .integer(UInt32(clamping: counters.outputPackets))),
            ]
            if let sessionTime { attributes.append(RadiusAttribute(type: 46, value: .integer(sessionTime))) }
        }
        if kind == .stop, let terminateCause {
            attributes.append(RadiusAttribute(type: 49, value: .integer(terminateCause.rawValue)))
        }
        let delay = max(0, sendTime.secondsSinceEpoch - eventTime.secondsSinceEpoch)
        attributes.append(RadiusAttribute(type: 41, value: .integer(UInt32(clamping: delay))))  // Acct-Delay-Time
        return attributes
    }
}
