import Foundation
import Glibc
import Testing
@testable import HubNetworking

/// tunneld raises its open-file limit at start: one descriptor per virtual-access.
struct OpenFileLimitTests {
    @Test func testRaise_liftsTheSoftLimit_andNeverLowersIt() {
        let before = OpenFileLimit.current
        var hard = rlimit()
        #expect(getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &hard) == 0)
        let after = OpenFileLimit.raise(to: before + 1000)
        // With CAP_SYS_RESOURCE the hard limit goes up too; without it (this CI's
        // containers), the soft limit goes as far as the hard one.
        #expect(after >= min(before + 1000, UInt64(hard.rlim_max)))
        #expect(after <= min(before + 1000, OpenFileLimit.kernelMaximum))
        #expect(OpenFileLimit.raise(to: 16) == after, "a smaller wish must not lower the limit")
        #expect(OpenFileLimit.current == after)
    }

    @Test func testKernelMaximum_isTheSysctl() throws {
        let text = try String(contentsOfFile: "/proc/sys/fs/nr_open", encoding: .utf8)
        #expect(OpenFileLimit.kernelMaximum == UInt64(text.trimmingCharacters(in: .whitespacesAndNewlines)))
    }
}
