internal import COpenSSL

/// Scratch memory for intermediate secret values (XCBC subkeys, a partial prf+ block),
/// cleared with `OPENSSL_cleanse` before it is freed.
final class WipedBuffer {
    let bytes: UnsafeMutableRawBufferPointer

    init(count: Int) {
        bytes = .allocate(byteCount: max(count, 1), alignment: 16)
        bytes.initializeMemory(as: UInt8.self, repeating: 0)
    }

    var count: Int { bytes.count }

    subscript(index: Int) -> UInt8 {
        get { bytes[index] }
        set { bytes[index] = newValue }
    }

    deinit {
        OPENSSL_cleanse(bytes.baseAddress, bytes.count)
        bytes.deallocate()
    }
}
