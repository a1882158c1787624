#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Why a file could not be read or written, with the OS reason.
public struct FileError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var operation: String
    public var errno: Int32
    public var description: String { "cannot \(operation) '\(path)': \(String(cString: strerror(errno)))" }
}

/// Whole-file reads with the C library: the only I/O FlexConfig does, so it needs no Foundation.
enum TextFile {
    /// Configuration files larger than this are refused rather than read into memory.
    static let maximumSize = 64 << 20

    static func read(_ path: String) -> Result<String, FileError> {
        switch readBytes(path, limit: maximumSize) {
        case .success(let bytes): .success(String(decoding: bytes, as: UTF8.self))
        case .failure(let error): .failure(error)
        }
    }

    static func readBytes(_ path: String, limit: Int) -> Result<[UInt8], FileError> {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return .failure(FileError(path: path, operation: "open", errno: errno)) }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(FileError(path: path, operation: "read", errno: errno))
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
            if bytes.count > limit { return .failure(FileError(path: path, operation: "read (larger than \(limit) bytes)", errno: EFBIG)) }
        }
        return .success(bytes)
    }
}
