/// A binary min-heap: `popFirst` returns the least element. The timers of the IKE frontend
/// and of the load initiator are kept in one, so a process sleeps once for all of them.
public struct MinHeap<Element: Comparable> {
    private var elements: [Element] = []

    public init() {}

    public var count: Int { elements.count }
    public var isEmpty: Bool { elements.isEmpty }
    /// The least element, left in place.
    public var first: Element? { elements.first }

    public mutating func insert(_ element: Element) {
        elements.append(element)
        var child = elements.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard elements[child] < elements[parent] else { break }
            elements.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the least element; nil when empty.
    public mutating func popFirst() -> Element? {
        guard let first = elements.first else { return nil }
        let last = elements.removeLast()
        if !elements.isEmpty {
            elements[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var smallest = parent
                if left < elements.count, elements[left] < elements[smallest] { smallest = left }
                if right < elements.count, elements[right] < elements[smallest] { smallest = right }
                guard smallest != parent else { break }
                elements.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return first
    }
}
