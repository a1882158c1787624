import IKECrypto
internal import COpenSSL

/// The EAP peer side, for the tests and `ikehub-bench auth`: EAP-MD5 (RFC 3748 §5.4) and
/// EAP-MSCHAPv2 (draft-kamath-pppext-eap-mschapv2, RFC 2759 / RFC 3079 arithmetic),
/// checked against the RFC 2759 §9.2 vectors in `EAPClientMethodTests`.
public enum EAPPeer {
    public static func packet(code: UInt8, identifier: UInt8, type: UInt8, data: [UInt8]) -> [UInt8] {
        let length = 5 + data.count
        return [code, identifier, UInt8(length >> 8), UInt8(length & 0xff), type] + data
    }

    public static func identity(_ name: String, identifier: UInt8 = 0) -> [UInt8] {
        packet(code: 2, identifier: identifier, type: 1, data: Array(name.utf8))
    }

    /// EAP-Response/MD5-Challenge for an EAP-Request/MD5-Challenge: MD5(id ‖ secret ‖ challenge).
    public static func md5Response(to request: [UInt8], password: String) -> [UInt8] {
        precondition(request.count >= 6 && request[4] == 4)
        let size = Int(request[5])
        let challenge = Array(request[6..<(6 + size)])
        let hash = md5([request[1]] + Array(password.utf8) + challenge)
        return packet(code: 2, identifier: request[1], type: 4, data: [16] + hash)
    }

    /// EAP-Response/Nak asking for `type` (RFC 3748 §5.3.1).
    public static func nak(to request: [UInt8], wanting type: UInt8) -> [UInt8] {
        packet(code: 2, identifier: request[1], type: 3, data: [type])
    }

    // MARK: - MSCHAPv2

    /// The MSCHAPv2 Response to a Challenge request (type 26, OpCode 1).
    public static func mschapv2Response(to request: [UInt8], user: String, password: String, peerChallenge: [UInt8]) -> (packet: [UInt8], ntResponse: [UInt8]) {
        precondition(request.count >= 26 && request[4] == 26 && request[5] == 1 && request[9] == 16)
        let msID = request[6]
        let authenticatorChallenge = Array(request[10..<26])
        let nt = ntResponse(authenticatorChallenge: authenticatorChallenge, peerChallenge: peerChallenge, user: user, password: password)
        let value = peerChallenge + [UInt8](repeating: 0, count: 8) + nt + [0]
        let msLength = 4 + 1 + value.count + user.utf8.count
        let data: [UInt8] = [2, msID, UInt8(msLength >> 8), UInt8(msLength & 0xff), UInt8(value.count)] + value + Array(user.utf8)
        return (packet(code: 2, identifier: request[1], type: 26, data: data), nt)
    }

    /// The Success response (OpCode 3) to the server's Success request.
    public static func mschapv2SuccessAck(to request: [UInt8]) -> [UInt8] {
        packet(code: 2, identifier: request[1], type: 26, data: [3])
    }

    public static func ntResponse(authenticatorChallenge: [UInt8], peerChallenge: [UInt8], user: String, password: String) -> [UInt8] {
        let challenge = Array(try! MessageDigest.sha1.hash(peerChallenge, authenticatorChallenge, Array(user.utf8)).prefix(8))
        let hash = passwordHash(password) + [UInt8](repeating: 0, count: 5)
        return (0..<3).flatMap { des(key: Array(hash[($0 * 7)..<($0 * 7 + 7)]), block: challenge) }
    }

    public static func passwordHash(_ password: String) -> [UInt8] {
        MD4.hash(password.utf16.flatMap { [UInt8($0 & 0xff), UInt8($0 >> 8)] })
    }

    /// RFC 3079 §3.3-3.4: the 16-octet MasterReceiveKey ‖ MasterSendKey of the server
    /// (= MS-MPPE-Recv-Key ‖ MS-MPPE-Send-Key), then 32 zeros: the MSK (64 octets).
    public static func msk(password: String, ntResponse: [UInt8]) -> [UInt8] {
        let hashHash = MD4.hash(passwordHash(password))
        let magic1 = Array("This is the MPPE Master Key".utf8)
        let masterKey = Array(try! MessageDigest.sha1.hash(hashHash, ntResponse, magic1).prefix(16))
        let magic2 = Array("On the client side, this is the send key; on the server side, it is the receive key.".utf8)
        let magic3 = Array("On the client side, this is the receive key; on the server side, it is the send key.".utf8)
        func start(_ magic: [UInt8]) -> [UInt8] {
            Array(try! MessageDigest.sha1.hash(masterKey, [UInt8](repeating: 0, count: 40), magic, [UInt8](repeating: 0xf2, count: 40)).prefix(16))
        }
        return start(magic2) + start(magic3) + [UInt8](repeating: 0, count: 32)
    }

    /// MD5 (RFC 1321) of `message`, for the EAP-MD5 response.
    static func md5(_ message: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 16)
        var length: UInt32 = 0
        let md = EVP_MD_fetch(nil, "MD5", nil)!
        defer { EVP_MD_free(md) }
        precondition(EVP_Digest(message, message.count, &digest, &length, md, nil) == 1 && length == 16)
        return digest
    }

    /// Single DES-ECB of one block with a 56-bit key (RFC 2759 §8.6 key expansion), as
    /// 3DES-EDE with K1 = K2 = K3 (OpenSSL 3's default provider has no single DES).
    static func des(key seven: [UInt8], block: [UInt8]) -> [UInt8] {
        var key = [UInt8](repeating: 0, count: 8)
        var bits = seven.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        for index in (0..<8).reversed() {
            key[index] = UInt8(truncatingIfNeeded: (bits & 0x7f) << 1)
            bits >>= 7
        }
        let triple = key + key + key
        var output = [UInt8](repeating: 0, count: 16)
        var written: Int32 = 0
        let context = EVP_CIPHER_CTX_new()!
        defer { EVP_CIPHER_CTX_free(context) }
        let cipher = EVP_CIPHER_fetch(nil, "DES-EDE3-ECB", nil)!
        defer { EVP_CIPHER_free(cipher) }
        precondition(EVP_EncryptInit_ex2(context, cipher, triple, nil, nil) == 1)
        EVP_CIPHER_CTX_set_padding(context, 0)
        precondition(EVP_EncryptUpdate(context, &output, &written, block, 8) == 1 && written == 8)
        return Array(output.prefix(8))
    }
}

/// MD4 (RFC 1320), for the MSCHAPv2 password hash (OpenSSL 3 keeps MD4 in its legacy
/// provider only).
public enum MD4 {
    public static func hash(_ message: [UInt8]) -> [UInt8] {
        var data = message + [0x80]
        while data.count % 64 != 56 { data.append(0) }
        let bitLength = UInt64(message.count) * 8
        for index in 0..<8 { data.append(UInt8(truncatingIfNeeded: bitLength >> (8 * index))) }
        var a: UInt32 = 0x67452301, b: UInt32 = 0xefcdab89, c: UInt32 = 0x98badcfe, d: UInt32 = 0x10325476
        func rotate(_ x: UInt32, _ n: UInt32) -> UInt32 { (x << n) | (x >> (32 - n)) }
        for chunk in stride(from: 0, to: data.count, by: 64) {
            let x = (0..<16).map { i in
                (0..<4).reduce(UInt32(0)) { $0 | UInt32(data[chunk + i * 4 + $1]) << (8 * UInt32($1)) }
            }
            let (aa, bb, cc, dd) = (a, b, c, d)
            let f = { (x: UInt32, y: UInt32, z: UInt32) in (x & y) | (~x & z) }
            let g = { (x: UInt32, y: UInt32, z: UInt32) in (x & y) | (x & z) | (y & z) }
            let h = { (x: UInt32, y: UInt32, z: UInt32) in x ^ y ^ z }
            for i in [0, 4, 8, 12] {
                a = rotate(a &+ f(b, c, d) &+ x[i], 3)
                d = rotate(d &+ f(a, b, c) &+ x[i + 1], 7)
                c = rotate(c &+ f(d, a, b) &+ x[i + 2], 11)
                b = rotate(b &+ f(c, d, a) &+ x[i + 3], 19)
            }
            for i in [0, 1, 2, 3] {
                a = rotate(a &+ g(b, c, d) &+ x[i] &+ 0x5a827999, 3)
                d = rotate(d &+ g(a, b, c) &+ x[i + 4] &+ 0x5a827999, 5)
                c = rotate(c &+ g(d, a, b) &+ x[i + 8] &+ 0x5a827999, 9)
                b = rotate(b &+ g(c, d, a) &+ x[i + 12] &+ 0x5a827999, 13)
            }
            for i in [0, 2, 1, 3] {
                a = rotate(a &+ h(b, c, d) &+ x[i] &+ 0x6ed9eba1, 3)
                d = rotate(d &+ h(a, b, c) &+ x[i + 8] &+ 0x6ed9eba1, 9)
                c = rotate(c &+ h(d, a, b) &+ x[i + 4] &+ 0x6ed9eba1, 11)
                b = rotate(b &+ h(c, d, a) &+ x[i + 12] &+ 0x6ed9eba1, 15)
            }
            a = a &+ aa; b = b &+ bb; c = c &+ cc; d = d &+ dd
        }
        return [a, b, c, d].flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> (8 * $0)) } }
    }
}
