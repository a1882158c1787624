public import HubIPC
import HubVocabulary

/// `show ip local pool` as IOS prints it: one row per IPv4 range (the pool name on its
/// first range only) with first and last address, free and in-use counts; IPv6 pools show
/// their prefix and the assigned prefix length.
enum LocalPoolTable {
    static let columns = ["Pool", "Begin", "End", "Free", "In use"]

    static func show(_ allocator: AddressAllocator, filter: String) -> IPCv1ShowReply {
        .with { reply in
            reply.columns = columns
            for (pool, inUse) in allocator.poolUsage where filter.isEmpty || pool.name == filter {
                switch pool.kind {
                case .ipv4(let ranges):
                    var base: UInt64 = 0
                    for (index, range) in ranges.enumerated() {
                        let used = allocator.activeCount(pool: pool.name, slots: base..<(base + range.count))
                        base += range.count
                        reply.rows.append(.with {
                            $0.cells = [index == 0 ? pool.name : "", "\(range.first)", "\(range.last)",
                                        "\(range.count - min(used, range.count))", "\(used)"]
                        })
                    }
                case .ipv6(let prefix, let prefixLength, let assignedLength):
                    reply.rows.append(.with {
                        $0.cells = [pool.name, "\(prefix)/\(prefixLength)", "/\(assignedLength)",
                                    "\(pool.capacity - min(inUse, pool.capacity))", "\(inUse)"]
                    })
                }
            }
        }
    }
}
