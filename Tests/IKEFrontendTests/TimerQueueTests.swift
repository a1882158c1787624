import Testing
import HubTestSupport
import IKEExchanges
import HubVocabulary
@testable import IKEFrontend

/// The frontend's timer heap: earliest deadline first, ties in the order set.
struct TimerQueueTests {
    static func timer(_ spi: UInt64, at milliseconds: Int64, _ kind: IKETimer.Kind = .deadPeerDetection) -> IKETimer {
        IKETimer(localSPI: IKESPI(spi), kind: kind, deadline: MonotonicTime(milliseconds: milliseconds))
    }

    @Test func testPopDue_returnsOnlyTimersDueAtNow_earliestFirst() {
        var queue = TimerQueue()
        queue.insert(Self.timer(1, at: 300))
        queue.insert(Self.timer(2, at: 100))
        queue.insert(Self.timer(3, at: 200))
        #expect(queue.earliestDeadline == MonotonicTime(milliseconds: 100))
        #expect(queue.popDue(at: MonotonicTime(milliseconds: 99)) == nil)
        #expect(queue.popDue(at: MonotonicTime(milliseconds: 250))?.localSPI == IKESPI(2))
        #expect(queue.popDue(at: MonotonicTime(milliseconds: 250))?.localSPI == IKESPI(3))
        #expect(queue.popDue(at: MonotonicTime(milliseconds: 250)) == nil)
        #expect(queue.count == 1)
    }

    @Test func testEqualDeadlines_fireInTheOrderTheyWereSet() {
        var queue = TimerQueue()
        for spi: UInt64 in 1...20 { queue.insert(Self.timer(spi, at: 50)) }
        let fired = (0..<20).compactMap { _ in queue.popDue(at: MonotonicTime(milliseconds: 50))?.localSPI }
        #expect(fired == (1...20).map { IKESPI($0) })
    }

    @Test func testSeededRandomDeadlines_comeOutSorted() {
        var queue = TimerQueue()
        var random = SplitMix64(seed: 0x7137_2026)
        let deadlines = (0..<2_000).map { _ in Int64(random.next() % 100_000) }
        for (index, deadline) in deadlines.enumerated() { queue.insert(Self.timer(UInt64(index), at: deadline)) }
        var out: [Int64] = []
        while let timer = queue.popDue(at: MonotonicTime(milliseconds: .max)) { out.append(timer.deadline.milliseconds) }
        #expect(out == deadlines.sorted())
        #expect(queue.earliestDeadline == nil)
    }
}
