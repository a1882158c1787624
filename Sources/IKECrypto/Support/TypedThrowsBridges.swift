import HubVocabulary

// `SecretBytes` and `Array` give buffer access through `rethrows` functions, which lose a
// closure's typed error. These helpers keep `throws(IKECryptoError)` end to end.

extension SecretBytes {
    /// Read access to the secret whose closure may throw `IKECryptoError`.
    func withBytes<Result>(
        _ body: (UnsafeRawBufferPointer) throws(IKECryptoError) -> Result
    ) throws(IKECryptoError) -> Result {
        let outcome: Swift.Result<Result, IKECryptoError> = withUnsafeBytes { buffer in
            do throws(IKECryptoError) { return .success(try body(buffer)) } catch { return .failure(error) }
        }
        return try outcome.get()
    }

    /// A new secret of `count` octets written by `body` straight into wiped storage.
    static func filled(
        count: Int,
        _ body: (UnsafeMutableRawBufferPointer) throws(IKECryptoError) -> Void
    ) throws(IKECryptoError) -> SecretBytes {
        var failure: IKECryptoError?
        let secret = SecretBytes(count: count) { buffer in
            do throws(IKECryptoError) { try body(buffer) } catch { failure = error }
        }
        if let failure { throw failure }
        return secret
    }
}

extension Array where Element == UInt8 {
    /// Read access to the array's octets whose closure may throw `IKECryptoError`.
    func withBytes<Result>(
        _ body: (UnsafeRawBufferPointer) throws(IKECryptoError) -> Result
    ) throws(IKECryptoError) -> Result {
        let outcome: Swift.Result<Result, IKECryptoError> = withUnsafeBytes { buffer in
            do throws(IKECryptoError) { return .success(try body(buffer)) } catch { return .failure(error) }
        }
        return try outcome.get()
    }

    /// Write access to the array's octets whose closure may throw `IKECryptoError`.
    mutating func withMutableBytes<Result>(
        _ body: (UnsafeMutableRawBufferPointer) throws(IKECryptoError) -> Result
    ) throws(IKECryptoError) -> Result {
        let outcome: Swift.Result<Result, IKECryptoError> = withUnsafeMutableBytes { buffer in
            do throws(IKECryptoError) { return .success(try body(buffer)) } catch { return .failure(error) }
        }
        return try outcome.get()
    }
}

extension UnsafeRawBufferPointer {
    /// The start address as `const unsigned char *`; a valid dangling address for an
    /// empty buffer, because several OpenSSL functions reject NULL even with length 0.
    var cBytes: UnsafePointer<UInt8> {
        if let base = baseAddress { return base.assumingMemoryBound(to: UInt8.self) }
        return emptyBytePointer
    }
}

extension UnsafeMutableRawBufferPointer {
    /// The start address as `unsigned char *` (see `UnsafeRawBufferPointer.cBytes`).
    var cMutableBytes: UnsafeMutablePointer<UInt8> {
        if let base = baseAddress { return base.assumingMemoryBound(to: UInt8.self) }
        return UnsafeMutablePointer(mutating: emptyBytePointer)
    }
}

/// One static octet used as the address of empty inputs; never written.
nonisolated(unsafe) private let emptyByteStorage: UnsafeMutablePointer<UInt8> = {
    let pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
    pointer.initialize(to: 0)
    return pointer
}()
private var emptyBytePointer: UnsafePointer<UInt8> { UnsafePointer(emptyByteStorage) }
