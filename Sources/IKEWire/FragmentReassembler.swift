/// Why an SKF fragment was not taken into reassembly (RFC 7383 §2.6). None of these is
/// answered with a notify: the fragment is dropped and the peer retransmits.
public enum FragmentReassemblyError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Fragment Number is 0 or above Total Fragments (RFC 7383 §2.5).
    case fragmentNumberOutOfRange(number: UInt16, total: UInt16)
    /// Total Fragments is 0 or above the limit.
    case tooManyFragments(total: UInt16, maximum: Int)
    /// Total Fragments is lower than that of the fragments already held: RFC 7383 §2.6
    /// says to discard this fragment (a higher value restarts reassembly instead).
    case staleTotalFragments(current: UInt16, received: UInt16)
    /// This fragment number was already received (a retransmission).
    case duplicateFragment(number: UInt16)
    /// The reassembled content would exceed the size limit.
    case messageTooLarge(size: Int, maximum: Int)
    /// Fragment 1 has Next Payload 0, or another fragment a non-zero one (RFC 7383 §2.5).
    case invalidNextPayload(number: UInt16, nextPayload: PayloadType)

    public var description: String {
        switch self {
        case .fragmentNumberOutOfRange(let number, let total): "fragment number \(number) outside 1…\(total)"
        case .tooManyFragments(let total, let maximum): "Total Fragments \(total), limit \(maximum)"
        case .staleTotalFragments(let current, let received): "Total Fragments \(received) below the current \(current)"
        case .duplicateFragment(let number): "duplicate fragment \(number)"
        case .messageTooLarge(let size, let maximum): "reassembled message of \(size) octets, limit \(maximum)"
        case .invalidNextPayload(let number, let next): "fragment \(number) with Next Payload \(next.rawValue)"
        }
    }
}

/// Collects the decrypted contents of the SKF fragments of one message (one IKE SA and
/// Message ID; the caller keeps one reassembler per pending message) and hands back the
/// inner payload octets once all have arrived (RFC 7383 §2.6). A value type with no
/// clock: the caller drops it when the retransmission timer gives up.
///
/// Fragments must be added after their ICV was verified and decrypted, with padding
/// removed (``EncryptedPayload/removingPadding(_:)``).
public struct FragmentReassembler: Hashable, Sendable {
    /// Default limit on Total Fragments. RFC 7383 §5 leaves limits to the implementation
    /// against resource exhaustion; 64 fragments of a 1280-octet path carry ~70 000 octets,
    /// more than any IKE_AUTH with a certificate chain needs.
    public static let maximumFragments = 64
    /// Default limit on the reassembled content: the largest IKE message the 16-bit UDP
    /// length allows (RFC 7383 §5, resource exhaustion).
    public static let maximumReassembledSize = 65_535

    /// The outcome of adding a fragment.
    public enum Outcome: Hashable, Sendable {
        /// Still waiting for `total - received` fragments.
        case incomplete(received: Int, total: Int)
        /// All fragments are in: the inner payload chain starting with `firstPayload`.
        case complete(firstPayload: PayloadType, payloadBytes: [UInt8])
    }

    public let fragmentLimit: Int
    public let sizeLimit: Int
    /// Total Fragments of the fragments held, once one has arrived.
    public private(set) var totalFragments: UInt16?
    private var contents: [UInt16: [UInt8]] = [:]
    private var firstPayload: PayloadType?
    private var storedBytes = 0

    public init(fragmentLimit: Int = FragmentReassembler.maximumFragments,
                sizeLimit: Int = FragmentReassembler.maximumReassembledSize) {
        self.fragmentLimit = fragmentLimit
        self.sizeLimit = sizeLimit
    }

    /// Number of distinct fragments held.
    public var receivedCount: Int { contents.count }

    /// Adds one fragment's decrypted content (padding removed).
    public mutating func add(_ fragment: EncryptedFragmentPayload, content: [UInt8]) throws(FragmentReassemblyError) -> Outcome {
        try add(fragmentNumber: fragment.fragmentNumber, totalFragments: fragment.totalFragments,
                innerFirstPayload: fragment.innerFirstPayload, content: content)
    }

    /// Adds one fragment by its fields.
    public mutating func add(fragmentNumber number: UInt16, totalFragments total: UInt16,
                             innerFirstPayload: PayloadType, content: [UInt8]) throws(FragmentReassemblyError) -> Outcome {
        guard total >= 1, Int(total) <= fragmentLimit else { throw .tooManyFragments(total: total, maximum: fragmentLimit) }
        guard number >= 1, number <= total else { throw .fragmentNumberOutOfRange(number: number, total: total) }
        guard (number == 1) == (innerFirstPayload != .none) else {
            throw .invalidNextPayload(number: number, nextPayload: innerFirstPayload)
        }
        if let current = totalFragments, current != total {
            // RFC 7383 §2.6 (PMTU discovery): a higher Total Fragments means the sender
            // re-fragmented; start over with it. A lower one is stale: drop it.
            guard total > current else { throw .staleTotalFragments(current: current, received: total) }
            self = FragmentReassembler(fragmentLimit: fragmentLimit, sizeLimit: sizeLimit)
        }
        totalFragments = total
        guard contents[number] == nil else { throw .duplicateFragment(number: number) }
        let size = storedBytes + content.count
        guard size <= sizeLimit else { throw .messageTooLarge(size: size, maximum: sizeLimit) }
        contents[number] = content
        storedBytes = size
        if number == 1 { firstPayload = innerFirstPayload }
        guard contents.count == Int(total), let firstPayload else {
            return .incomplete(received: contents.count, total: Int(total))
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(storedBytes)
        for index in 1...total { bytes += contents[index] ?? [] }
        return .complete(firstPayload: firstPayload, payloadBytes: bytes)
    }
}
