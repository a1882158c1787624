import HubVocabulary
import IKECrypto
import Testing

/// FIPS 180-2 Appendix A.1 / B.1 ("abc") and the two-block message of A.2 / B.2.
@Suite struct MessageDigestTests {
    @Test func testSHA1_whenHashingFIPS180Vectors() throws {
        #expect(try MessageDigest.sha1.hash([Array("abc".utf8)]) == Hex.decode("a9993e364706816aba3e25717850c26c9cd0d89d"))
        let twoBlocks = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        #expect(try MessageDigest.sha1.hash([Array(twoBlocks[0..<10]), Array(twoBlocks[10...])])
                == Hex.decode("84983e441c3bd26ebaae4aa1f95129e5e54670f1"))
    }

    @Test func testSHA256_whenHashingFIPS180Vectors() throws {
        #expect(try MessageDigest.sha256.hash([Array("abc".utf8)])
                == Hex.decode("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"))
    }
}
