import Foundation
import Glibc
import Testing
@testable import HubNetworking

/// tunneld raises its open-file limit at start: one descriptor per virtual-access.
struct OpenFileLimitTests {
    @Test func testRaise_liftsTheSoftLimit_andNeverLowersIt() {
        let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        var original = rlimit()
        #expect(getrlimit(resource, &original) == 0)
        defer { _ = setrlimit(resource, &original) }
        // A soft limit below the hard one (lowering needs no privilege), so the raise has
        // something to do even where the hard limit cannot move (no CAP_SYS_RESOURCE).
        var lowered = rlimit(rlim_cur: original.rlim_max - 100, rlim_max: original.rlim_max)
        #expect(setrlimit(resource, &lowered) == 0)
        #expect(OpenFileLimit.current == UInt64(original.rlim_max) - 100)
        let after = OpenFileLimit.raise(to: UInt64(original.rlim_max))
        #expect(after == UInt64(original.rlim_max))
        #expect(OpenFileLimit.raise(to: 16) == after, "a smaller wish must not lower the limit")
        #expect(OpenFileLimit.current == after)
    }

    @Test func testKernelMaximum_isTheSysctl() throws {
        let text = try String(contentsOfFile: "/proc/sys/fs/nr_open", encoding: .utf8)
        #expect(OpenFileLimit.kernelMaximum == UInt64(text.trimmingCharacters(in: .whitespacesAndNewlines)))
    }
}
