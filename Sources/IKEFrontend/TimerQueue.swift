import HubVocabulary
import IKEExchanges

/// The engine's pending timers, earliest first: a binary min-heap, so the frontend keeps
/// one sleeping task for all of them instead of one task per timer (each sleeping task
/// held about a kilobyte, and an established session keeps five or six timers armed).
///
/// The engine ignores a timer that fires after it was replaced, so nothing is removed
/// early; equal deadlines fire in the order they were set.
struct TimerQueue {
    private struct Entry: Comparable {
        let timer: IKETimer
        let order: UInt64

        static func < (lhs: Entry, rhs: Entry) -> Bool {
            lhs.timer.deadline != rhs.timer.deadline ? lhs.timer.deadline < rhs.timer.deadline : lhs.order < rhs.order
        }

        static func == (lhs: Entry, rhs: Entry) -> Bool { lhs.order == rhs.order }
    }

    private var heap = MinHeap<Entry>()
    private var nextOrder: UInt64 = 0

    var count: Int { heap.count }
    var earliestDeadline: MonotonicTime? { heap.first?.timer.deadline }

    mutating func insert(_ timer: IKETimer) {
        heap.insert(Entry(timer: timer, order: nextOrder))
        nextOrder &+= 1
    }

    /// The earliest timer due at `now`, removed; nil when none is due.
    mutating func popDue(at now: MonotonicTime) -> IKETimer? {
        guard let first = heap.first, first.timer.deadline <= now else { return nil }
        return heap.popFirst()?.timer
    }
}
