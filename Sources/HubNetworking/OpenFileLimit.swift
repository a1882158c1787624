import Foundation
import Glibc

/// The process's open-file limit (RLIMIT_NOFILE). tunneld holds one descriptor per
/// virtual-access (its TUN), so the soft limit a shell or container hands down (often
/// 1,024 or 20,000) is what caps the sessions, not memory.
public enum OpenFileLimit {
    private static let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)

    /// The soft limit now.
    public static var current: UInt64 {
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0 else { return 1024 }
        return UInt64(limit.rlim_cur)
    }

    /// Raises the soft limit to `wanted` (capped by the kernel's `fs.nr_open`), lifting the
    /// hard limit too when the process may (root or CAP_SYS_RESOURCE), else up to the hard
    /// limit. Returns the soft limit afterwards.
    @discardableResult
    public static func raise(to wanted: UInt64 = 1 << 20) -> UInt64 {
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0 else { return current }
        let target = min(wanted, kernelMaximum)
        guard UInt64(limit.rlim_cur) < target else { return UInt64(limit.rlim_cur) }
        var raised = rlimit(rlim_cur: rlim_t(target), rlim_max: max(limit.rlim_max, rlim_t(target)))
        if setrlimit(resource, &raised) != 0 {
            // Not privileged: as far as the hard limit allows.
            raised = rlimit(rlim_cur: min(limit.rlim_max, rlim_t(target)), rlim_max: limit.rlim_max)
            _ = setrlimit(resource, &raised)
        }
        return current
    }

    /// `/proc/sys/fs/nr_open`: the most any process may have (1,048,576 by default).
    static var kernelMaximum: UInt64 {
        let text = (try? String(contentsOfFile: "/proc/sys/fs/nr_open", encoding: .utf8)) ?? ""
        return UInt64(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 1 << 20
    }
}
