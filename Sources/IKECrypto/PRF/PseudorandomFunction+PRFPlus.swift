import HubVocabulary

extension PseudorandomFunction {
    /// The most blocks prf+ may produce (RFC 7296 §2.13: the block counter is one octet).
    public static let maximumPRFPlusBlocks = 255

    /// The most octets prf+ can produce with this PRF.
    public var maximumPRFPlusLength: Int { PseudorandomFunction.maximumPRFPlusBlocks * outputLength }

    /// prf+(key, seed) truncated to `length` octets (RFC 7296 §2.13):
    /// T1 = prf(K, S | 0x01), Tn = prf(K, Tn-1 | S | n).
    public func prfPlus(key: SecretBytes, seed: [UInt8], length: Int) throws(IKECryptoError) -> SecretBytes {
        try key.withBytes { (keyBytes) throws(IKECryptoError) in
            try prfPlus(key: keyBytes, seed: [.bytes(seed)], length: length)
        }
    }

    /// prf+ whose seed is made of several parts, some of them secret (g^ir in a PFS seed).
    func prfPlus(key: UnsafeRawBufferPointer, seed: [MACInput], length: Int) throws(IKECryptoError) -> SecretBytes {
        guard length >= 0, length <= maximumPRFPlusLength else {
            throw .prfPlusOutputTooLong(requested: length, maximum: maximumPRFPlusLength)
        }
        let blockLength = outputLength
        let blockCount = (length + blockLength - 1) / blockLength
        let mac = try makeMAC(key: key)
        return try SecretBytes.filled(count: length) { (output) throws(IKECryptoError) in
            guard blockCount > 0 else { return }
            // Two scratch blocks: T(n-1) is read while T(n) is written.
            var previous = WipedBuffer(count: blockLength)
            var current = WipedBuffer(count: blockLength)
            for counter in 1...blockCount {
                var parts: [MACInput] = []
                parts.reserveCapacity(seed.count + 2)
                if counter > 1 { parts.append(.raw(UnsafeRawBufferPointer(previous.bytes))) }
                parts.append(contentsOf: seed)
                parts.append(.bytes([UInt8(counter)]))
                try mac.compute(parts, into: current.bytes)
                let offset = (counter - 1) * blockLength
                let take = min(blockLength, length - offset)
                UnsafeMutableRawBufferPointer(rebasing: output[offset..<(offset + take)])
                    .copyMemory(from: UnsafeRawBufferPointer(rebasing: current.bytes[0..<take]))
                swap(&previous, &current)
            }
        }
    }
}
