import Foundation
import HubVocabulary
@testable import IKECrypto
import Testing

/// Complete AUTH payload values with every input published (the Android IKE library's
/// tests): a PSK AUTH (method 2) and a deterministic RFC 7427 RSA-SHA256 AUTH (method 14).
@Suite struct AuthPayloadRunner {
    static let vectors = VectorFile.cases("aosp-ike-auth.txt")

    static func file(_ relativePath: String) throws -> [UInt8] {
        let url = try #require(Bundle.module.url(forResource: "Vectors/\(relativePath)", withExtension: nil))
        return Array(try Data(contentsOf: url))
    }

    static func octets(_ vector: VectorCase) throws -> AuthenticationOctets {
        let prf = try #require(PseudorandomFunction.named(vector.string("prf")))
        return try AuthenticationOctets(realMessage: vector.bytes("real_message"), peerNonce: vector.bytes("peer_nonce"),
                                        prf: prf, identityKey: vector.secret("sk_p"),
                                        restOfIDPayload: vector.bytes("rest_of_id_payload"))
    }

    @Test func testVectorFileLoaded() {
        #expect(AuthPayloadRunner.vectors.count == 2)
    }

    @Test func testSharedKeyAUTH_matchesPublishedValue() throws {
        let vector = try #require(AuthPayloadRunner.vectors.first { $0.title.hasPrefix("PSK") })
        let body = vector.bytes("auth_payload_body")
        #expect(body.first == 2)
        let published = Array(body.dropFirst(4))
        let octets = try AuthPayloadRunner.octets(vector)
        let ours = try SharedKeyAuthentication.authenticationData(secret: vector.secret("secret"), octets: octets,
                                                                  prf: .hmacSHA1)
        #expect(ours == published)
        // RFC 7296 §2.15: the nonce is covered; another nonce gives another AUTH.
        var otherNonce = vector.bytes("peer_nonce")
        otherNonce[0] &+= 1
        let otherOctets = try AuthenticationOctets(realMessage: vector.bytes("real_message"), peerNonce: otherNonce,
                                                   prf: .hmacSHA1, identityKey: vector.secret("sk_p"),
                                                   restOfIDPayload: vector.bytes("rest_of_id_payload"))
        #expect(try !SharedKeyAuthentication.isValid(authenticationData: published, secret: vector.secret("secret"),
                                                     octets: otherOctets, prf: .hmacSHA1))
    }

    @Test func testRSASignatureAUTH_signsToAndVerifiesThePublishedValue() throws {
        let vector = try #require(AuthPayloadRunner.vectors.first { $0.title.hasPrefix("RFC 7427") })
        let body = vector.bytes("auth_payload_body")
        #expect(body.first == 14)
        let published = Array(body.dropFirst(4))
        let octets = try AuthPayloadRunner.octets(vector)
        // RSASSA-PKCS1-v1_5 is deterministic, so signing must reproduce the published octets.
        let key = try PrivateKey(pemEncoded: AuthPayloadRunner.file(vector.string("private_key_file")))
        let ours = try SignatureAuthentication.authenticationData(signing: octets, with: key,
                                                                  method: .digitalSignature(.rsaPKCS1v15(.sha256)))
        #expect(ours == published)
        let certificate = try PublicKey(certificatePEM: AuthPayloadRunner.file(vector.string("certificate_file")))
        #expect(try SignatureAuthentication.verify(authenticationData: published, authMethod: 14, octets: octets,
                                                   publicKey: certificate) == .digitalSignature(.rsaPKCS1v15(.sha256)))
        let other = try PublicKey(certificatePEM: AuthPayloadRunner.file(vector.string("other_certificate_file")))
        #expect(throws: IKECryptoError.signatureVerificationFailed) {
            try SignatureAuthentication.verify(authenticationData: published, authMethod: 14, octets: octets,
                                               publicKey: other)
        }
    }
}
