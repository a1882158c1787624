#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Key material, pre-shared keys, MSKs: bytes that must never be printed, logged or
/// serialised by accident, and that are wiped from memory when the last copy goes away.
///
/// Not `Codable` on purpose. Equality is constant-time so it can compare AUTH values.
public struct SecretBytes: Sendable {
    /// Owns the heap buffer; zeroes it in `deinit` with `explicit_bzero`, which the
    /// compiler may not elide the way it may elide a plain `memset` before `free`.
    private final class Storage: @unchecked Sendable {
        // Immutable after init; only read through `withUnsafeBytes`.
        let buffer: UnsafeMutableRawBufferPointer

        init(count: Int) {
            buffer = .allocate(byteCount: Swift.max(count, 1), alignment: 16)
            buffer.initializeMemory(as: UInt8.self, repeating: 0)
        }

        deinit {
            explicit_bzero(buffer.baseAddress!, buffer.count)
            buffer.deallocate()
        }
    }

    private let storage: Storage
    /// Number of secret bytes.
    public let count: Int

    /// Copies `bytes` into wiped-on-release storage. The caller should drop its own copy.
    public init<Bytes: Collection>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        count = bytes.count
        storage = Storage(count: count)
        var index = 0
        for byte in bytes {
            storage.buffer[index] = byte
            index += 1
        }
    }

    /// `count` bytes produced by `body`, which writes directly into the secret storage
    /// (used by key derivation so the plaintext key never lives in an ordinary array).
    public init(count: Int, initializingWith body: (UnsafeMutableRawBufferPointer) throws -> Void) rethrows {
        self.count = count
        storage = Storage(count: count)
        try body(UnsafeMutableRawBufferPointer(rebasing: storage.buffer[0..<count]))
    }

    /// Gives temporary read access to the secret bytes.
    public func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try body(UnsafeRawBufferPointer(rebasing: storage.buffer[0..<count]))
    }

    /// A copy of the bytes as an ordinary array. Only for wire output (an AUTH value,
    /// a key handed to the kernel); the caller owns the copy's lifetime.
    public func revealedBytes() -> [UInt8] {
        withUnsafeBytes { Array($0) }
    }

    /// The sub-range `range` as a new secret (used to split prf+ output into SK_* keys).
    public func slice(_ range: Range<Int>) -> SecretBytes {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "SecretBytes slice out of range")
        return withUnsafeBytes { all in
            SecretBytes(count: range.count) { destination in
                if range.count > 0 {
                    destination.copyMemory(from: UnsafeRawBufferPointer(rebasing: all[range]))
                }
            }
        }
    }

    /// Concatenation of `parts` as one secret.
    public static func concatenating(_ parts: [SecretBytes]) -> SecretBytes {
        let total = parts.reduce(0) { $0 + $1.count }
        return SecretBytes(count: total) { destination in
            var offset = 0
            for part in parts {
                part.withUnsafeBytes { source in
                    if source.count > 0 {
                        UnsafeMutableRawBufferPointer(rebasing: destination[offset..<(offset + source.count)])
                            .copyMemory(from: source)
                    }
                }
                offset += part.count
            }
        }
    }
}

extension SecretBytes: Equatable {
    /// Constant-time for equal lengths: the running time does not depend on where the
    /// first differing byte is.
    public static func == (lhs: SecretBytes, rhs: SecretBytes) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return lhs.withUnsafeBytes { a in
            rhs.withUnsafeBytes { b in
                var difference: UInt8 = 0
                for index in 0..<a.count { difference |= a[index] ^ b[index] }
                return difference == 0
            }
        }
    }
}

extension SecretBytes: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String { "<redacted \(count) bytes>" }
    public var debugDescription: String { description }
}

/// Constant-time comparison of two byte sequences (AUTH and ICV checks).
public func constantTimeEquals(_ lhs: some Collection<UInt8>, _ rhs: some Collection<UInt8>) -> Bool {
    guard lhs.count == rhs.count else { return false }
    var difference: UInt8 = 0
    for (a, b) in zip(lhs, rhs) { difference |= a ^ b }
    return difference == 0
}
