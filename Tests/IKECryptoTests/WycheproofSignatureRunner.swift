import Foundation
import HubVocabulary
@testable import IKECrypto
import Testing

/// Project Wycheproof signature verification vectors through the AUTH payload API: ECDSA
/// P-256/384/521 in IEEE P1363 form as AUTH methods 9/10/11, ECDSA P-256 DER, RSASSA-PKCS1
/// v1.5, RSASSA-PSS (SHA-256, MGF1-SHA-256, salt 32) and Ed25519 as RFC 7427 method 14.
@Suite struct WycheproofSignatureRunner {
    struct File: Decodable {
        let numberOfTests: Int
        let testGroups: [Group]
    }

    struct Group: Decodable {
        let publicKeyDer: String
        let sha: String
        let tests: [Case]
    }

    struct Case: Decodable {
        let tcId: Int
        let comment: String
        let result: String
        let msg: String
        let sig: String
    }

    /// One test with what the AUTH payload carrying it would say.
    struct Vector: CustomTestStringConvertible, Sendable {
        let file: String
        let publicKey: [UInt8]
        let authMethod: UInt8
        let algorithm: SignatureAlgorithm?
        let test: Case
        var testDescription: String { "\(file) tcId \(test.tcId) (\(test.result): \(test.comment))" }
    }

    static func load(_ name: String, authMethod: UInt8, algorithm: SignatureAlgorithm?) -> [Vector] {
        guard let url = Bundle.module.url(forResource: "Vectors/wycheproof/\(name)", withExtension: nil),
              let data = try? Data(contentsOf: url),
              let file = try? JSONDecoder().decode(File.self, from: data) else {
            return []
        }
        return file.testGroups.flatMap { group in
            group.tests.map {
                Vector(file: name, publicKey: Hex.decode(group.publicKeyDer) ?? [], authMethod: authMethod,
                       algorithm: algorithm, test: $0)
            }
        }
    }

    static let vectors =
        load("ecdsa_secp256r1_sha256_p1363_test.json", authMethod: 9, algorithm: nil)
        + load("ecdsa_secp384r1_sha384_p1363_test.json", authMethod: 10, algorithm: nil)
        + load("ecdsa_secp521r1_sha512_p1363_test.json", authMethod: 11, algorithm: nil)
        + load("ecdsa_secp256r1_sha256_test.json", authMethod: 14, algorithm: .ecdsa(.sha256))
        + load("rsa_signature_2048_sha256_test.json", authMethod: 14, algorithm: .rsaPKCS1v15(.sha256))
        + load("rsa_pss_2048_sha256_mgf1_32_test.json", authMethod: 14, algorithm: .rsaPSS(.sha256))
        + load("ed25519_test.json", authMethod: 14, algorithm: .ed25519)

    @Test func testVectorFilesLoaded() {
        #expect(WycheproofSignatureRunner.vectors.count == 262 + 280 + 318 + 484 + 259 + 108 + 151)
    }

    @Test(arguments: vectors)
    func testVerify(_ vector: Vector) throws {
        let publicKey = try PublicKey(subjectPublicKeyInfo: vector.publicKey)
        let signature = Hex.decode(vector.test.sig) ?? []
        var data = signature
        if let identifier = vector.algorithm?.algorithmIdentifier {
            data = [UInt8(identifier.count)] + identifier + signature
        }
        let octets = AuthenticationOctets(bytes: Hex.decode(vector.test.msg) ?? [])
        let outcome = Result { () throws(IKECryptoError) -> SignatureAuthenticationMethod in
            try SignatureAuthentication.verify(authenticationData: data, authMethod: vector.authMethod,
                                               octets: octets, publicKey: publicKey)
        }
        switch (vector.test.result, outcome) {
        case ("valid", .failure(let error)):
            Issue.record("valid signature rejected: \(error)")
        case ("invalid", .success):
            Issue.record("invalid signature accepted")
        default:
            break
        }
    }
}
