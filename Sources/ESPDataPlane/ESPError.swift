import HubVocabulary

/// Why the data plane dropped a packet; the index of the per-SA and per-plane drop counters.
public enum ESPDropReason: Int, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// Shorter than SPI + sequence number + IV + trailer + ICV (or an empty datagram).
    case truncated
    /// CBC ciphertext not a multiple of the block size (RFC 3602 §3).
    case misalignedCiphertext
    /// No inbound SA has the packet's SPI (RFC 4303 §3.4.2).
    case unknownSPI
    /// A sequence number already received inside the window (RFC 4303 §3.4.3).
    case replayed
    /// A sequence number to the left of the window (or zero).
    case outsideReplayWindow
    /// The ICV did not verify (RFC 4303 §3.4.4).
    case authenticationFailed
    /// Pad length beyond the payload, or padding other than 1, 2, 3, … (RFC 4303 §2.4).
    case badPadding
    /// Next header is neither IPv4 (4) nor IPv6 (41): tunnel mode carries only IP.
    case unsupportedNextHeader
    /// A TFC dummy packet (next header 59, RFC 4303 §2.6), discarded by design.
    case dummyPacket
    /// The decrypted IP packet is too short or its version does not match next header.
    case malformedInnerPacket
    /// The inner addresses are outside the SA's traffic selectors (RFC 4301 §5.2).
    case selectorMismatch
    /// The SA reached a hard lifetime and may no longer be used.
    case saExpired
    /// Outbound: the sequence number would cycle (RFC 4303 §3.3.3).
    case sequenceNumbersExhausted
    /// Outbound: the caller's buffer cannot hold the ESP packet.
    case bufferTooSmall
    /// OpenSSL failed on input it should accept (never seen; counted, not trapped).
    case cryptoFailure

    public var description: String {
        switch self {
        case .truncated: "truncated"
        case .misalignedCiphertext: "misaligned ciphertext"
        case .unknownSPI: "unknown SPI"
        case .replayed: "replayed"
        case .outsideReplayWindow: "outside replay window"
        case .authenticationFailed: "bad ICV"
        case .badPadding: "bad padding"
        case .unsupportedNextHeader: "unsupported next header"
        case .dummyPacket: "dummy packet"
        case .malformedInnerPacket: "malformed inner packet"
        case .selectorMismatch: "traffic selector mismatch"
        case .saExpired: "SA expired"
        case .sequenceNumbersExhausted: "sequence numbers exhausted"
        case .bufferTooSmall: "buffer too small"
        case .cryptoFailure: "crypto failure"
        }
    }
}

/// A dropped packet: the reason and where (SPI, sequence number, octet offset).
public enum ESPError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `length` octets, at least `needed` required.
    case truncated(length: Int, needed: Int)
    /// `length` octets of CBC ciphertext under SPI `spi`.
    case misalignedCiphertext(spi: UInt32, length: Int)
    /// No inbound SA for `spi`.
    case unknownSPI(UInt32)
    /// `sequenceNumber` was already received.
    case replayed(spi: UInt32, sequenceNumber: UInt64)
    /// `sequenceNumber` is left of the window whose right edge is `windowTop`.
    case outsideReplayWindow(spi: UInt32, sequenceNumber: UInt64, windowTop: UInt64)
    /// The ICV of packet `sequenceNumber` did not verify.
    case authenticationFailed(spi: UInt32, sequenceNumber: UInt64)
    /// The padding of packet `sequenceNumber` is wrong at octet `offset` of the ESP packet.
    case badPadding(spi: UInt32, sequenceNumber: UInt64, offset: Int)
    /// Next header `nextHeader` in tunnel mode.
    case unsupportedNextHeader(spi: UInt32, nextHeader: UInt8)
    /// Next header 59: a TFC dummy packet.
    case dummyPacket(spi: UInt32)
    /// The inner packet is malformed at octet `offset` of the inner packet.
    case malformedInnerPacket(spi: UInt32, offset: Int)
    /// The inner addresses are outside the SA's traffic selectors.
    case selectorMismatch(spi: UInt32)
    /// The SA reached a hard limit of `kind`.
    case saExpired(ChildSAIdentifier, SALifetimeLimitKind)
    /// The outbound SA's sequence numbers are used up.
    case sequenceNumbersExhausted(spi: UInt32)
    /// The ESP packet needs `needed` octets; the buffer has `available`.
    case bufferTooSmall(needed: Int, available: Int)
    /// OpenSSL failed under SPI `spi`.
    case cryptoFailure(spi: UInt32)

    /// The counter this drop is booked under.
    public var reason: ESPDropReason {
        switch self {
        case .truncated: .truncated
        case .misalignedCiphertext: .misalignedCiphertext
        case .unknownSPI: .unknownSPI
        case .replayed: .replayed
        case .outsideReplayWindow: .outsideReplayWindow
        case .authenticationFailed: .authenticationFailed
        case .badPadding: .badPadding
        case .unsupportedNextHeader: .unsupportedNextHeader
        case .dummyPacket: .dummyPacket
        case .malformedInnerPacket: .malformedInnerPacket
        case .selectorMismatch: .selectorMismatch
        case .saExpired: .saExpired
        case .sequenceNumbersExhausted: .sequenceNumbersExhausted
        case .bufferTooSmall: .bufferTooSmall
        case .cryptoFailure: .cryptoFailure
        }
    }

    public var description: String {
        func spiText(_ spi: UInt32) -> String { "ESP SPI " + Hex.encode((0..<4).map { UInt8(truncatingIfNeeded: spi >> (24 - 8 * $0)) }) }
        switch self {
        case .truncated(let length, let needed): return "ESP packet of \(length) octets is truncated: need at least \(needed)"
        case .misalignedCiphertext(let spi, let length): return "\(spiText(spi)): ciphertext of \(length) octets is not a multiple of 16"
        case .unknownSPI(let spi): return "\(spiText(spi)): no inbound SA"
        case .replayed(let spi, let sequence): return "\(spiText(spi)) seq \(sequence): replayed"
        case .outsideReplayWindow(let spi, let sequence, let top): return "\(spiText(spi)) seq \(sequence): left of the replay window (top \(top))"
        case .authenticationFailed(let spi, let sequence): return "\(spiText(spi)) seq \(sequence): ICV does not verify"
        case .badPadding(let spi, let sequence, let offset): return "\(spiText(spi)) seq \(sequence): bad padding at octet \(offset)"
        case .unsupportedNextHeader(let spi, let header): return "\(spiText(spi)): next header \(header) in tunnel mode"
        case .dummyPacket(let spi): return "\(spiText(spi)): TFC dummy packet"
        case .malformedInnerPacket(let spi, let offset): return "\(spiText(spi)): inner IP packet malformed at octet \(offset)"
        case .selectorMismatch(let spi): return "\(spiText(spi)): inner packet outside the traffic selectors"
        case .saExpired(let id, let kind): return "\(id): hard \(kind) lifetime reached"
        case .sequenceNumbersExhausted(let spi): return "\(spiText(spi)): sequence numbers exhausted"
        case .bufferTooSmall(let needed, let available): return "ESP packet needs \(needed) octets, buffer has \(available)"
        case .cryptoFailure(let spi): return "\(spiText(spi)): OpenSSL failure"
        }
    }
}
