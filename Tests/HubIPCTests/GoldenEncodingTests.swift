import Foundation
import HubIPC
import SwiftProtobuf
import Testing

/// The frozen v1 encodings (produced by Google's protoc from the `.txtpb`
/// sources, not by our code) must decode with today's decoder.
@Suite struct GoldenEncodingTests {
    @Test(arguments: FixtureFiles.names(in: "v1"))
    func testGoldenEncodingDecodes_whenReadByTodaysDecoder(name: String) throws {
        let bytes = try FixtureFiles.binary("v1", name)
        guard case .envelope(let decoded) = try EnvelopeCodec.decode(bytes) else {
            Issue.record("\(name): not decoded as a v1 envelope")
            return
        }
        let expected = try IPCv1Envelope(textFormatString: FixtureFiles.text("v1", name))
        #expect(decoded == expected, "\(name): decoded fields differ from the fixture source")
        #expect(decoded.body != nil, "\(name): body case not recognised")
        #expect(decoded.unknownFields.data.isEmpty, "\(name): fields left unknown")
        // Re-encoding is byte-exact (both encoders write fields in number order).
        #expect(EnvelopeCodec.encodeVerbatim(decoded) == bytes, "\(name): re-encoding changed the bytes")
    }

    @Test func testEveryBodyCaseHasAGoldenEncoding_whenSchemaDeclaresIt() throws {
        let declared = try FixtureFiles.declaredBodyFieldNumbers()
        #expect(declared.count >= 40, "parsed \(declared.count) body cases from common.proto")
        var covered = Set<Int>()
        for name in FixtureFiles.names(in: "v1") {
            var reader = TopLevelFields(bytes: try FixtureFiles.binary("v1", name))
            covered.formUnion(reader.fieldNumbers().filter { (10...999).contains($0) })
        }
        let missing = declared.subtracting(covered).sorted()
        #expect(missing.isEmpty, "body cases without a golden encoding: \(missing)")
    }
}

/// Field numbers at the top level of an encoded message (test helper).
struct TopLevelFields {
    let bytes: [UInt8]
    var offset = 0

    mutating func fieldNumbers() -> [Int] {
        var numbers: [Int] = []
        while let tag = varint() {
            numbers.append(Int(tag >> 3))
            switch tag & 7 {
            case 0: _ = varint()
            case 1: offset += 8
            case 5: offset += 4
            case 2: offset += Int(varint() ?? 0)
            default: return numbers
            }
        }
        return numbers
    }

    private mutating func varint() -> UInt64? {
        var value: UInt64 = 0, shift: UInt64 = 0
        while offset < bytes.count, shift < 64 {
            let byte = bytes[offset]
            offset += 1
            value |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
        return nil
    }
}
