import HubIPC
import Testing

@Suite struct ReplyCacheTests {
    @Test func testRetryIsAnsweredFromFirstResult_whenKeyRepeats() {
        var cache = ReplyCache(capacity: 10)
        let key: [UInt8] = [1, 2, 3]
        #expect(cache.entry(for: key) == nil)
        cache.begin(key, peer: [0xA])
        guard case .inProgress(let peer) = cache.entry(for: key) else {
            Issue.record("not in progress")
            return
        }
        #expect(peer == [0xA])
        cache.redirect(key, to: [0xB])
        #expect(cache.complete(key, reply: [42]) == [0xB], "the reply must go to the latest requester")
        guard case .completed(let reply) = cache.entry(for: key) else {
            Issue.record("not completed")
            return
        }
        #expect(reply == [42])
    }

    @Test func testOldestKeysAreEvicted_whenCapacityIsExceeded() {
        var cache = ReplyCache(capacity: 100)
        for index in 0..<10_000 {
            let key = [UInt8(index & 0xff), UInt8(index >> 8)]
            cache.begin(key, peer: [])
            cache.complete(key, reply: [1])
        }
        #expect(cache.count == 100)
        #expect(cache.entry(for: [0, 0]) == nil)
        #expect(cache.entry(for: [UInt8(9999 & 0xff), UInt8(9999 >> 8)]) != nil)
    }

    @Test func testCompletedReplyExpires_whenLifetimePasses() {
        var cache = ReplyCache(capacity: 10, lifetime: .seconds(1))
        let start = MonotonicTime(nanoseconds: 1_000_000_000)
        cache.begin([7], peer: [], now: start)
        cache.complete([7], reply: [1], now: start)
        #expect(cache.entry(for: [7], now: start.adding(milliseconds: 500)) != nil)
        #expect(cache.entry(for: [7], now: start.adding(milliseconds: 1500)) == nil)
    }
}
