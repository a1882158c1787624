/// The receiver's anti-replay window (RFC 4303 §3.4.3) with extended sequence numbers
/// inferred from their transmitted low-order 32 bits (RFC 4303 Appendix A). A pure value:
/// `check` before the ICV is verified, `accept` after (the window moves only for packets
/// that authenticate).
///
/// The bitmap is circular over `maximumSize` bits held inline, so advancing costs no
/// shifting and no allocation; bit `s mod maximumSize` records sequence number `s`.
public struct ReplayWindow: Sendable {
    /// Largest window this type holds (bits).
    public static let maximumSize = 1024
    private static let words = maximumSize / 64

    /// Window size W in packets (32…1024; RFC 4303 §3.4.3 requires at least 32).
    public let size: Int
    /// Whether 64-bit sequence numbers are in use (negotiated ESN, RFC 7296 §3.3.2 type 5).
    public let extendedSequenceNumbers: Bool
    /// T: the highest sequence number authenticated so far (0 before the first packet).
    public private(set) var top: UInt64
    private var bits = InlineArray<16, UInt64>(repeating: 0)

    /// A window of `size` packets. `top` restores a checkpointed window edge (everything at
    /// or below it counts as received, which is the safe assumption after a restart).
    public init(size: Int = ReplayWindow.maximumSize, extendedSequenceNumbers: Bool, top: UInt64 = 0) throws(ESPSetupError) {
        guard size >= 32, size <= Self.maximumSize else {
            throw ESPSetupError(operation: "replay window of \(size)", reason: "need 32…\(Self.maximumSize) packets")
        }
        guard extendedSequenceNumbers || top <= UInt64(UInt32.max) else {
            throw ESPSetupError(operation: "replay window top \(top)", reason: "above 2^32-1 without ESN")
        }
        self.size = size
        self.extendedSequenceNumbers = extendedSequenceNumbers
        self.top = top
        if top > 0 {
            for word in 0..<Self.words { bits[word] = .max }
        }
    }

    /// What the window says about a packet before its ICV is checked.
    public enum Verdict: Hashable, Sendable {
        /// Not yet seen and inside or right of the window: verify the ICV with this full
        /// sequence number (its high half feeds the ICV when ESN is on), then `accept` it.
        case acceptable(UInt64)
        /// Inside the window and already received.
        case replayed(UInt64)
        /// Left of the window (or sequence number zero, which is never sent).
        case tooOld(UInt64)
    }

    /// Classifies a packet from the 32 bits of sequence number it carried.
    public func check(lowOrderBits low: UInt32) -> Verdict {
        guard let sequence = inferSequenceNumber(low) else { return .tooOld(UInt64(low)) }
        return classify(sequence)
    }

    /// Marks `sequence` received and advances the right edge if it is beyond it. Only call
    /// for a sequence number `check` called acceptable and whose ICV verified.
    public mutating func accept(_ sequence: UInt64) {
        guard case .acceptable = classify(sequence) else { return }
        if sequence > top {
            let advance = sequence - top
            if advance >= UInt64(Self.maximumSize) {
                for word in 0..<Self.words { bits[word] = 0 }
            } else {
                var position = top
                for _ in 0..<Int(advance) {
                    position += 1
                    clearBit(position)
                }
            }
            top = sequence
        }
        setBit(sequence)
    }

    /// Whether `sequence` is inside the window and already received.
    public func hasReceived(_ sequence: UInt64) -> Bool {
        guard sequence <= top, top - sequence < UInt64(size), sequence > 0 else { return false }
        return bit(sequence)
    }

    // MARK: - RFC 4303 Appendix A.2

    /// The full sequence number for `low`, or `nil` when it would fall before 0 or beyond 2^64−1.
    private func inferSequenceNumber(_ low: UInt32) -> UInt64? {
        guard extendedSequenceNumbers else { return UInt64(low) }
        let window = UInt32(size)
        let topLow = UInt32(truncatingIfNeeded: top)
        let topHigh = UInt32(truncatingIfNeeded: top >> 32)
        let high: UInt32
        if topLow >= window - 1 {
            // Case A: the window lies within one 2^32 subspace.
            if low >= topLow - (window - 1) {
                high = topHigh
            } else {
                guard topHigh < .max else { return nil }
                high = topHigh + 1
            }
        } else {
            // Case B: the window spans two subspaces; a large `low` belongs to the previous one.
            if low >= topLow &- (window - 1) {
                guard topHigh > 0 else { return nil }
                high = topHigh - 1
            } else {
                high = topHigh
            }
        }
        return UInt64(high) << 32 | UInt64(low)
    }

    private func classify(_ sequence: UInt64) -> Verdict {
        if sequence == 0 { return .tooOld(0) }
        if sequence > top { return .acceptable(sequence) }
        if top - sequence >= UInt64(size) { return .tooOld(sequence) }
        return bit(sequence) ? .replayed(sequence) : .acceptable(sequence)
    }

    // MARK: - Bitmap

    private func bit(_ sequence: UInt64) -> Bool {
        let position = Int(sequence % UInt64(Self.maximumSize))
        return bits[position >> 6] & (1 << UInt64(position & 63)) != 0
    }

    private mutating func setBit(_ sequence: UInt64) {
        let position = Int(sequence % UInt64(Self.maximumSize))
        bits[position >> 6] |= 1 << UInt64(position & 63)
    }

    private mutating func clearBit(_ sequence: UInt64) {
        let position = Int(sequence % UInt64(Self.maximumSize))
        bits[position >> 6] &= ~(1 << UInt64(position & 63))
    }
}
