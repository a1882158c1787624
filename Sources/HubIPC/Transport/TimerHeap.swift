/// A binary min-heap of timers for one I/O thread (not thread-safe by design:
/// only its loop touches it).
struct TimerHeap {
    struct Entry {
        let due: MonotonicTime
        let sequence: UInt64
        let action: () -> Void
    }

    private var entries: [Entry] = []
    private var nextSequence: UInt64 = 0

    var isEmpty: Bool { entries.isEmpty }
    var earliest: MonotonicTime? { entries.first?.due }

    mutating func insert(due: MonotonicTime, action: @escaping () -> Void) {
        nextSequence &+= 1
        entries.append(Entry(due: due, sequence: nextSequence, action: action))
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard precedes(entries[child], entries[parent]) else { break }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns every timer due at or before `now`, earliest first.
    mutating func popDue(_ now: MonotonicTime) -> [() -> Void] {
        var due: [() -> Void] = []
        while let first = entries.first, first.due <= now {
            due.append(first.action)
            removeFirst()
        }
        return due
    }

    private mutating func removeFirst() {
        let last = entries.removeLast()
        guard !entries.isEmpty else { return }
        entries[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < entries.count, precedes(entries[left], entries[smallest]) { smallest = left }
            if right < entries.count, precedes(entries[right], entries[smallest]) { smallest = right }
            if smallest == parent { return }
            entries.swapAt(parent, smallest)
            parent = smallest
        }
    }

    private func precedes(_ a: Entry, _ b: Entry) -> Bool {
        a.due < b.due || (a.due == b.due && a.sequence < b.sequence)
    }
}
