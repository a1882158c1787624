import HubVocabulary
@testable import IKECrypto
import Testing

/// RFC 2202 (HMAC-SHA-1) and RFC 4868 (HMAC-SHA-256/384/512) as PRFs and truncated INTEGs.
@Suite struct HMACRunner {
    static let vectors = VectorFile.cases("rfc2202-hmac-sha1.txt") + VectorFile.cases("rfc4868-hmac-sha2.txt")

    @Test func testVectorFilesLoaded() {
        #expect(HMACRunner.vectors.count == 31)
    }

    @Test(arguments: vectors.filter { $0.has("prf") })
    func testPRFOutput_matchesPublishedValue(_ vector: VectorCase) throws {
        let prf = try #require(PseudorandomFunction.named(vector.string("algorithm")))
        #expect(try prf.compute(key: vector.bytes("key"), data: vector.bytes("data")) == vector.bytes("prf"))
        #expect(try prf.compute(key: vector.secret("key"), data: vector.bytes("data")) == vector.secret("prf"))
    }

    @Test(arguments: vectors.filter { $0.has("icv") })
    func testTruncatedICV_matchesPublishedValue(_ vector: VectorCase) throws {
        let integrity = try #require(IntegrityAlgorithm.named(vector.string("integrity")))
        let mac = try vector.bytes("key").withBytes { (key) throws(IKECryptoError) in try integrity.makeMAC(key: key) }
        let tag = try mac.tag([.bytes(vector.bytes("data"))])
        #expect(Array(tag.prefix(integrity.icvLength)) == vector.bytes("icv"))
    }

    @Test func testIntegrityKey_mustHaveExactLength() {
        #expect(throws: IKECryptoError.invalidKeyLength(algorithm: "AUTH_HMAC_SHA2_256_128", expected: 32, actual: 20)) {
            try [UInt8](repeating: 0x0b, count: 20).withBytes { (key) throws(IKECryptoError) in
                _ = try IntegrityAlgorithm.hmacSHA256_128.makeMAC(key: key)
            }
        }
    }
}

extension PseudorandomFunction {
    static func named(_ name: String) -> PseudorandomFunction? {
        allCases.first { "\($0)" == name || String(describing: $0) == name || $0.caseName == name }
    }

    var caseName: String {
        switch self {
        case .hmacSHA1: "hmacSHA1"
        case .aes128XCBC: "aes128XCBC"
        case .hmacSHA256: "hmacSHA256"
        case .hmacSHA384: "hmacSHA384"
        case .hmacSHA512: "hmacSHA512"
        case .aes128CMAC: "aes128CMAC"
        }
    }
}

extension IntegrityAlgorithm {
    static func named(_ name: String) -> IntegrityAlgorithm? {
        allCases.first { $0.caseName == name }
    }

    var caseName: String {
        switch self {
        case .hmacSHA1_96: "hmacSHA1_96"
        case .aesXCBC96: "aesXCBC96"
        case .aesCMAC96: "aesCMAC96"
        case .hmacSHA256_128: "hmacSHA256_128"
        case .hmacSHA384_192: "hmacSHA384_192"
        case .hmacSHA512_256: "hmacSHA512_256"
        }
    }
}
