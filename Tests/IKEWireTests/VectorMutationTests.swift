import Testing
@testable import IKEWire

/// Hostile variants of every vector: strict prefixes (the UDP form of nio-ssh's
/// `assertCorrectlyManagesPartialRead`) and lying length fields.
@Suite("Vectors: truncation and lying lengths")
struct VectorMutationTests {
    @Test(arguments: VectorFile.all)
    func testEveryStrictPrefix_throwsTruncated(vector: VectorFile) {
        let bytes = vector.messageBytes
        for count in 0..<bytes.count {
            let error = parseError(Array(bytes[0..<count]))
            #expect(error?.isTruncated == true, "prefix of \(count) octets: \(String(describing: error))")
        }
    }

    @Test(arguments: VectorFile.all)
    func testHeaderLengthThatLies_throwsALengthError(vector: VectorFile) {
        let bytes = vector.messageBytes
        for delta in [-1, 1, -28, 1000] {
            var mutated = bytes
            let lying = UInt32(truncatingIfNeeded: bytes.count + delta)
            for index in 0..<4 { mutated[24 + index] = UInt8(truncatingIfNeeded: lying >> (24 - 8 * UInt32(index))) }
            let error = parseError(mutated)
            #expect(error?.isLengthError == true, "header length \(bytes.count + delta): \(String(describing: error))")
        }
    }

    @Test(arguments: VectorFile.all)
    func testPayloadLengthThatLies_throwsALengthError(vector: VectorFile) {
        let bytes = vector.messageBytes
        let offsets = payloadHeaderOffsets(of: bytes)
        #expect(!offsets.isEmpty)
        for offset in offsets {
            let length = Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            for delta in [-1, 1] {
                var mutated = bytes
                let lying = length + delta
                mutated[offset + 2] = UInt8(truncatingIfNeeded: lying >> 8)
                mutated[offset + 3] = UInt8(truncatingIfNeeded: lying)
                let error = parseError(mutated)
                #expect(error?.isLengthError == true,
                        "payload at \(offset) with length \(lying) instead of \(length): \(String(describing: error))")
            }
        }
    }
}
