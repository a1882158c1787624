/// Vendor ID payload, V (RFC 7296 §3.12).
///
/// ```
///                      1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// | Next Payload  |C|  RESERVED   |         Payload Length        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                                                               |
/// ~                        Vendor ID (VID)                        ~
/// |                                                               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
public struct VendorIDPayload: Hashable, Sendable {
    public static let type = PayloadType.vendorID

    public var flags: GenericPayloadFlags
    public var vendorID: [UInt8]

    public init(vendorID: [UInt8], flags: GenericPayloadFlags = .none) {
        self.vendorID = vendorID
        self.flags = flags
    }

    /// The payload announcing `known`.
    public init(_ known: KnownVendorID) {
        self.init(vendorID: known.bytes)
    }

    /// The vendor this VID names, if it is one of ``KnownVendorID``.
    public var knownVendor: KnownVendorID? { KnownVendorID(matching: vendorID) }

    static func parse(from body: inout ByteReader, flags: GenericPayloadFlags) -> VendorIDPayload {
        VendorIDPayload(vendorID: body.readRemainingBytes(), flags: flags)
    }

    func serializeBody(into writer: inout ByteWriter) { writer.writeBytes(vendorID) }
}
