import HubVocabulary
import Synchronization

/// What sealing one packet produced.
public struct ESPSealedPacket: Equatable, Sendable {
    /// Octets of the ESP packet at the start of the buffer.
    public let length: Int
    /// The sequence number it carries (all 64 bits with ESN).
    public let sequenceNumber: UInt64
    /// Set when this packet moved the SA to a soft or hard lifetime.
    public let lifetimeEvent: SALifetimeEvent?
}

/// One outbound ESP SA in tunnel mode (RFC 4303 §3.3): sequence numbers, IVs, lifetime and
/// counters, and a keyed OpenSSL context made once. `seal` works in the caller's buffer and
/// allocates nothing.
///
/// Thread-safe: all mutable state, the OpenSSL context included, is used only under `state`'s
/// lock, so any thread may seal (the data plane seals on its outbound thread only).
public final class ESPOutboundSA: @unchecked Sendable {
    /// The SPI the peer chose (RFC 7296 §3.3.1), direction outbound.
    public let identifier: ChildSAIdentifier
    public let suite: ESPCipherSuite
    public let extendedSequenceNumbers: Bool

    private struct State {
        var lastSequenceNumber: UInt64
        var ivCounter: UInt64
        var lifetime: SALifetimeTracker
        var counters = ESPSACounters()
    }

    private let cryptor: ESPCryptor
    private let ivGeneration: IVGeneration
    private let sequenceLimit: UInt64
    private let sequenceSoftLimit: UInt64
    private let state: Mutex<State>

    /// An SA for `spi` with one direction's `keys`. `lastSequenceNumber` restores a checkpoint
    /// (the next packet carries `lastSequenceNumber + 1`).
    public convenience init(spi: UInt32, suite: ESPCipherSuite, keys: ESPKeyMaterial, extendedSequenceNumbers: Bool = false,
                            lifetime: SALifetimeLimits = .unlimited, installedAt: WallTime, lastSequenceNumber: UInt64 = 0) throws(ESPSetupError) {
        let generation: IVGeneration = suite.encryption.isAEAD ? .counter : .random
        var start: UInt64 = 0
        if suite.encryption.isAEAD { start = UInt64.random(in: 0...UInt64.max) }
        try self.init(spi: spi, suite: suite, keys: keys, extendedSequenceNumbers: extendedSequenceNumbers, lifetime: lifetime,
                      installedAt: installedAt, lastSequenceNumber: lastSequenceNumber, ivGeneration: generation, firstIV: start)
    }

    init(spi: UInt32, suite: ESPCipherSuite, keys: ESPKeyMaterial, extendedSequenceNumbers: Bool, lifetime: SALifetimeLimits,
         installedAt: WallTime, lastSequenceNumber: UInt64, ivGeneration: IVGeneration, firstIV: UInt64) throws(ESPSetupError) {
        guard spi != 0 else { throw ESPSetupError(operation: "outbound SA", reason: "SPI 0 is reserved (RFC 4303 §2.1)") }
        identifier = ChildSAIdentifier(spi: spi, protocol: .esp, direction: .outbound)
        self.suite = suite
        self.extendedSequenceNumbers = extendedSequenceNumbers
        self.ivGeneration = ivGeneration
        cryptor = try ESPCryptor(spi: spi, suite: suite, keys: keys, encrypting: true, extendedSequenceNumbers: extendedSequenceNumbers)
        sequenceLimit = extendedSequenceNumbers ? .max : UInt64(UInt32.max)
        // Ask for a rekey with 1/64 of the sequence space left.
        sequenceSoftLimit = sequenceLimit - sequenceLimit / 64
        state = Mutex(State(lastSequenceNumber: lastSequenceNumber, ivCounter: firstIV,
                            lifetime: SALifetimeTracker(limits: lifetime, installedAt: installedAt)))
    }

    /// Where the IP packet must be placed in the buffer for `seal(payloadLength:…)`.
    public var payloadOffset: Int { suite.headerLength }

    /// Seals the IP packet already at `buffer[payloadOffset ..< payloadOffset + payloadLength]`
    /// in place. `nextHeader` is 4 (IPv4) or 41 (IPv6).
    public func seal(payloadLength: Int, nextHeader: UInt8, in buffer: UnsafeMutableRawBufferPointer) throws(ESPError) -> ESPSealedPacket {
        try state.withLock { (state) throws(ESPError) -> ESPSealedPacket in
            if case .hard(let kind) = state.lifetime.phase {
                state.counters.drops.record(.saExpired)
                throw .saExpired(identifier, kind)
            }
            guard state.lastSequenceNumber < sequenceLimit else {
                state.counters.drops.record(.sequenceNumbersExhausted)
                throw .sequenceNumbersExhausted(spi: identifier.spi)
            }
            let sequence = state.lastSequenceNumber + 1
            let length: Int
            do throws(ESPError) {
                length = try cryptor.seal(buffer: buffer, payloadLength: payloadLength, nextHeader: nextHeader, sequence: sequence,
                                          iv: ivGeneration, ivCounter: state.ivCounter)
            } catch {
                state.counters.drops.record(error.reason)
                throw error
            }
            state.lastSequenceNumber = sequence
            state.ivCounter &+= 1
            state.counters.packets &+= 1
            state.counters.bytes &+= UInt64(payloadLength)
            var moved = state.lifetime.record(byteCount: payloadLength)
            if sequence == sequenceLimit {
                moved = state.lifetime.enter(.hard(.sequenceNumbers)) ?? moved
            } else if sequence == sequenceSoftLimit {
                moved = state.lifetime.enter(.soft(.sequenceNumbers)) ?? moved
            }
            return ESPSealedPacket(length: length, sequenceNumber: sequence, lifetimeEvent: moved?.event(for: identifier))
        }
    }

    /// Copies `packet` to `buffer[payloadOffset...]` and seals it there.
    public func seal(_ packet: UnsafeRawBufferPointer, nextHeader: UInt8, into buffer: UnsafeMutableRawBufferPointer) throws(ESPError) -> ESPSealedPacket {
        guard payloadOffset + packet.count <= buffer.count, let destination = buffer.baseAddress else {
            throw .bufferTooSmall(needed: packet.count + suite.maximumOverhead, available: buffer.count)
        }
        if let source = packet.baseAddress, packet.count > 0 {
            (destination + payloadOffset).copyMemory(from: source, byteCount: packet.count)
        }
        return try seal(payloadLength: packet.count, nextHeader: nextHeader, in: buffer)
    }

    /// Checks the time limits at `now`; the event if this moved the SA to soft or hard.
    public func checkLifetime(now: WallTime) -> SALifetimeEvent? {
        state.withLock { $0.lifetime.check(now: now)?.event(for: identifier) }
    }

    /// Packets and octets sealed, and drops by reason.
    public var counters: ESPSACounters { state.withLock { $0.counters } }

    /// Where the SA is in its lifetime.
    public var lifetimePhase: SALifetimePhase { state.withLock { $0.lifetime.phase } }

    /// The last sequence number sent (for checkpoints).
    public var lastSequenceNumber: UInt64 { state.withLock { $0.lastSequenceNumber } }
}
