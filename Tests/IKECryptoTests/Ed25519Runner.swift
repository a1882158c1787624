import Foundation
import HubVocabulary
@testable import IKECrypto
import Testing

/// RFC 8032 §7.1 Ed25519 vectors through RFC 8420 AUTH (method 14), and interoperation
/// with the openssl command-line tool (`pkeyutl -rawin`).
@Suite struct Ed25519Runner {
    static let vectors = VectorFile.cases("rfc8032-ed25519.txt")

    /// PKCS#8 PrivateKeyInfo for an Ed25519 seed (RFC 8410 §7).
    static func privateKeyDER(seed: [UInt8]) -> [UInt8] {
        [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20] + seed
    }

    /// SubjectPublicKeyInfo for an Ed25519 public key (RFC 8410 §4).
    static func publicKeyDER(_ key: [UInt8]) -> [UInt8] {
        [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00] + key
    }

    @Test func testVectorFileLoaded() {
        #expect(Ed25519Runner.vectors.count == 2)
    }

    @Test(arguments: vectors)
    func testSignAndVerify_matchRFC8032(_ vector: VectorCase) throws {
        let privateKey = try PrivateKey(derEncoded: Ed25519Runner.privateKeyDER(seed: vector.bytes("secret")))
        #expect(privateKey.kind == .ed25519)
        let publicKey = try PublicKey(subjectPublicKeyInfo: Ed25519Runner.publicKeyDER(vector.bytes("public")))
        #expect(try privateKey.publicKey.subjectPublicKeyInfo == publicKey.subjectPublicKeyInfo)
        let octets = AuthenticationOctets(bytes: vector.bytes("message"))
        let data = try SignatureAuthentication.authenticationData(signing: octets, with: privateKey,
                                                                  method: .digitalSignature(.ed25519))
        let identifier: [UInt8] = [0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70]   // ikev2-numbers.md §6.2
        #expect(data == [7] + identifier + vector.bytes("signature"))
        #expect(try SignatureAuthentication.verify(authenticationData: data, authMethod: 14, octets: octets,
                                                   publicKey: publicKey) == .digitalSignature(.ed25519))
        #expect(throws: IKECryptoError.signatureVerificationFailed) {
            try SignatureAuthentication.verify(authenticationData: data, authMethod: 14,
                                               octets: AuthenticationOctets(bytes: vector.bytes("message") + [1]),
                                               publicKey: publicKey)
        }
    }

    @Test func testEd25519_interoperatesWithOpenSSLCommandLine() throws {
        let directory = try OpenSSLCommandLine.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try OpenSSLCommandLine.run(["genpkey", "-algorithm", "ED25519", "-out", "ed.pem"], in: directory)
        try OpenSSLCommandLine.run(["pkey", "-in", "ed.pem", "-pubout", "-out", "ed.pub"], in: directory)
        let message = Array("IKE_SA_INIT | Nr | MACedID".utf8)
        try OpenSSLCommandLine.write(message, to: "octets", in: directory)
        try OpenSSLCommandLine.run(["pkeyutl", "-sign", "-rawin", "-inkey", "ed.pem", "-in", "octets", "-out", "cli.sig"],
                                   in: directory)
        let publicKey = try PublicKey(pemEncoded: OpenSSLCommandLine.read("ed.pub", in: directory))
        let identifier = try #require(SignatureAlgorithm.ed25519.algorithmIdentifier)
        let cliData = [UInt8(identifier.count)] + identifier + (try OpenSSLCommandLine.read("cli.sig", in: directory))
        #expect(try SignatureAuthentication.verify(authenticationData: cliData, authMethod: 14,
                                                   octets: AuthenticationOctets(bytes: message),
                                                   publicKey: publicKey) == .digitalSignature(.ed25519))
        // Ours, checked by the CLI; an RSA method with this key is refused.
        let privateKey = try PrivateKey(pemFile: directory.appendingPathComponent("ed.pem").path)
        let data = try SignatureAuthentication.authenticationData(signing: AuthenticationOctets(bytes: message),
                                                                  with: privateKey, method: .digitalSignature(.ed25519))
        try OpenSSLCommandLine.write(Array(data.dropFirst(1 + identifier.count)), to: "ours.sig", in: directory)
        let output = try OpenSSLCommandLine.run(["pkeyutl", "-verify", "-rawin", "-pubin", "-inkey", "ed.pub",
                                                 "-in", "octets", "-sigfile", "ours.sig"], in: directory)
        #expect(String(decoding: output, as: UTF8.self).contains("Signature Verified Successfully"))
        #expect(throws: IKECryptoError.self) {
            _ = try SignatureAuthentication.authenticationData(signing: AuthenticationOctets(bytes: message),
                                                               with: privateKey, method: .rsaDigitalSignature)
        }
    }
}
