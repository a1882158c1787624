import HubVocabulary
import Synchronization

/// What opening one packet produced.
public struct ESPOpenedPacket: Equatable, Sendable {
    /// Where the inner IP packet lies in the buffer that was opened (decrypted in place).
    public let innerPacket: Range<Int>
    /// 4 (IPv4) or 41 (IPv6).
    public let nextHeader: UInt8
    /// The full sequence number (ESN high half inferred).
    public let sequenceNumber: UInt64
    /// Set when this packet moved the SA to a soft or hard lifetime.
    public let lifetimeEvent: SALifetimeEvent?
}

/// One inbound ESP SA in tunnel mode (RFC 4303 §3.4): replay window, ICV check, decryption,
/// trailer and inner-packet checks against the traffic selectors, lifetime and counters.
/// `open` decrypts in the caller's buffer and allocates nothing.
///
/// Thread-safe: all mutable state, the OpenSSL context included, is used only under `state`'s
/// lock (the data plane opens on its inbound thread only).
public final class ESPInboundSA: @unchecked Sendable {
    /// The SPI this headend chose, direction inbound.
    public let identifier: ChildSAIdentifier
    public let suite: ESPCipherSuite
    public let extendedSequenceNumbers: Bool
    /// Inner source addresses must fall in one of these (the peer's TSi); empty allows all.
    public let remoteSelectors: [TrafficSelector]
    /// Inner destination addresses must fall in one of these (our TSr); empty allows all.
    public let localSelectors: [TrafficSelector]

    private struct State {
        var window: ReplayWindow
        var lifetime: SALifetimeTracker
        var counters = ESPSACounters()
    }

    private let cryptor: ESPCryptor
    private let state: Mutex<State>

    /// An SA for `spi` with one direction's `keys`. `replayWindowTop` restores a checkpoint.
    public init(spi: UInt32, suite: ESPCipherSuite, keys: ESPKeyMaterial, extendedSequenceNumbers: Bool = false,
                replayWindowSize: Int = ReplayWindow.maximumSize, lifetime: SALifetimeLimits = .unlimited, installedAt: WallTime,
                remoteSelectors: [TrafficSelector] = [], localSelectors: [TrafficSelector] = [], replayWindowTop: UInt64 = 0) throws(ESPSetupError) {
        guard spi != 0 else { throw ESPSetupError(operation: "inbound SA", reason: "SPI 0 is reserved (RFC 4303 §2.1)") }
        identifier = ChildSAIdentifier(spi: spi, protocol: .esp, direction: .inbound)
        self.suite = suite
        self.extendedSequenceNumbers = extendedSequenceNumbers
        self.remoteSelectors = remoteSelectors
        self.localSelectors = localSelectors
        cryptor = try ESPCryptor(spi: spi, suite: suite, keys: keys, encrypting: false, extendedSequenceNumbers: extendedSequenceNumbers)
        let window = try ReplayWindow(size: replayWindowSize, extendedSequenceNumbers: extendedSequenceNumbers, top: replayWindowTop)
        state = Mutex(State(window: window, lifetime: SALifetimeTracker(limits: lifetime, installedAt: installedAt)))
    }

    /// Processes the whole ESP packet in `packet` (the UDP payload, SPI first): replay check,
    /// ICV, window update, decryption in place, trailer, tunnel-mode inner packet checks.
    public func open(_ packet: UnsafeMutableRawBufferPointer) throws(ESPError) -> ESPOpenedPacket {
        try state.withLock { (state) throws(ESPError) -> ESPOpenedPacket in
            do throws(ESPError) {
                return try open(packet, state: &state)
            } catch {
                state.counters.drops.record(error.reason)
                throw error
            }
        }
    }

    private func open(_ packet: UnsafeMutableRawBufferPointer, state: inout State) throws(ESPError) -> ESPOpenedPacket {
        if case .hard(let kind) = state.lifetime.phase { throw .saExpired(identifier, kind) }
        guard packet.count >= cryptor.minimumPacketLength, let base = packet.baseAddress else {
            throw .truncated(length: packet.count, needed: cryptor.minimumPacketLength)
        }
        let spi = identifier.spi
        // RFC 4303 §3.4.3: the cheap window check comes before the ICV.
        let sequence: UInt64
        switch state.window.check(lowOrderBits: UnsafeRawPointer(base).loadBigEndianUInt32(at: 4)) {
        case .acceptable(let value): sequence = value
        case .replayed(let value): throw .replayed(spi: spi, sequenceNumber: value)
        case .tooOld(let value): throw .outsideReplayWindow(spi: spi, sequenceNumber: value, windowTop: state.window.top)
        }
        let (payload, nextHeader) = try cryptor.open(buffer: packet, sequence: sequence)
        // The window moves only for packets whose ICV verified.
        state.window.accept(sequence)
        switch nextHeader {
        case 4, 41: break
        case 59: throw .dummyPacket(spi: spi)
        default: throw .unsupportedNextHeader(spi: spi, nextHeader: nextHeader)
        }
        var failureOffset = 0
        guard let inner = InnerPacket.parse(UnsafeRawPointer(base + payload.lowerBound), available: payload.count,
                                            nextHeader: nextHeader, failureOffset: &failureOffset) else {
            throw .malformedInnerPacket(spi: spi, offset: failureOffset)
        }
        guard inner.isAllowed(remote: remoteSelectors, local: localSelectors) else { throw .selectorMismatch(spi: spi) }
        state.counters.packets &+= 1
        state.counters.bytes &+= UInt64(inner.length)
        let moved = state.lifetime.record(byteCount: inner.length)
        return ESPOpenedPacket(innerPacket: payload.lowerBound..<(payload.lowerBound + inner.length), nextHeader: nextHeader,
                               sequenceNumber: sequence, lifetimeEvent: moved?.event(for: identifier))
    }

    /// Checks the time limits at `now`; the event if this moved the SA to soft or hard.
    public func checkLifetime(now: WallTime) -> SALifetimeEvent? {
        state.withLock { $0.lifetime.check(now: now)?.event(for: identifier) }
    }

    /// Packets and octets accepted, and drops by reason.
    public var counters: ESPSACounters { state.withLock { $0.counters } }

    /// Where the SA is in its lifetime.
    public var lifetimePhase: SALifetimePhase { state.withLock { $0.lifetime.phase } }

    /// The replay window's right edge (for checkpoints).
    public var replayWindowTop: UInt64 { state.withLock { $0.window.top } }
}
