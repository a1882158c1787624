import Testing
import Foundation
@testable import HubNetworking

@Suite struct EpollSetTests {
    /// A pipe whose read end the set watches.
    final class Pipe {
        let read: Int32, write: Int32
        init() throws {
            var ends: [Int32] = [0, 0]
            try #require(pipe(&ends) == 0)
            (read, write) = (ends[0], ends[1])
        }
        func signal() { _ = Glibc.write(write, "x", 1) }
        func drain() { var byte: UInt8 = 0; _ = Glibc.read(read, &byte, 1) }
        deinit { close(read); close(write) }
    }

    @Test func testOnlyReadyDescriptorsAreReported_byTheirTokens() throws {
        let set = try EpollSet(batch: 8)
        let pipes = try (0..<3).map { _ in try Pipe() }
        for (index, pipe) in pipes.enumerated() { try set.add(pipe.read, token: UInt64(100 + index)) }
        var tokens: [UInt64] = []
        // Nothing readable: the wait times out.
        #expect(set.wait(timeoutMilliseconds: 10) { tokens.append($0) } == 0)
        pipes[2].signal()
        pipes[0].signal()
        #expect(set.wait(timeoutMilliseconds: 1000) { tokens.append($0) } == 2)
        #expect(Set(tokens) == [100, 102])
        // Level-triggered: still readable until drained.
        tokens = []
        set.wait(timeoutMilliseconds: 1000) { tokens.append($0) }
        #expect(Set(tokens) == [100, 102])
        pipes[0].drain()
        tokens = []
        set.wait(timeoutMilliseconds: 1000) { tokens.append($0) }
        #expect(tokens == [102])
        // A removed descriptor is not reported again.
        set.remove(pipes[2].read)
        #expect(set.wait(timeoutMilliseconds: 10) { tokens.append($0) } == 0)
    }

    @Test func testAddingADescriptorTwice_isRefusedWithTheCall() throws {
        let set = try EpollSet()
        let pipe = try Pipe()
        try set.add(pipe.read, token: 1)
        #expect(throws: SocketError.self) { try set.add(pipe.read, token: 2) }
        #expect(throws: SocketError.self) { try set.add(-1, token: 3) }
    }
}
