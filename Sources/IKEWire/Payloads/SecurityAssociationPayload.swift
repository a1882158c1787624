/// Security Association payload, SA (RFC 7296 §3.3): one or more proposals.
///
/// ```
///                      1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// | Next Payload  |C|  RESERVED   |         Payload Length        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ~                          <Proposals>                          ~
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
///
/// The substructures are ``Proposal``, ``Transform`` and ``TransformAttribute``. Their
/// Last Substruc fields and counts are checked while parsing (they define the
/// structure); proposal numbering and per-protocol SPI sizes are checked by ``validate(bodyOffset:)``.
public struct SecurityAssociationPayload: Hashable, Sendable {
    public static let type = PayloadType.securityAssociation

    public var flags: GenericPayloadFlags
    public var proposals: [Proposal]

    public init(proposals: [Proposal], flags: GenericPayloadFlags = .none) {
        self.proposals = proposals
        self.flags = flags
    }

    static func parse(from body: inout ByteReader, flags: GenericPayloadFlags) throws(IKEParseError) -> SecurityAssociationPayload {
        let bodyStart = body.readerIndex
        var proposals: [Proposal] = []
        var sawLast = false
        while !body.isAtEnd {
            let start = body.readerIndex
            if sawLast {
                // The payload Length runs past the proposal marked last: a length lie.
                throw .lengthMismatch(payload: Self.type, offset: bodyStart - 2, declared: body.endIndex - bodyStart + 4,
                                      available: start - bodyStart + 4)
            }
            let (proposal, isLast) = try Proposal.parse(from: &body)
            sawLast = isLast
            proposals.append(proposal)
        }
        guard sawLast || proposals.isEmpty else {
            throw .invalidSyntax(payload: Self.type, offset: body.readerIndex, reason: "last proposal is marked \"more\" (2)")
        }
        return SecurityAssociationPayload(proposals: proposals, flags: flags)
    }

    func serializeBody(into writer: inout ByteWriter) {
        for (index, proposal) in proposals.enumerated() {
            proposal.serialize(into: &writer, isLast: index == proposals.count - 1)
        }
    }

    /// RFC 7296 §3.3.1: at least one proposal; numbers start at 1 and rise by one (a
    /// response carries the single accepted proposal with its original number, so a
    /// lone proposal may have any non-zero number); SPI sizes fit the protocol.
    public func validate(bodyOffset: Int = 0) throws(IKEParseError) {
        guard !proposals.isEmpty else {
            throw .invalidSyntax(payload: Self.type, offset: bodyOffset, reason: "SA without proposals")
        }
        var offset = bodyOffset
        for (index, proposal) in proposals.enumerated() {
            if proposals.count > 1, Int(proposal.number) != index + 1 {
                throw .invalidSyntax(payload: Self.type, offset: offset + 4,
                                     reason: "proposal \(index + 1) is numbered \(proposal.number)")
            }
            try proposal.validate(offset: offset)
            offset += proposal.encodedLength
        }
    }
}

/// The Transform Type octet (RFC 7296 §3.3.2; RFC 9370 adds ADDKE1–7).
public struct TransformType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public init(_ rawValue: UInt8) { self.rawValue = rawValue }
    /// 1: Encryption Algorithm (ENCR).
    public static let encryption = TransformType(1)
    /// 2: Pseudorandom Function (PRF).
    public static let pseudorandomFunction = TransformType(2)
    /// 3: Integrity Algorithm (INTEG).
    public static let integrity = TransformType(3)
    /// 4: Key Exchange Method (D-H group).
    public static let keyExchangeMethod = TransformType(4)
    /// 5: Sequence Numbers (ESN).
    public static let sequenceNumbers = TransformType(5)
    /// 6…12: Additional Key Exchange 1…7 (RFC 9370).
    public static func additionalKeyExchange(_ index: UInt8) -> TransformType { TransformType(5 + index) }

    public var description: String {
        switch rawValue {
        case 1: "ENCR"
        case 2: "PRF"
        case 3: "INTEG"
        case 4: "KE"
        case 5: "ESN"
        case 6...12: "ADDKE\(rawValue - 5)"
        default: "transform-type-\(rawValue)"
        }
    }
}
