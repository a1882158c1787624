import HubVocabulary
import IKECrypto

/// Stateless COOKIEs (RFC 7296 §2.6): `Cookie = VersionIDofSecret ‖ Hash(Ni ‖ IPi ‖ SPIi ‖ secret)`,
/// here HMAC-SHA-256 keyed with the secret. The secret is replaced every
/// `lifetimeSeconds`; cookies of the previous version stay valid for one more period so
/// that a client answering just after a rotation is not sent round again.
struct CookieJar: Sendable {
    private struct Secret: Sendable {
        var version: UInt8
        var key: SecretBytes
        var created: MonotonicTime
    }

    private var current: Secret?
    private var previous: Secret?
    let lifetimeMilliseconds: Int64

    init(lifetimeSeconds: Int64) {
        lifetimeMilliseconds = max(1, lifetimeSeconds) * 1000
    }

    /// Rotates the secret when it is older than the lifetime.
    private mutating func rotate(now: MonotonicTime, random: any RandomSource) throws(IKECryptoError) {
        if let current, now.milliseconds(since: current.created) < lifetimeMilliseconds { return }
        let version = current.map { $0.version &+ 1 } ?? 0
        previous = current
        current = Secret(version: version, key: try random.secretBytes(count: 32), created: now)
    }

    private static func digest(_ secret: Secret, nonce: [UInt8], address: IPAddress, spi: IKESPI) throws(IKECryptoError) -> [UInt8] {
        let key = secret.key.revealedBytes()
        return [secret.version] + (try PseudorandomFunction.hmacSHA256.compute(key: key, data: nonce + address.bytes + spi.bytes))
    }

    /// The cookie to send for this initiator.
    mutating func cookie(nonce: [UInt8], address: IPAddress, spi: IKESPI, now: MonotonicTime,
                         random: any RandomSource) throws(IKECryptoError) -> [UInt8] {
        try rotate(now: now, random: random)
        guard let current else { return [] }
        return try Self.digest(current, nonce: nonce, address: address, spi: spi)
    }

    /// True when `cookie` is one we issued to this initiator with the current or previous secret.
    mutating func isValid(_ cookie: [UInt8], nonce: [UInt8], address: IPAddress, spi: IKESPI, now: MonotonicTime,
                          random: any RandomSource) throws(IKECryptoError) -> Bool {
        try rotate(now: now, random: random)
        guard let version = cookie.first else { return false }
        for secret in [current, previous].compactMap({ $0 }) where secret.version == version {
            return constantTimeEquals(cookie, try Self.digest(secret, nonce: nonce, address: address, spi: spi))
        }
        return false
    }
}
