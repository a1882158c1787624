import Foundation
import Testing
@testable import IKEWire

/// Every file in `Crashers/` goes through the fuzz entry point: an error is fine, a trap
/// or a broken round trip is not.
@Suite("Fuzzer crashers")
struct CrasherTests {
    struct Input: CustomTestStringConvertible, Sendable {
        let name: String
        let bytes: [UInt8]
        var testDescription: String { name }
    }

    static let inputs: [Input] = {
        guard let directory = Bundle.module.url(forResource: "Crashers", withExtension: nil),
              let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return [] }
        return names.filter { !$0.hasSuffix(".md") }.sorted().compactMap { name in
            guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path) else { return nil }
            return Input(name: name, bytes: Array(data))
        }
    }()

    @Test func testCrasherDirectory_isBundled() {
        #expect(Self.inputs.count >= 10)
    }

    @Test(arguments: inputs)
    func testCrasher_isHandledWithoutTrapping(input: Input) {
        #expect(IKEWireFuzzing.exercise(input.bytes))
    }

    @Test(arguments: VectorFile.all)
    func testFuzzEntry_acceptsEveryVector(vector: VectorFile) {
        #expect(IKEWireFuzzing.exercise(vector.messageBytes))
        #expect(IKEWireFuzzing.exercise(vector.bytes))
    }
}
