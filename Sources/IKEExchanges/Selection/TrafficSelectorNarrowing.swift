import HubVocabulary

/// Traffic selector narrowing by the responder (RFC 7296 §2.9): the result is a subset
/// of what the initiator proposed and of what our policy allows.
enum TrafficSelectorNarrowing {
    /// -1, 0, 1 as `a` is below, equal to or above `b` (same family; big-endian octets
    /// compare like the numbers).
    static func compare(_ a: IPAddress, _ b: IPAddress) -> Int {
        for (x, y) in zip(a.bytes, b.bytes) where x != y { return x < y ? -1 : 1 }
        return 0
    }

    static func sameFamily(_ a: IPAddress, _ b: IPAddress) -> Bool { a.bytes.count == b.bytes.count }

    static func contains(_ selector: TrafficSelector, _ address: IPAddress) -> Bool {
        sameFamily(selector.startAddress, address) && compare(selector.startAddress, address) <= 0
            && compare(address, selector.endAddress) <= 0
    }

    /// The selector both `a` and `b` cover, if any (protocol 0 means any).
    static func intersection(_ a: TrafficSelector, _ b: TrafficSelector) -> TrafficSelector? {
        guard sameFamily(a.startAddress, b.startAddress) else { return nil }
        let ipProtocol: UInt8
        switch (a.ipProtocol, b.ipProtocol) {
        case (0, let other), (let other, 0): ipProtocol = other
        case (let x, let y) where x == y: ipProtocol = x
        default: return nil
        }
        let startPort = max(a.startPort, b.startPort), endPort = min(a.endPort, b.endPort)
        guard startPort <= endPort else { return nil }
        let start = compare(a.startAddress, b.startAddress) >= 0 ? a.startAddress : b.startAddress
        let end = compare(a.endAddress, b.endAddress) <= 0 ? a.endAddress : b.endAddress
        guard compare(start, end) <= 0 else { return nil }
        return TrafficSelector(ipProtocol: ipProtocol, startPort: startPort, endPort: endPort, startAddress: start, endAddress: end)
    }

    /// Every non-empty intersection of an offered selector with an allowed one, in the
    /// offered order, without duplicates. Empty `allowed` allows everything.
    static func narrow(_ offered: [TrafficSelector], to allowed: [TrafficSelector]) -> [TrafficSelector] {
        let policy = allowed.isEmpty ? [TrafficSelector.allIPv4, TrafficSelector.allIPv6] : allowed
        var result: [TrafficSelector] = []
        for selector in offered {
            for rule in policy {
                if let common = intersection(selector, rule), !result.contains(common) { result.append(common) }
            }
        }
        return result
    }

    /// TSi for a client with virtual addresses: each offered selector that contains an
    /// assigned address (0.0.0.0/0, or the CP address itself) becomes that single host,
    /// with the offered protocol and ports (RFC 7296 §2.9, §3.15.4 example).
    static func narrowToAssigned(_ offered: [TrafficSelector], assigned: [IPAddress]) -> [TrafficSelector] {
        var result: [TrafficSelector] = []
        for address in assigned {
            for selector in offered where contains(selector, address) {
                var host = selector
                host.startAddress = address
                host.endAddress = address
                if !result.contains(host) { result.append(host) }
            }
        }
        return result
    }
}
