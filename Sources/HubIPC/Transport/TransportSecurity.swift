public import ZeroMQ

/// How a connecting socket secures a `tcp://` link: CURVE with our key pair and
/// the server's public key (RFC 26 CurveZMQ). `ipc://` links need none.
public struct CurveClientSecurity: Sendable {
    /// Our long-term key pair (its public key is in the server's allow-list).
    public let keys: CurveKeyPair
    /// The server's public key, Z85.
    public let serverPublicKey: String

    public init(keys: CurveKeyPair, serverPublicKey: String) {
        self.keys = keys
        self.serverPublicKey = serverPublicKey
    }

    /// Configures `socket` (before it connects or binds).
    public func apply(to socket: ZMQSocket) throws(ZMQError) {
        try socket.makeCurveClient(keys: keys, serverKey: serverPublicKey)
    }
}

/// How a binding socket secures a `tcp://` endpoint: CURVE server with our key
/// pair; the ZAP domain names the allow-list (`ZAPAuthenticator`) that admits
/// client keys.
public struct CurveServerSecurity: Sendable {
    /// Our long-term key pair; clients are configured with its public key.
    public let keys: CurveKeyPair
    /// The ZAP domain checked by the authenticator of this context.
    public let zapDomain: String

    public init(keys: CurveKeyPair, zapDomain: String) {
        self.keys = keys
        self.zapDomain = zapDomain
    }

    /// Configures `socket` (before it connects or binds).
    public func apply(to socket: ZMQSocket) throws(ZMQError) {
        try socket.setZAPDomain(zapDomain)
        try socket.makeCurveServer(secretKey: keys.secretKey)
    }
}
