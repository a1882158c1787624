#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import HubVocabulary

/// The pre-shared key of the built-in configuration: created once from `/dev/urandom`
/// and kept in the state directory, readable by its owner only (mode 0600).
public enum PreSharedKeyFile {
    /// The file's name inside the state directory.
    public static let fileName = "embedded-psk"
    /// 32 random bytes, written as 64 hex digits (a word the IOS grammar accepts).
    static let randomByteCount = 32

    /// Why the key file could not be used.
    public enum Failure: Error, Sendable, CustomStringConvertible {
        case system(FileError)
        case groupOrOtherAccess(path: String, mode: UInt32)
        case malformed(path: String)

        public var description: String {
            switch self {
            case .system(let error): error.description
            case .groupOrOtherAccess(let path, let mode):
                "'\(path)' has mode \(String(mode, radix: 8)); a key file must not be readable by group or others (chmod 600)"
            case .malformed(let path): "'\(path)' does not hold a key of 16 to 128 printable characters without blanks"
            }
        }
    }

    /// The path of the key file in `directory`.
    public static func path(inDirectory directory: String) -> String {
        directory.hasSuffix("/") ? directory + fileName : directory + "/" + fileName
    }

    /// Reads the key from `directory`, creating the directory (0700) and the key first if needed.
    public static func readOrCreate(inDirectory directory: String) -> Result<SecretBytes, Failure> {
        let path = path(inDirectory: directory)
        switch read(path) {
        case .success(let key): return .success(key)
        case .failure(.system(let error)) where error.errno == ENOENT: break
        case .failure(let failure): return .failure(failure)
        }
        if mkdir(directory, 0o700) != 0, errno != EEXIST {
            return .failure(.system(FileError(path: directory, operation: "create directory", errno: errno)))
        }
        switch randomKeyText() {
        case .failure(let error): return .failure(.system(error))
        case .success(let text):
            let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else {
                // Another process created it first: use that one.
                if errno == EEXIST { return read(path) }
                return .failure(.system(FileError(path: path, operation: "create", errno: errno)))
            }
            defer { close(descriptor) }
            var bytes = Array((text + "\n").utf8)
            defer { bytes.withUnsafeMutableBytes { wipe($0) } }
            var written = 0
            while written < bytes.count {
                let count = bytes[written...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
                if count < 0 {
                    if errno == EINTR { continue }
                    return .failure(.system(FileError(path: path, operation: "write", errno: errno)))
                }
                written += count
            }
            guard fsync(descriptor) == 0 else { return .failure(.system(FileError(path: path, operation: "sync", errno: errno))) }
            return .success(SecretBytes(Array(text.utf8)))
        }
    }

    private static func read(_ path: String) -> Result<SecretBytes, Failure> {
        var status = stat()
        guard stat(path, &status) == 0 else { return .failure(.system(FileError(path: path, operation: "open", errno: errno))) }
        let mode = UInt32(status.st_mode) & 0o777
        guard mode & 0o077 == 0 else { return .failure(.groupOrOtherAccess(path: path, mode: mode)) }
        switch TextFile.readBytes(path, limit: 4096) {
        case .failure(let error): return .failure(.system(error))
        case .success(var bytes):
            defer { bytes.withUnsafeMutableBytes { wipe($0) } }
            var end = bytes.count
            while end > 0, bytes[end - 1] == 0x0a || bytes[end - 1] == 0x0d { end -= 1 }
            let key = bytes[..<end]
            guard (16...128).contains(key.count), key.allSatisfy({ $0 > 0x20 && $0 < 0x7f }) else {
                return .failure(.malformed(path: path))
            }
            return .success(SecretBytes(key))
        }
    }

    /// 64 hex digits from the kernel's random source.
    private static func randomKeyText() -> Result<String, FileError> {
        switch TextFile.readExactly("/dev/urandom", count: randomByteCount) {
        case .success(var bytes):
            defer { bytes.withUnsafeMutableBytes { wipe($0) } }
            return .success(Hex.encode(bytes))
        case .failure(let error):
            return .failure(error)
        }
    }
}

/// Overwrites key material before the array is freed.
private func wipe(_ buffer: UnsafeMutableRawBufferPointer) {
    if let base = buffer.baseAddress, buffer.count > 0 { explicit_bzero(base, buffer.count) }
}

extension TextFile {
    /// Exactly `count` bytes from the start of a (device) file.
    static func readExactly(_ path: String, count: Int) -> Result<[UInt8], FileError> {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return .failure(FileError(path: path, operation: "open", errno: errno)) }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let got = bytes[filled...].withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if got < 0 {
                if errno == EINTR { continue }
                return .failure(FileError(path: path, operation: "read", errno: errno))
            }
            if got == 0 { return .failure(FileError(path: path, operation: "read (short)", errno: EIO)) }
            filled += got
        }
        return .success(bytes)
    }
}
