import Testing
import HubTestSupport
@testable import TunnelManager

/// Virtual-access numbers: the lowest free one, as IOS numbers them, without a scan.
struct VirtualAccessNumberingTests {
    @Test func testLowest_startsAtOne_andFillsTheLowestGapFirst() {
        var numbering = VirtualAccessNumbering()
        #expect(numbering.lowest == 1)
        for number: UInt32 in 1...5 { numbering.use(number) }
        #expect(numbering.lowest == 6)
        numbering.release(4)
        numbering.release(2)
        #expect(numbering.lowest == 2)
        numbering.use(2)
        #expect(numbering.lowest == 4)
        numbering.use(4)
        #expect(numbering.lowest == 6)
    }

    @Test func testUse_aboveTheHighest_leavesTheSkippedNumbersFree() {
        var numbering = VirtualAccessNumbering()
        numbering.use(1)
        numbering.use(5)  // restored from the state store
        #expect(numbering.lowest == 2)
        numbering.use(2); numbering.use(3)
        #expect(numbering.lowest == 4)
        numbering.use(4)
        #expect(numbering.lowest == 6)
    }

    @Test func testReleaseTwice_andUseOfAFreedNumberOutOfOrder_keepOneEntryEach() {
        var numbering = VirtualAccessNumbering()
        for number: UInt32 in 1...4 { numbering.use(number) }
        numbering.release(3); numbering.release(3); numbering.release(1)
        numbering.use(3)
        #expect(numbering.lowest == 1)
        numbering.use(1)
        #expect(numbering.lowest == 5)
    }

    /// The same answers as the scan it replaces, over a seeded random sequence.
    @Test func testAgreesWithAScanFromOne_overRandomUseAndRelease() {
        var numbering = VirtualAccessNumbering()
        var used = Set<UInt32>()
        var random = SplitMix64(seed: 0x1b4e_2026)
        for _ in 0..<5_000 {
            let scan = (1...UInt32.max).first { !used.contains($0) }
            #expect(numbering.lowest == scan)
            if random.next() % 3 == 0, let victim = used.randomElement(using: &random) {
                used.remove(victim)
                numbering.release(victim)
            } else if let next = numbering.lowest {
                used.insert(next)
                numbering.use(next)
            }
        }
    }
}
