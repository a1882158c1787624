import HubTestSupport
import HubVocabulary
import Testing
@testable import IKEWire

/// Deterministic random mutations of every vector (bit flips, overwritten, inserted and
/// removed octets): the parser must return or throw, and whatever parses must re-encode
/// to the same octets. A cheap, always-on complement to the libFuzzer target.
@Suite("Mutation robustness")
struct MutationRobustnessTests {

    static func mutate(_ bytes: [UInt8], using generator: inout SplitMix64) -> [UInt8] {
        var mutated = bytes
        for _ in 0..<Int.random(in: 1...4, using: &generator) {
            guard !mutated.isEmpty else { return mutated }
            let index = Int.random(in: 0..<mutated.count, using: &generator)
            switch Int.random(in: 0..<4, using: &generator) {
            case 0: mutated[index] ^= UInt8(1) << UInt8.random(in: 0...7, using: &generator)
            case 1: mutated[index] = UInt8.random(in: .min ... .max, using: &generator)
            case 2: mutated.insert(UInt8.random(in: .min ... .max, using: &generator), at: index)
            default: mutated.remove(at: index)
            }
        }
        return mutated
    }

    @Test(arguments: VectorFile.all)
    func testMutatedVector_neverTrapsAndRoundTripsWhenAccepted(vector: VectorFile) {
        var generator = SplitMix64(seed: UInt64(truncatingIfNeeded: vector.name.utf8.reduce(5381) { $0 &* 33 &+ Int($1) }))
        let original = vector.messageBytes
        var accepted = 0
        for _ in 0..<300 {
            let mutated = Self.mutate(original, using: &generator)
            #expect(IKEWireFuzzing.exercise(mutated), "round trip broken for \(Hex.encode(mutated))")
            if (try? IKEMessage.parse(mutated)) != nil { accepted += 1 }
        }
        // Most mutations that keep the lengths intact still parse (payload bodies are opaque
        // to the structure), so the round trip above is exercised, not only the errors.
        #expect(accepted > 0)
    }
}
