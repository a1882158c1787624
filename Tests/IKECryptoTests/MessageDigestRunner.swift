import Foundation
import HubVocabulary
import IKECrypto
import Testing

/// FIPS 180-2 SHA examples, and the NAT detection hash against the openssl CLI.
@Suite struct MessageDigestRunner {
    static let vectors = VectorFile.cases("fips180-sha.txt")

    @Test func testVectorFileLoaded() {
        #expect(MessageDigestRunner.vectors.count == 6)
    }

    @Test(arguments: vectors)
    func testHash_matchesFIPS180Example(_ vector: VectorCase) throws {
        let digest = try #require(MessageDigest.allCases.first { "\($0)" == vector.string("digest") })
        let message = vector.bytes("message")
        #expect(try digest.hash(message) == vector.bytes("hash"))
        // Split input gives the same hash.
        #expect(try digest.hash(Array(message.prefix(1)), [], Array(message.dropFirst())) == vector.bytes("hash"))
    }

    @Test func testNATDetectionHash_isSHA1OfSPIsAddressAndPort() throws {
        let spiI = IKESPI(0x0102_0304_0506_0708)
        let address = try #require(IPAddress("198.51.100.7"))
        let ours = try NATDetection.hash(initiatorSPI: spiI, responderSPI: .zero, address: address, port: 4500)
        let directory = try OpenSSLCommandLine.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try OpenSSLCommandLine.write(spiI.bytes + [UInt8](repeating: 0, count: 8) + [198, 51, 100, 7, 0x11, 0x94],
                                     to: "natd", in: directory)
        let output = try OpenSSLCommandLine.run(["dgst", "-sha1", "-binary", "natd"], in: directory)
        #expect(ours == output)
        #expect(ours.count == 20)
    }
}
