internal import COpenSSL
import HubVocabulary

/// Where IKECrypto takes random octets for SPIs, nonces and IVs. Production code uses
/// `SystemRandom`; ephemeral private keys come from OpenSSL's generator directly.
public protocol RandomSource: Sendable {
    /// Fills `buffer` with random octets.
    func fill(_ buffer: UnsafeMutableRawBufferPointer) throws(IKECryptoError)
}

/// The OS CSPRNG through OpenSSL's `RAND_bytes` (a DRBG seeded and reseeded from
/// getrandom(2)). Safe to use from any thread.
public struct SystemRandom: RandomSource {
    /// The process-wide generator; the value holds no state.
    public init() {}

    /// Fills `buffer` from `RAND_bytes`.
    public func fill(_ buffer: UnsafeMutableRawBufferPointer) throws(IKECryptoError) {
        guard buffer.count > 0 else { return }
        clearOpenSSLErrors()
        guard RAND_bytes(buffer.cMutableBytes, Int32(buffer.count)) == 1 else {
            throw .randomSourceFailed(IKECryptoError.openSSLFailure("RAND_bytes").description)
        }
    }
}

extension RandomSource {
    /// `count` random octets.
    public func bytes(count: Int) throws(IKECryptoError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        try bytes.withMutableBytes { (buffer) throws(IKECryptoError) in try fill(buffer) }
        return bytes
    }

    /// `count` random octets in wiped-on-release storage.
    public func secretBytes(count: Int) throws(IKECryptoError) -> SecretBytes {
        try SecretBytes.filled(count: count) { (buffer) throws(IKECryptoError) in try fill(buffer) }
    }

    /// A Nonce payload body (RFC 7296 §2.10: at least 16 octets and at least half the
    /// PRF key size; we default to 32, which satisfies every PRF here).
    public func nonce(length: Int = 32) throws(IKECryptoError) -> [UInt8] {
        try bytes(count: length)
    }

    /// A new IKE SA SPI; never zero, which RFC 7296 §3.1 reserves for "not yet known".
    public func ikeSPI() throws(IKECryptoError) -> IKESPI {
        while true {
            let value = try bytes(count: 8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            if value != 0 { return IKESPI(value) }
        }
    }

    /// A new ESP/AH SPI; never 0–255, which RFC 4303 §2.1 reserves.
    public func childSPI() throws(IKECryptoError) -> UInt32 {
        while true {
            let value = try bytes(count: 4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            if value > 255 { return value }
        }
    }
}
