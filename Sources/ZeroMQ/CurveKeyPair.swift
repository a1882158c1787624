internal import CZMQ

/// A CurveZMQ key pair (RFC 26), Z85-encoded: 40 printable characters per key.
///
/// The secret key is a long-term secret of the process that owns it: keep it in a
/// file readable only by that process and never log it (`description` redacts it).
public struct CurveKeyPair: Sendable, CustomStringConvertible {
    /// The public key, Z85 (40 characters): goes into allow-lists and peers' config.
    public let publicKey: String
    /// The secret key, Z85 (40 characters).
    public let secretKey: String

    /// Wraps an existing pair; both must be 40 Z85 characters decoding to 32 octets.
    public init(publicKey: String, secretKey: String) throws(ZMQError) {
        guard CurveKeyPair.decode(z85: publicKey)?.count == 32 else {
            throw ZMQError("zmq_z85_decode", "public key", code: EINVAL)
        }
        guard CurveKeyPair.decode(z85: secretKey)?.count == 32 else {
            throw ZMQError("zmq_z85_decode", "secret key", code: EINVAL)
        }
        self.publicKey = publicKey
        self.secretKey = secretKey
    }

    /// A fresh random pair.
    public static func generate() throws(ZMQError) -> CurveKeyPair {
        var publicText = [CChar](repeating: 0, count: 41)
        var secretText = [CChar](repeating: 0, count: 41)
        guard zmq_curve_keypair(&publicText, &secretText) == 0 else { throw ZMQError("zmq_curve_keypair") }
        defer { for index in secretText.indices { secretText[index] = 0 } }
        return try CurveKeyPair(publicKey: String(cString: publicText), secretKey: String(cString: secretText))
    }

    /// The public key that belongs to a Z85 secret key.
    public static func publicKey(forSecretKey secretKey: String) throws(ZMQError) -> String {
        var publicText = [CChar](repeating: 0, count: 41)
        guard zmq_curve_public(&publicText, secretKey) == 0 else { throw ZMQError("zmq_curve_public", "secret key") }
        return String(cString: publicText)
    }

    /// The 32 octets of a 40-character Z85 key, or nil if it is not one.
    public static func decode(z85 text: String) -> [UInt8]? {
        guard text.utf8.count == 40 else { return nil }
        return Z85.decode(text)
    }

    /// The Z85 text of a 32-octet key.
    public static func encode(z85 octets: [UInt8]) -> String? {
        guard octets.count == 32 else { return nil }
        return Z85.encode(octets)
    }

    public var description: String { "CurveKeyPair(public: \(publicKey), secret: <redacted>)" }
}
