import HubVocabulary
import IKECrypto
import IKEWire

// MARK: - Addresses

/// Step 3: an address for the CFG_REQUEST.
public struct AddressRequest: Hashable, Sendable {
    public var session: SessionID
    /// The session's `crypto ikev2 profile` (its authorization policy may name the pool).
    public var profile: String
    public var identity: PeerIdentity
    public var username: String?
    /// The CFG_REQUEST attributes as received (empty values ask, non-empty ones suggest).
    public var requestedAttributes: [ConfigurationAttribute]
    public var wantsIPv4: Bool
    public var wantsIPv6: Bool
    public var framedIPv4Address: IPv4Address?
    public var poolName: String?
}

/// addrd's answer.
public enum AddressResult: Hashable, Sendable {
    case assigned(AddressAssignment)
    /// Pool exhausted, no such pool …: INTERNAL_ADDRESS_FAILURE.
    case failed(reason: String)
}

/// An assigned address and what comes with it.
public struct AddressAssignment: Hashable, Sendable {
    public var lease: LeaseID
    public var ipv4Address: IPv4Address?
    public var ipv4Netmask: IPv4Address?
    public var ipv6Address: IPv6Address?
    public var ipv6PrefixLength: UInt8
    /// Further CFG_REPLY attributes from the pool or DHCP (DNS servers …).
    public var attributes: [ConfigurationAttribute]

    public init(lease: LeaseID, ipv4Address: IPv4Address? = nil, ipv4Netmask: IPv4Address? = nil,
                ipv6Address: IPv6Address? = nil, ipv6PrefixLength: UInt8 = 64, attributes: [ConfigurationAttribute] = []) {
        self.lease = lease
        self.ipv4Address = ipv4Address
        self.ipv4Netmask = ipv4Netmask
        self.ipv6Address = ipv6Address
        self.ipv6PrefixLength = ipv6PrefixLength
        self.attributes = attributes
    }
}

/// Give `lease` back.
public struct AddressRelease: Hashable, Sendable {
    public var session: SessionID
    public var lease: LeaseID
}

// MARK: - Virtual access

/// Step 4: clone a virtual-access interface for the session.
public struct VirtualAccessRequest: Hashable, Sendable {
    public var session: SessionID
    /// The session's `crypto ikev2 profile` (its `virtual-template` is cloned).
    public var profile: String
    public var virtualTemplate: Int?
    public var ipv4Address: IPv4Address?
    public var ipv6Address: IPv6Address?
    /// Per-session interface commands from authorization (`ip:interface-config`).
    public var interfaceConfig: [String] = []
}

/// tunneld's answer.
public enum VirtualAccessResult: Hashable, Sendable {
    case created(VirtualAccessInterface)
    /// The CHILD_SA cannot be set up: NO_PROPOSAL_CHOSEN (what strongSwan sends when it
    /// cannot install), the IKE SA is then deleted.
    case failed(reason: String)
}

/// Remove the session's interface.
public struct VirtualAccessRelease: Hashable, Sendable {
    public var session: SessionID
    public var interface: VirtualAccessInterface
}

// MARK: - CHILD_SAs

/// The keys of one direction of an ESP SA.
public struct ChildSADirection: Hashable, Sendable {
    public var spi: UInt32
    /// Encryption key followed by its salt (RFC 4106 §8.1).
    public var encryptionKey: SecretBytes
    public var integrityKey: SecretBytes

    public static func == (lhs: ChildSADirection, rhs: ChildSADirection) -> Bool {
        lhs.spi == rhs.spi && lhs.encryptionKey == rhs.encryptionKey && lhs.integrityKey == rhs.integrityKey
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(spi) }
}

/// How ESP travels.
public enum ESPEncapsulation: Hashable, Sendable {
    /// Plain ESP (IP protocol 50).
    case none
    /// ESP in UDP on port 4500 (RFC 3948), because a NAT was detected.
    case udp
}

/// Install both directions of a CHILD_SA in tunnel mode.
public struct ChildSAInstallation: Hashable, Sendable {
    public var session: SessionID
    public var ikeSA: IKESAIdentifier
    public var virtualAccess: VirtualAccessInterface?
    /// Traffic the peer sends us (our SPI).
    public var inbound: ChildSADirection
    /// Traffic we send (the peer's SPI).
    public var outbound: ChildSADirection
    public var transforms: ChildSATransforms
    public var extendedSequenceNumbers: Bool
    /// Our side's selectors (TSr when we are the responder).
    public var localSelectors: [TrafficSelector]
    /// The peer's selectors (TSi when we are the responder).
    public var remoteSelectors: [TrafficSelector]
    public var local: Endpoint
    public var remote: Endpoint
    public var encapsulation: ESPEncapsulation
    public var lifetimeSeconds: Int64
    /// On a rekey, the inbound SPI of the CHILD_SA this one replaces (kept until deleted).
    public var replacesInboundSPI: UInt32?
}

/// tunneld's answer to ``ChildSAInstallation``.
public enum ChildSAInstallResult: Hashable, Sendable {
    case installed
    case failed(reason: String)
}

/// Remove a CHILD_SA (both directions).
public struct ChildSARemoval: Hashable, Sendable {
    public var session: SessionID
    public var inboundSPI: UInt32
    public var outboundSPI: UInt32
}

// MARK: - Accounting and session lifecycle

/// Accounting Start (step 6).
public struct AccountingStart: Hashable, Sendable {
    public var session: SessionID
    public var identity: PeerIdentity
    public var username: String?
    public var peer: Endpoint
    public var framedIPv4Address: IPv4Address?
    public var framedIPv6Address: IPv6Address?
    public var accountingClass: [[UInt8]]
    /// False when the profile has no `aaa accounting` for the session's method: the session
    /// is up (and logged) but sends no accounting record, and no Stop follows.
    public var accounted: Bool = true
}

/// Accounting Stop.
public struct AccountingStop: Hashable, Sendable {
    public var session: SessionID
    public var reason: SessionEndReason
}

/// Why a session ended (maps to Acct-Terminate-Cause in acctd).
public enum SessionEndReason: Hashable, Sendable {
    /// The peer sent Delete for the IKE SA.
    case peerDeleted
    /// DPD or our requests went unanswered.
    case deadPeer
    /// `clear crypto session`, shutdown of the session by the operator.
    case administrative
    /// AUTH did not verify.
    case authenticationFailed
    /// Authorization refused.
    case authorizationFailed
    /// Setup failed after authentication; the notify we sent.
    case setupFailed(NotifyType)
    /// A new IKE SA of the same identity carried INITIAL_CONTACT (RFC 7296 §2.4).
    case replacedByInitialContact
    /// IKE_AUTH never came.
    case halfOpenTimeout
    /// The IKE SA lifetime ran out without a rekey.
    case lifetimeExpired
}

/// The session moved to a rekeyed IKE SA.
public struct SessionMove: Hashable, Sendable {
    public var session: SessionID
    public var from: IKESAIdentifier
    public var to: IKESAIdentifier
}

/// The IKE SA and its session are finished.
public struct SessionEnd: Hashable, Sendable {
    public var session: SessionID
    public var ikeSA: IKESAIdentifier
    public var reason: SessionEndReason
}
