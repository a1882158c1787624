import IKEExchanges

/// The engine's pending timers, earliest first: a binary min-heap, so the frontend keeps
/// one sleeping task for all of them instead of one task per timer (each sleeping task
/// held about a kilobyte, and an established session keeps five or six timers armed).
///
/// The engine ignores a timer that fires after it was replaced, so nothing is removed
/// early; equal deadlines fire in the order they were set.
struct TimerQueue {
    private struct Entry {
        let timer: IKETimer
        let order: UInt64

        func precedes(_ other: Entry) -> Bool {
            timer.deadline != other.timer.deadline ? timer.deadline < other.timer.deadline : order < other.order
        }
    }

    private var heap: [Entry] = []
    private var nextOrder: UInt64 = 0

    var count: Int { heap.count }
    var earliestDeadline: MonotonicTime? { heap.first?.timer.deadline }

    mutating func insert(_ timer: IKETimer) {
        heap.append(Entry(timer: timer, order: nextOrder))
        nextOrder &+= 1
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    /// The earliest timer due at `now`, removed; nil when none is due.
    mutating func popDue(at now: MonotonicTime) -> IKETimer? {
        guard let first = heap.first, first.timer.deadline <= now else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var smallest = parent
                if left < heap.count, heap[left].precedes(heap[smallest]) { smallest = left }
                if right < heap.count, heap[right].precedes(heap[smallest]) { smallest = right }
                guard smallest != parent else { break }
                heap.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return first.timer
    }
}
