import Foundation
import Testing
import HubIPC
import HubTestSupport

/// Each virtual-access holds a TUN descriptor: at the open-file limit (less what the daemon
/// keeps for itself) tunneld refuses the next one by name instead of running out of
/// descriptors, which made libdispatch trap in a 50,000-session benchmark.
@Suite(.enabled(if: canManageNetworkNamespaces, "needs root, /dev/net/tun and iproute2"), .serialized)
final class TunneldOpenFileLimitTests {
    @Test func testVirtualAccessBeyondTheOpenFileLimit_isRefusedNamingIt_andTheDaemonKeepsServing() async throws {
        let limit = 540  // 28 virtual-access interfaces past the 512 kept for the daemon
        let harness = try TunneldHarness(openFileLimit: limit)
        #expect(harness.daemon.log().contains("virtual-access.max=28"), "\(harness.daemon.log())")
        func create(_ session: UInt64) async throws -> IPCv1Envelope.OneOf_Body? {
            try await harness.client.request(.createVirtualAccessRequest(.with {
                $0.virtualTemplate = 1
                $0.clientAddresses = [Wire.address("198.18.70.\(session)")]
            }), session: Wire.session(session)).body
        }
        for session in UInt64(1)...28 {
            guard case .createVirtualAccessReply(let reply)? = try await create(session) else {
                Issue.record("virtual-access \(session) refused: \(harness.daemon.log().suffix(400))")
                return
            }
            #expect(reply.virtualAccess == UInt32(session))
        }
        do {
            _ = try await create(29)
            Issue.record("the 29th virtual-access was not refused")
        } catch {
            #expect("\(error)".hasSuffix("28 virtual-access interfaces reach the open-file limit (540, one descriptor each): raise LimitNOFILE of ikehub-tunneld"),
                    "\(error)")
        }
        #expect(try await harness.client.request(.deleteVirtualAccessRequest(.with { $0.virtualAccess = 28 })).body
            == .deleteVirtualAccessReply(.with { $0.wasPresent = true }))
        guard case .createVirtualAccessReply(let again)? = try await create(30) else {
            Issue.record("no virtual-access after one was deleted")
            return
        }
        #expect(again.virtualAccess == 28)
    }
}
