import HubTestSupport
import Testing
@testable import FlexConfig

/// `parse(show(x)) == x` over generated configurations: random sub-configurations of the
/// full headend fixture (whole global blocks kept or dropped, leaf lines of the kept ones
/// dropped), so that models the fixtures never spell out — a profile without its keyring, a
/// policy with half its attributes, references left dangling — go through the printer too.
struct RandomModelPropertyTests {

    /// The fixture's global blocks: a line at column 0 and the indented lines under it.
    static func blocks(_ text: String) -> [[Substring]] {
        var blocks: [[Substring]] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if let first = line.first, first != " ", first != "!" || blocks.isEmpty { blocks.append([line]) }
            else if !blocks.isEmpty { blocks[blocks.count - 1].append(line) }
        }
        return blocks
    }

    static func indentation(_ line: Substring) -> Int { line.prefix { $0 == " " }.count }

    /// Keeps each block with probability 3/4 and, in a kept block, drops each leaf line
    /// (one no deeper line depends on) with probability 1/4; banners stay whole.
    static func sample(_ blocks: [[Substring]], seed: UInt64) -> String {
        var random = SplitMix64(seed: seed)
        var lines: [Substring] = []
        for block in blocks where Int.random(in: 0..<4, using: &random) != 0 {
            lines.append(block[0])
            let multiLine = block.contains { $0.contains("banner") }
            for index in block.indices.dropFirst() {
                let isLeaf = index + 1 == block.endIndex || indentation(block[index + 1]) <= indentation(block[index])
                if !multiLine, isLeaf, Int.random(in: 0..<4, using: &random) == 0 { continue }
                lines.append(block[index])
            }
        }
        return lines.joined(separator: "\n")
    }

    @Test(arguments: 0..<200)
    func testShowThenParseGivesTheSameModel_whenARandomSubConfigurationIsLoaded(seed: UInt64) throws {
        let text = Self.sample(Self.blocks(try Fixture.text("headend-full.cfg")), seed: seed)
        let original = FlexConfig.load(text: text, file: "random-\(seed).cfg")
        let shown = FlexConfig.show(original.configuration)
        let reparsed = FlexConfig.load(text: shown, file: "shown-\(seed).cfg")
        #expect(reparsed.configuration == original.configuration, "seed \(seed):\n\(text)")
        #expect(FlexConfig.show(reparsed.configuration) == shown, "seed \(seed)")
    }

    @Test func testTheSamplesDiffer_soThePropertySeesManyModels() throws {
        let blocks = Self.blocks(try Fixture.text("headend-full.cfg"))
        #expect(blocks.count > 40)
        let samples = Set((0..<50).map { Self.sample(blocks, seed: $0) })
        #expect(samples.count == 50)
    }
}
