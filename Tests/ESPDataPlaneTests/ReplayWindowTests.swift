import HubTestSupport
import Testing
@testable import ESPDataPlane

/// RFC 4303 §3.4.3 window and Appendix A ESN inference, edge by edge, then against a naive
/// model over long random runs.
struct ReplayWindowTests {
    /// Accepts `sequence` the way the SA does: check, then accept if acceptable.
    @discardableResult
    static func receive(_ sequence: UInt64, in window: inout ReplayWindow) -> ReplayWindow.Verdict {
        let verdict = window.check(lowOrderBits: UInt32(truncatingIfNeeded: sequence))
        if case .acceptable(let full) = verdict { window.accept(full) }
        return verdict
    }

    @Test func testFirstPacket_isAcceptedAndItsDuplicateIsAReplay() throws {
        var window = try ReplayWindow(size: 64, extendedSequenceNumbers: false)
        #expect(Self.receive(1, in: &window) == .acceptable(1))
        #expect(Self.receive(1, in: &window) == .replayed(1))
        #expect(window.top == 1)
    }

    @Test func testSequenceNumberZero_isNeverAccepted() throws {
        let window = try ReplayWindow(size: 64, extendedSequenceNumbers: false)
        #expect(window.check(lowOrderBits: 0) == .tooOld(0))
    }

    @Test(arguments: [32, 64, 100, 1000, 1024])
    func testWindowEdges_whenTheWindowIsFull(size: Int) throws {
        var window = try ReplayWindow(size: size, extendedSequenceNumbers: false)
        let top: UInt64 = 5000
        Self.receive(top, in: &window)
        let leftEdge = top - UInt64(size) + 1
        // The leftmost slot is still inside; one further left is outside.
        #expect(window.check(lowOrderBits: UInt32(leftEdge)) == .acceptable(leftEdge))
        #expect(window.check(lowOrderBits: UInt32(leftEdge - 1)) == .tooOld(leftEdge - 1))
        #expect(Self.receive(leftEdge, in: &window) == .acceptable(leftEdge))
        #expect(Self.receive(leftEdge, in: &window) == .replayed(leftEdge))
        // Moving the right edge by one pushes that packet out of the window.
        Self.receive(top + 1, in: &window)
        #expect(window.check(lowOrderBits: UInt32(leftEdge)) == .tooOld(leftEdge))
    }

    @Test func testInOrderStream_thenEveryReplayInsideTheWindowIsCaught() throws {
        var window = try ReplayWindow(size: 1024, extendedSequenceNumbers: false)
        for sequence in UInt64(1)...3000 { #expect(Self.receive(sequence, in: &window) == .acceptable(sequence)) }
        for sequence in UInt64(1977)...3000 { #expect(window.check(lowOrderBits: UInt32(sequence)) == .replayed(sequence)) }
        for sequence in UInt64(1)...1976 { #expect(window.check(lowOrderBits: UInt32(sequence)) == .tooOld(sequence)) }
    }

    @Test func testReorderedPackets_insideTheWindowAreAcceptedOnce() throws {
        var window = try ReplayWindow(size: 64, extendedSequenceNumbers: false)
        for sequence: UInt64 in [10, 8, 9, 2, 70, 7, 69] {
            #expect(Self.receive(sequence, in: &window) == .acceptable(sequence), "sequence \(sequence)")
        }
        // The window is now [7, 70]: 6 fell out when 70 arrived.
        #expect(window.check(lowOrderBits: 6) == .tooOld(6))
        #expect(window.check(lowOrderBits: 2) == .tooOld(2))
        #expect(window.check(lowOrderBits: 7) == .replayed(7))
        #expect(window.check(lowOrderBits: 8) == .replayed(8))
        #expect(window.check(lowOrderBits: 11) == .acceptable(11))
    }

    @Test func testFarAheadJump_clearsTheSkippedSlotsButKeepsRecentHistory() throws {
        var window = try ReplayWindow(size: 1024, extendedSequenceNumbers: false)
        for sequence in UInt64(1)...1024 { Self.receive(sequence, in: &window) }
        Self.receive(1524, in: &window)
        // 1025…1523 were skipped: acceptable (their bits, reused from 1…499, were cleared).
        #expect(window.check(lowOrderBits: 1100) == .acceptable(1100))
        // 501…1024 were received and are still inside the window.
        #expect(window.check(lowOrderBits: 1000) == .replayed(1000))
        #expect(window.check(lowOrderBits: 500) == .tooOld(500))
        // A jump beyond the whole bitmap forgets everything but the new edge.
        Self.receive(1_000_000, in: &window)
        #expect(window.check(lowOrderBits: 999_999) == .acceptable(999_999))
        #expect(window.check(lowOrderBits: 1_000_000) == .replayed(1_000_000))
    }

    @Test func testSmallWindow_ignoresBitsBeyondItsSize() throws {
        var window = try ReplayWindow(size: 32, extendedSequenceNumbers: false)
        for sequence in UInt64(1)...200 { Self.receive(sequence, in: &window) }
        #expect(window.check(lowOrderBits: 169) == .replayed(169))
        #expect(window.check(lowOrderBits: 168) == .tooOld(168))
    }

    @Test func testWithoutESN_theTopOfTheSequenceSpaceIsTheEnd() throws {
        var window = try ReplayWindow(size: 64, extendedSequenceNumbers: false, top: UInt64(UInt32.max) - 1)
        #expect(Self.receive(UInt64(UInt32.max), in: &window) == .acceptable(UInt64(UInt32.max)))
        // Low bits 0 after 2^32−1 are not a wrap without ESN: sequence zero is invalid.
        #expect(window.check(lowOrderBits: 0) == .tooOld(0))
        #expect(window.check(lowOrderBits: 5) == .tooOld(5))
    }

    @Test func testRestoredTop_treatsEverythingBelowAsReceived() throws {
        let window = try ReplayWindow(size: 64, extendedSequenceNumbers: false, top: 1000)
        #expect(window.check(lowOrderBits: 990) == .replayed(990))
        #expect(window.check(lowOrderBits: 1001) == .acceptable(1001))
    }

    @Test(arguments: [0, 31, 1025, 4096])
    func testWindowSizeOutsideTheSupportedRange_isRejected(size: Int) {
        #expect(throws: ESPSetupError.self) { try ReplayWindow(size: size, extendedSequenceNumbers: false) }
    }

    @Test func testTopAbove32Bits_isRejectedWithoutESN() {
        #expect(throws: ESPSetupError.self) { try ReplayWindow(size: 64, extendedSequenceNumbers: false, top: 1 << 32) }
    }

    // MARK: - ESN (RFC 4303 Appendix A.2)

    @Test func testESNCaseA_lowBitsBelowTheWindowMeanTheNextSubspace() throws {
        // Th = 1, Tl = 1000 ≥ W − 1: the window [937, 1000] lies in subspace 1.
        let window = try ReplayWindow(size: 64, extendedSequenceNumbers: true, top: 1 << 32 | 1000)
        #expect(window.check(lowOrderBits: 950) == .replayed(1 << 32 | 950))
        #expect(window.check(lowOrderBits: 1001) == .acceptable(1 << 32 | 1001))
        #expect(window.check(lowOrderBits: 900) == .acceptable(2 << 32 | 900))
    }

    @Test func testESNCaseB_highLowBitsBelongToThePreviousSubspace() throws {
        // Th = 1, Tl = 5 < W − 1: the window spans [2^32 − 58, 2^32 + 5].
        var window = try ReplayWindow(size: 64, extendedSequenceNumbers: true, top: 1 << 32 | 5)
        #expect(window.check(lowOrderBits: 0xffff_fff0) == .replayed(0xffff_fff0))
        #expect(window.check(lowOrderBits: 3) == .replayed(1 << 32 | 3))
        #expect(window.check(lowOrderBits: 10) == .acceptable(1 << 32 | 10))
        // Low bits between the window's ends are read as far ahead in this subspace (the ICV
        // check then decides, RFC 4303 A.2).
        #expect(window.check(lowOrderBits: 0xffff_ff00) == .acceptable(1 << 32 | 0xffff_ff00))
        Self.receive(1 << 32 | 10, in: &window)
        #expect(window.top == 1 << 32 | 10)
    }

    @Test func testESNStream_crossesTheSubspaceBoundaryWithoutLoss() throws {
        var window = try ReplayWindow(size: 128, extendedSequenceNumbers: true, top: 0xffff_ff00)
        for sequence in UInt64(0xffff_ff01)...UInt64(0x1_0000_0010) {
            #expect(Self.receive(sequence, in: &window) == .acceptable(sequence))
        }
        #expect(window.top == 0x1_0000_0010)
        // The last packets before the boundary are replays now, found by their low bits alone.
        #expect(window.check(lowOrderBits: 0xffff_fff8) == .replayed(0xffff_fff8))
        #expect(window.check(lowOrderBits: 0) == .replayed(0x1_0000_0000))
    }

    @Test func testESNAtTheStart_highLowBitsAreTooOldNotAWrap() throws {
        let window = try ReplayWindow(size: 64, extendedSequenceNumbers: true)
        // Inside the (virtual) window left of 0 would mean high half −1: refused.
        #expect(window.check(lowOrderBits: 0xffff_fff0) == .tooOld(0xffff_fff0))
        // Further left reads as far ahead in subspace 0.
        #expect(window.check(lowOrderBits: 0xffff_ff00) == .acceptable(0xffff_ff00))
        #expect(window.check(lowOrderBits: 1) == .acceptable(1))
    }

    @Test func testESNAtTheEndOfTheSpace_aFurtherSubspaceIsRefused() throws {
        let window = try ReplayWindow(size: 64, extendedSequenceNumbers: true, top: UInt64.max - 10)
        #expect(window.check(lowOrderBits: 3) == .tooOld(3))
        #expect(window.check(lowOrderBits: UInt32.max) == .acceptable(UInt64.max))
    }

    // MARK: - Against a naive model

    /// The specification as a set: seen sequence numbers and the highest; O(n) but obvious.
    struct NaiveWindow {
        let size: UInt64
        var seen: Set<UInt64> = []
        var top: UInt64 = 0
        func verdict(_ sequence: UInt64) -> ReplayWindow.Verdict {
            if sequence == 0 { return .tooOld(0) }
            if sequence > top { return .acceptable(sequence) }
            if top - sequence >= size { return .tooOld(sequence) }
            return seen.contains(sequence) ? .replayed(sequence) : .acceptable(sequence)
        }
        mutating func accept(_ sequence: UInt64) {
            seen.insert(sequence)
            top = max(top, sequence)
        }
    }


    @Test(arguments: [32, 64, 77, 512, 1024])
    func testRandomTraffic_agreesWithTheNaiveModel(size: Int) throws {
        var generator = SplitMix64(seed: UInt64(size))
        var window = try ReplayWindow(size: size, extendedSequenceNumbers: false)
        var model = NaiveWindow(size: UInt64(size))
        var next: UInt64 = 1
        for _ in 0..<20_000 {
            // Mostly forward with jitter, some duplicates and stale packets, rare big jumps.
            let roll = Int.random(in: 0..<100, using: &generator)
            let sequence: UInt64
            switch roll {
            case 0..<60: sequence = next; next += UInt64.random(in: 1...3, using: &generator)
            case 60..<85: sequence = next > 2 * UInt64(size) ? next - UInt64.random(in: 1...(2 * UInt64(size)), using: &generator) : 1
            case 85..<97: sequence = model.top
            default: next += UInt64.random(in: 1...5000, using: &generator); sequence = next
            }
            let verdict = window.check(lowOrderBits: UInt32(sequence))
            #expect(verdict == model.verdict(sequence), "sequence \(sequence), top \(model.top)")
            if case .acceptable = verdict {
                window.accept(sequence)
                model.accept(sequence)
            }
        }
    }

    @Test(arguments: [64, 1024])
    func testRandomESNTraffic_acrossSubspaceBoundaries_agreesWithTheNaiveModel(size: Int) throws {
        var generator = SplitMix64(seed: 0xe5 &+ UInt64(size))
        let start: UInt64 = 0x2_ffff_f000
        var window = try ReplayWindow(size: size, extendedSequenceNumbers: true, top: start)
        // A restored window counts everything up to its top as received.
        var model = NaiveWindow(size: UInt64(size), seen: Set((start - UInt64(size) + 1)...start), top: start)
        var next = start + 1
        for _ in 0..<20_000 {
            let roll = Int.random(in: 0..<100, using: &generator)
            let sequence: UInt64
            switch roll {
            case 0..<65: sequence = next; next += UInt64.random(in: 1...700, using: &generator)
            case 65..<90: sequence = model.top - min(model.top - start, UInt64.random(in: 0...(2 * UInt64(size)), using: &generator))
            default: sequence = model.top
            }
            // Only the low 32 bits travel; the window must recover the rest.
            let verdict = window.check(lowOrderBits: UInt32(truncatingIfNeeded: sequence))
            if sequence > model.top || model.top - sequence < UInt64(size) {
                #expect(verdict == model.verdict(sequence), "sequence \(String(sequence, radix: 16)), top \(String(model.top, radix: 16))")
            } else {
                // Truly too old: Appendix A reads such low bits as the next subspace (the ICV,
                // computed with that high half, then fails); it must never accept the old number.
                #expect(verdict != .acceptable(sequence))
            }
            if case .acceptable(let full) = verdict, full == sequence {
                window.accept(full)
                model.accept(full)
            }
        }
        #expect(model.top > 0x3_0000_0000 + 1_000_000)
    }
}
