import HubVocabulary

/// Why a response was dropped (RFC 2865 §3, RFC 3579 §3.2, Blast-RADIUS hardening). Each
/// is counted in `ikehub_radius_responses_dropped_total{reason}`.
public enum RadiusResponseDrop: String, Error, Sendable, CaseIterable, CustomStringConvertible {
    /// Not a RADIUS packet.
    case malformed
    /// The Identifier is not the one of our request (a stray or late reply).
    case identifierMismatch = "identifier-mismatch"
    /// A code that does not answer an Access-Request.
    case unexpectedCode = "unexpected-code"
    /// `MD5(Code+ID+Length+RequestAuth+Attributes+Secret)` does not match.
    case badResponseAuthenticator = "bad-response-authenticator"
    /// No Message-Authenticator: required in every Access-Accept/Reject/Challenge here.
    case missingMessageAuthenticator = "missing-message-authenticator"
    /// The HMAC-MD5 does not match.
    case badMessageAuthenticator = "bad-message-authenticator"

    public var description: String { rawValue }
}

extension RadiusPacket {
    /// The octets of the Message-Authenticator attribute (RFC 3579 §3.2).
    static let messageAuthenticatorType = UInt8(RadiusAttributeType.messageAuthenticator)

    /// An Access-Request ready to send: `attributes` after a Message-Authenticator placed
    /// first (the Blast-RADIUS advice), User-Password hidden with `secret` and the fresh
    /// random Request Authenticator (RFC 2865 §5.2), the HMAC-MD5 filled in last.
    public static func signedAccessRequest(identifier: UInt8, authenticator: [UInt8], attributes: [RadiusAttribute],
                                           secret: SecretBytes) throws(RadiusPacketError) -> (packet: RadiusPacket, bytes: [UInt8]) {
        let key = secret.revealedBytes()
        var raw: [RawAttribute] = [RawAttribute(type: messageAuthenticatorType, value: [UInt8](repeating: 0, count: 16))]
        for attribute in attributes {
            if attribute.vendor == 0, attribute.type == RadiusAttributeType.userPassword, case .bytes(let password) = attribute.value {
                raw.append(RawAttribute(type: UInt8(attribute.type),
                                        value: try hidePassword(password, secret: key, requestAuthenticator: authenticator)))
            } else {
                raw += try attribute.rawAttributes()
            }
        }
        var packet = RadiusPacket(code: .accessRequest, identifier: identifier, authenticator: authenticator, attributes: raw)
        var bytes = try packet.encoded()
        let mac = RadiusCrypto.hmacMD5(key: key, data: bytes)
        // The MA value sits right after the header and its own 2-octet type/length.
        bytes.replaceSubrange(22..<38, with: mac)
        packet.attributes[0].value = mac
        return (packet, bytes)
    }

    /// Checks a response to the Access-Request with `requestIdentifier` and
    /// `requestAuthenticator`: Identifier, code, Response Authenticator and a
    /// Message-Authenticator that must be present and valid (RFC 3579 §3.2: computed over
    /// the packet with the Request Authenticator in place of the Response Authenticator
    /// and the MA value zeroed). Comparisons are constant-time. Returns the packet or why
    /// it must be dropped.
    public static func verifiedAccessResponse(_ bytes: [UInt8], requestIdentifier: UInt8, requestAuthenticator: [UInt8],
                                              secret: SecretBytes) -> Result<RadiusPacket, RadiusResponseDrop> {
        guard let packet = try? decode(bytes) else { return .failure(.malformed) }
        guard packet.identifier == requestIdentifier else { return .failure(.identifierMismatch) }
        guard packet.code == .accessAccept || packet.code == .accessReject || packet.code == .accessChallenge else {
            return .failure(.unexpectedCode)
        }
        let length = Int(bytes[2]) << 8 | Int(bytes[3])
        let key = secret.revealedBytes()
        var signed = Array(bytes[0..<length])
        signed.replaceSubrange(4..<20, with: requestAuthenticator)
        let expected = RadiusCrypto.md5(signed, key)
        guard constantTimeEquals(expected, packet.authenticator) else { return .failure(.badResponseAuthenticator) }
        // Find the MA attribute's offset in the packet to zero its value for the HMAC.
        var offset = minimumLength
        var found: (offset: Int, value: [UInt8])?
        while offset + 2 <= length {
            let attributeLength = Int(signed[offset + 1])
            if signed[offset] == messageAuthenticatorType {
                guard attributeLength == 18, found == nil else { return .failure(.badMessageAuthenticator) }
                found = (offset, Array(signed[(offset + 2)..<(offset + 18)]))
            }
            offset += attributeLength
        }
        guard let found else { return .failure(.missingMessageAuthenticator) }
        signed.replaceSubrange((found.offset + 2)..<(found.offset + 18), with: [UInt8](repeating: 0, count: 16))
        guard constantTimeEquals(RadiusCrypto.hmacMD5(key: key, data: signed), found.value) else {
            return .failure(.badMessageAuthenticator)
        }
        return .success(packet)
    }

    // MARK: - Hidden and salt-encrypted values

    /// RFC 2865 §5.2 User-Password hiding: NUL-pad to a multiple of 16 (at most 128),
    /// `c(i) = p(i) ⊕ MD5(S + c(i-1))` with `c(0)` = the Request Authenticator.
    public static func hidePassword(_ password: [UInt8], secret: [UInt8], requestAuthenticator: [UInt8]) throws(RadiusPacketError) -> [UInt8] {
        guard !password.isEmpty, password.count <= 128 else {
            throw .invalid(field: "User-Password", reason: "\(password.count) octets, need 1-128")
        }
        var padded = password
        padded += [UInt8](repeating: 0, count: (16 - padded.count % 16) % 16)
        return chain(padded, secret: secret, seed: requestAuthenticator, decrypt: false)
    }

    /// RFC 2548 §2.4.2 / RFC 2868 §3.5 salt encryption: `value` = Salt(2, MSB set) +
    /// String, `b(1) = MD5(S + R + A)`; the plaintext is Length(1) + data + padding.
    /// `R` is the Request Authenticator of the Access-Request the packet answers.
    public static func saltDecrypt(_ value: [UInt8], secret: [UInt8], requestAuthenticator: [UInt8],
                                   attribute: String) throws(RadiusPacketError) -> SecretBytes {
        guard value.count >= 18, (value.count - 2) % 16 == 0 else {
            throw .invalid(field: attribute, reason: "salt-encrypted value of \(value.count) octets (need 2 + 16·n)")
        }
        guard value[0] & 0x80 != 0 else { throw .invalid(field: attribute, reason: "salt without its most significant bit set") }
        let salt = Array(value[0..<2])
        var plain = chain(Array(value[2...]), secret: secret, seed: requestAuthenticator + salt, decrypt: true)
        defer { for index in plain.indices { plain[index] = 0 } }
        let length = Int(plain[0])
        guard length <= plain.count - 1 else {
            throw .invalid(field: attribute, reason: "decrypted length \(length) exceeds the \(plain.count - 1) octets carried (wrong secret?)")
        }
        return SecretBytes(plain[1...length])
    }

    /// The inverse of `saltDecrypt` (the server side; for tests and DAE).
    public static func saltEncrypt(_ plaintext: [UInt8], salt: [UInt8], secret: [UInt8], requestAuthenticator: [UInt8]) -> [UInt8] {
        precondition(salt.count == 2 && salt[0] & 0x80 != 0 && plaintext.count < 256)
        var padded = [UInt8(plaintext.count)] + plaintext
        padded += [UInt8](repeating: 0, count: (16 - padded.count % 16) % 16)
        return salt + chain(padded, secret: secret, seed: requestAuthenticator + salt, decrypt: false)
    }

    /// The MD5 chain shared by both algorithms: `b(1) = MD5(S + seed)`, then
    /// `b(i) = MD5(S + c(i-1))`, with `c` the cipher text blocks.
    private static func chain(_ input: [UInt8], secret: [UInt8], seed: [UInt8], decrypt: Bool) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: input.count)
        var previous = seed
        var block = 0
        while block * 16 < input.count {
            let pad = RadiusCrypto.md5(secret, previous)
            let range = (block * 16)..<(block * 16 + 16)
            for index in range { output[index] = input[index] ^ pad[index - block * 16] }
            previous = decrypt ? Array(input[range]) : Array(output[range])
            block += 1
        }
        return output
    }
}
