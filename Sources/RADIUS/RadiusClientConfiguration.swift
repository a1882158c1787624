import HubVocabulary

/// One RADIUS server as `radius server NAME` describes it.
public struct RadiusServerEndpoint: Sendable, CustomStringConvertible {
    /// Host name or address literal (IPv6 without brackets).
    public var host: String
    public var authenticationPort: UInt16
    public var accountingPort: UInt16
    /// The shared secret (RFC 2865 §3); printed redacted.
    public var secret: SecretBytes

    public init(host: String, authenticationPort: UInt16 = 1812, accountingPort: UInt16 = 1813, secret: SecretBytes) {
        self.host = host
        self.authenticationPort = authenticationPort
        self.accountingPort = accountingPort
        self.secret = secret
    }

    public var description: String { "\(host) auth-port \(authenticationPort) acct-port \(accountingPort) key \(secret)" }
}

/// What a radcli handle is configured with.
public struct RadiusClientConfiguration: Sendable {
    /// Servers in failover order (radcli tries them in turn; at most 8).
    public var servers: [RadiusServerEndpoint]
    /// Seconds to wait for a reply before retransmitting.
    public var timeoutSeconds: Int
    /// Retransmissions per server before the next one is tried.
    public var retries: Int
    /// radcli dictionary file.
    public var dictionaryPath: String
    /// NAS-Identifier radcli puts in requests, when set.
    public var nasIdentifier: String?

    public init(servers: [RadiusServerEndpoint], timeoutSeconds: Int = 5, retries: Int = 3,
                dictionaryPath: String = "/etc/radcli/dictionary", nasIdentifier: String? = nil) {
        self.servers = servers
        self.timeoutSeconds = timeoutSeconds
        self.retries = retries
        self.dictionaryPath = dictionaryPath
        self.nasIdentifier = nasIdentifier
    }
}
