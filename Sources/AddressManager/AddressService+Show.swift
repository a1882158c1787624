public import HubIPC
import HubVocabulary

/// `show ip local pool` as IOS prints it: one row per pool with its first and last
/// address, free and in-use counts (IPv6 pools show their prefix and assigned length).
enum LocalPoolTable {
    static let columns = ["Pool", "Begin", "End", "Free", "In use"]

    static func show(_ usage: [(pool: AddressPool, inUse: UInt64)], filter: String) -> IPCv1ShowReply {
        .with { reply in
            reply.columns = columns
            for (pool, inUse) in usage where filter.isEmpty || pool.name == filter {
                let begin: String
                let end: String
                switch pool.kind {
                case .ipv4:
                    begin = pool.address(ofSlot: 0).map { "\($0)" } ?? "-"
                    end = pool.address(ofSlot: pool.capacity &- 1).map { "\($0)" } ?? "-"
                case .ipv6(let prefix, let prefixLength, let assignedLength):
                    begin = "\(prefix)/\(prefixLength)"
                    end = "/\(assignedLength)"
                }
                let free = pool.capacity >= inUse ? pool.capacity - inUse : 0
                reply.rows.append(.with { $0.cells = [pool.name, begin, end, "\(free)", "\(inUse)"] })
            }
        }
    }
}
