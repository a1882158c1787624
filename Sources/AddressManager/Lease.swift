import HubVocabulary

/// An address (or IPv6 prefix) held for a client.
public struct Lease: Hashable, Sendable, CustomStringConvertible {
    /// Whether a session holds the address now.
    public enum State: Int64, Hashable, Sendable {
        /// Held by `session`.
        case active = 1
        /// Free again, but remembered for `identity` so the same client gets it back.
        case released = 2
    }

    /// The pool it came from; `framed` leases (RADIUS Framed-IP-Address) name no pool.
    public let pool: String
    public let address: IPAddress
    public let prefixLength: UInt8
    /// The client identity the address is kept for (the IKE identity or AAA user name).
    public let identity: String
    public let session: SessionID
    public let state: State
    public let updated: WallTime

    public init(pool: String, address: IPAddress, prefixLength: UInt8, identity: String,
                session: SessionID, state: State, updated: WallTime) {
        self.pool = pool
        self.address = address
        self.prefixLength = prefixLength
        self.identity = identity
        self.session = session
        self.state = state
        self.updated = updated
    }

    func with(state: State, session: SessionID? = nil, identity: String? = nil, updated: WallTime) -> Lease {
        Lease(pool: pool, address: address, prefixLength: prefixLength, identity: identity ?? self.identity,
              session: session ?? self.session, state: state, updated: updated)
    }

    public var description: String {
        "\(address)/\(prefixLength) pool \(pool) for \(identity) session \(session) \(state == .active ? "active" : "released")"
    }
}

/// Pool name used for addresses that AAA assigned (Framed-IP-Address) rather than a pool.
public let framedAddressPoolName = "(framed)"
