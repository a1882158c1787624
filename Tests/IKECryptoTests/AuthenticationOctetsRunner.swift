import Foundation
import HubVocabulary
@testable import IKECrypto
import Testing

/// RFC 7296 §2.15 signed octets and the shared-key AUTH value. No published AUTH vector
/// with known inputs exists (test-vectors.md §1.3), so MACedID is checked against the
/// RFC 4868 PRF-1 output and the PSK AUTH against the openssl CLI's HMAC.
@Suite struct AuthenticationOctetsRunner {
    static let prfOne = VectorFile.cases("rfc4868-hmac-sha2.txt").first { $0.title == "PRF-1 hmacSHA256" }

    @Test func testSignedOctets_areMessageNonceAndMACedID() throws {
        let vector = try #require(AuthenticationOctetsRunner.prfOne)
        // RFC 4868 PRF-1: prf(0x0b × 20, "Hi There"); used here as SK_pi and RestOfInitIDPayload.
        let message: [UInt8] = Array(0..<80)
        let nonce = [UInt8](repeating: 0x4e, count: 32)
        let octets = try AuthenticationOctets.initiatorSigned(
            realMessage1: message, responderNonce: nonce, prf: .hmacSHA256,
            skPi: vector.secret("key"), restOfInitiatorIDPayload: vector.bytes("data"))
        #expect(octets.bytes == message + nonce + vector.bytes("prf"))
        let responder = try AuthenticationOctets.responderSigned(
            realMessage2: message, initiatorNonce: nonce, prf: .hmacSHA256,
            skPr: vector.secret("key"), restOfResponderIDPayload: vector.bytes("data"))
        #expect(responder == octets)
    }

    @Test(arguments: [("SHA2-256", PseudorandomFunction.hmacSHA256), ("SHA1", .hmacSHA1), ("SHA2-512", .hmacSHA512)])
    func testSharedKeyAUTH_matchesOpenSSLCommandLineHMAC(_ digest: String, _ prf: PseudorandomFunction) throws {
        let directory = try OpenSSLCommandLine.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let secret = Array("correct horse battery staple".utf8)
        let octets = try AuthenticationOctets(
            realMessage: Array(repeating: 0x21, count: 300), peerNonce: Array(repeating: 0x4e, count: 32),
            prf: prf, identityKey: SecretBytes(Array(repeating: 0x11, count: prf.preferredKeyLength)),
            restOfIDPayload: [2, 0, 0, 0] + Array("vpn.example.com".utf8))
        // openssl mac -digest D -macopt hexkey:K -in F HMAC, twice: K' = HMAC(secret, key pad).
        func hmac(key: [UInt8], data: [UInt8]) throws -> [UInt8] {
            try OpenSSLCommandLine.write(data, to: "input", in: directory)
            let output = try OpenSSLCommandLine.run(
                ["mac", "-digest", digest, "-macopt", "hexkey:\(Hex.encode(key))", "-in", "input", "HMAC"], in: directory)
            return try #require(Hex.decode(String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)))
        }
        let expected = try hmac(key: hmac(key: secret, data: SharedKeyAuthentication.keyPad), data: octets.bytes)
        let ours = try SharedKeyAuthentication.authenticationData(secret: SecretBytes(secret), octets: octets, prf: prf)
        #expect(ours == expected)
        #expect(try SharedKeyAuthentication.isValid(authenticationData: expected, secret: SecretBytes(secret),
                                                    octets: octets, prf: prf))
        var wrong = expected
        wrong[wrong.count - 1] ^= 1
        #expect(try !SharedKeyAuthentication.isValid(authenticationData: wrong, secret: SecretBytes(secret),
                                                     octets: octets, prf: prf))
        // A different last octet (appending a zero octet would give the same HMAC key).
        #expect(try !SharedKeyAuthentication.isValid(authenticationData: expected, secret: SecretBytes(secret.dropLast() + [0x21]),
                                                     octets: octets, prf: prf))
    }

    @Test func testKeyPad_isTheSeventeenASCIIOctets() {
        #expect(SharedKeyAuthentication.keyPad.count == 17)
        #expect(Hex.encode(SharedKeyAuthentication.keyPad) == "4b65792050616420666f7220494b457632")
    }
}
