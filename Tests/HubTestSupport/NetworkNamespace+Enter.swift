import Foundation

/// `setns(2)`, found at run time: glibc declares it only under _GNU_SOURCE, which the Swift
/// Glibc module is not built with.
private let setNamespace: (@convention(c) (Int32, Int32) -> Int32)? = {
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "setns") else { return nil }
    return unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
}()

private let cloneNewNetwork: Int32 = 0x4000_0000

public struct NamespaceEntryError: Error, CustomStringConvertible {
    public let step: String
    public let errorNumber: Int32
    public var description: String { "\(step): \(String(cString: strerror(errorNumber)))" }
}

extension NetworkNamespace {
    /// Runs `body` on the calling thread switched into this namespace, then switches back.
    /// Sockets and TUN interfaces created in `body` belong to the namespace for good (a
    /// socket keeps the namespace it was created in). `body` must not suspend: the switch is
    /// per thread.
    public func perform<Result>(_ body: () throws -> Result) throws -> Result {
        guard let setNamespace else { throw NamespaceEntryError(step: "dlsym setns", errorNumber: ENOSYS) }
        let original = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)
        guard original >= 0 else { throw NamespaceEntryError(step: "open own netns", errorNumber: errno) }
        defer { close(original) }
        let target = open("/run/netns/\(name)", O_RDONLY | O_CLOEXEC)
        guard target >= 0 else { throw NamespaceEntryError(step: "open /run/netns/\(name)", errorNumber: errno) }
        defer { close(target) }
        guard setNamespace(target, cloneNewNetwork) == 0 else { throw NamespaceEntryError(step: "setns \(name)", errorNumber: errno) }
        defer {
            // Returning must not fail; if it did, this thread would stay in the namespace.
            precondition(setNamespace(original, cloneNewNetwork) == 0, "could not return to the original network namespace")
        }
        return try body()
    }
}
