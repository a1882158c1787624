internal import COpenSSL

/// Owns a memory `BIO` reading from a copy of the input octets.
final class MemoryBIO {
    let pointer: OpaquePointer
    private let storage: UnsafeMutableRawBufferPointer

    init(_ bytes: [UInt8]) throws(IKECryptoError) {
        storage = .allocate(byteCount: max(bytes.count, 1), alignment: 1)
        storage.copyBytes(from: bytes)
        clearOpenSSLErrors()
        guard let bio = BIO_new_mem_buf(storage.baseAddress, Int32(bytes.count)) else {
            storage.deallocate()
            throw .openSSLFailure("BIO_new_mem_buf")
        }
        pointer = bio
    }

    deinit {
        BIO_free(pointer)
        OPENSSL_cleanse(storage.baseAddress, storage.count)
        storage.deallocate()
    }
}
