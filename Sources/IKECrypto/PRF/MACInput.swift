import HubVocabulary

/// One piece of a MAC/PRF input, so that `S = Ni | Nr | SPIi | SPIr` or
/// `T(n-1) | S | n` is fed to the MAC without concatenating (and copying secrets into)
/// an ordinary array.
enum MACInput {
    case bytes([UInt8])
    case secret(SecretBytes)
    /// Memory owned by the caller and valid for the duration of the MAC call.
    case raw(UnsafeRawBufferPointer)

    func withBytes<Result>(
        _ body: (UnsafeRawBufferPointer) throws(IKECryptoError) -> Result
    ) throws(IKECryptoError) -> Result {
        switch self {
        case .bytes(let bytes): try bytes.withBytes(body)
        case .secret(let secret): try secret.withBytes(body)
        case .raw(let buffer): try body(buffer)
        }
    }
}

/// A MAC bound to one key, computing any number of tags. Not thread-safe.
protocol KeyedMAC: AnyObject {
    /// Octets the untruncated tag has.
    var outputLength: Int { get }
    /// Writes the untruncated tag over the concatenation of `parts` into the first
    /// `outputLength` octets of `output`.
    func compute(_ parts: [MACInput], into output: UnsafeMutableRawBufferPointer) throws(IKECryptoError)
}

extension KeyedMAC {
    /// The tag as an ordinary array (for ICVs and AUTH values, which go on the wire).
    func tag(_ parts: [MACInput]) throws(IKECryptoError) -> [UInt8] {
        var tag = [UInt8](repeating: 0, count: outputLength)
        try tag.withMutableBytes { (buffer) throws(IKECryptoError) in try compute(parts, into: buffer) }
        return tag
    }
}
