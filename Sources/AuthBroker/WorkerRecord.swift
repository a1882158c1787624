import HubIPC

/// A registered worker as the broker sees it.
struct WorkerRecord {
    /// The worker's ZeroMQ routing id on the worker socket.
    let id: [UInt8]
    let name: String
    let pid: UInt32
    let services: Set<String>
    let conversational: Set<String>
    let capacity: Int
    /// Dispatch tokens of requests it holds.
    var outstanding: Set<UInt64> = []
    /// Last time any message came from it.
    var lastHeard: MonotonicTime
    /// It sent WorkerLeave: no new requests, removed when `outstanding` is empty.
    var leaving = false
    /// Requests it has answered.
    var answered = 0

    var hasRoom: Bool { !leaving && outstanding.count < capacity }
}

/// A request the broker holds: waiting for a worker, or dispatched to one.
struct BrokerRequest {
    /// Requester's routing id on the frontend socket.
    var client: [UInt8]
    let correlationID: UInt64
    let service: String
    let session: [UInt8]
    let idempotencyKey: [UInt8]
    /// The request exactly as received (unknown fields included), forwarded as is.
    let bytes: [UInt8]
    /// When the requester's budget runs out; nil: none.
    let deadline: MonotonicTime?
    /// Set once dispatched.
    var worker: [UInt8]? = nil
    /// It went to a worker because of an existing pin (a later EAP round).
    var pinned = false
    /// Times dispatched (re-dispatches after a worker died included).
    var dispatches = 0
    /// When the broker received it (latency metric).
    var received = MonotonicTime.now()
}

/// Identifies a request independent of its dispatch: a retry from the requester
/// carries the same pair, and is not dispatched twice.
struct RequesterKey: Hashable {
    let client: [UInt8]
    let correlationID: UInt64

    /// Hashes the routing id eight octets at a time: the synthesised hash feeds
    /// the hasher one octet per call, which shows in the broker's profile.
    func hash(into hasher: inout Hasher) {
        hasher.combine(correlationID)
        combineOctets(client, into: &hasher)
    }
}

/// Feeds `octets` to `hasher` as 64-bit words (plus the count, so that a prefix
/// of zeros cannot collide with a shorter id).
func combineOctets(_ octets: [UInt8], into hasher: inout Hasher) {
    hasher.combine(octets.count)
    var word: UInt64 = 0
    for (index, octet) in octets.enumerated() {
        word = word << 8 | UInt64(octet)
        if index & 7 == 7 {
            hasher.combine(word)
            word = 0
        }
    }
    hasher.combine(word)
}

/// A conversation pinned to one worker (DESIGN.md §3: multi-round EAP).
struct PinKey: Hashable {
    let service: String
    let session: [UInt8]

    func hash(into hasher: inout Hasher) {
        hasher.combine(service)
        combineOctets(session, into: &hasher)
    }
}
