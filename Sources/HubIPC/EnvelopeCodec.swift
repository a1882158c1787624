import Foundation
import SwiftProtobuf

/// What came out of decoding one received message.
public enum ReceivedEnvelope: Sendable {
    /// A v1 envelope. Unknown header fields and unknown fields inside the body are
    /// kept (`unknownFields`), so re-encoding passes them on.
    case envelope(IPCv1Envelope)
    /// A v1 envelope whose body case is unknown to this build (a newer minor's
    /// request): it must be answered with `UnsupportedReply`, not executed.
    case unknownBody(IPCv1Envelope, fieldNumber: UInt32)
    /// Another major version: refused, never parsed as v1. Only the frozen head
    /// (fields 1 and 2) was decoded.
    case unsupportedMajor(major: UInt32, minor: UInt32)
}

/// Encodes and decodes Envelopes with the version rules of Protocols/README.md.
public enum EnvelopeCodec {
    /// Body cases occupy Envelope field numbers 10-999 (common.proto).
    static let bodyFieldNumbers: ClosedRange<Int> = 10...999

    /// Decodes one envelope frame. Checks the frozen head (fields 1-2) first and
    /// refuses an unknown major before reading anything else.
    public static func decode(_ bytes: [UInt8]) throws(IPCError) -> ReceivedEnvelope {
        let data = Data(bytes)
        let head: IPCv1EnvelopeVersion
        do {
            head = try IPCv1EnvelopeVersion(serializedBytes: data)
        } catch {
            throw .malformed(reason: "envelope head (\(bytes.count) bytes): \(error)")
        }
        guard IPCSchema.supportedMajors.contains(head.schemaMajor) else {
            return .unsupportedMajor(major: head.schemaMajor, minor: head.schemaMinor)
        }
        let envelope: IPCv1Envelope
        do {
            envelope = try IPCv1Envelope(serializedBytes: data)
        } catch {
            throw .malformed(reason: "v\(head.schemaMajor).\(head.schemaMinor) envelope (\(bytes.count) bytes): \(error)")
        }
        if envelope.body == nil, let field = unknownBodyField(in: envelope.unknownFields.data) {
            return .unknownBody(envelope, fieldNumber: field)
        }
        return .envelope(envelope)
    }

    /// The bytes of `envelope`, stamped with this build's version.
    public static func encode(_ envelope: IPCv1Envelope) -> [UInt8] {
        var stamped = envelope
        stamped.schemaMajor = IPCSchema.major
        stamped.schemaMinor = IPCSchema.minor
        return encodeVerbatim(stamped)
    }

    /// The bytes of `envelope` exactly as it is (its version fields untouched).
    public static func encodeVerbatim(_ envelope: IPCv1Envelope) -> [UInt8] {
        // Serialising a well-formed message only fails for proto2 required fields,
        // which proto3 has none of.
        (try? envelope.serializedBytes()) ?? []
    }

    /// The first unknown field numbered like a body case, if any. Walks the
    /// protobuf wire format (tag varint, then the value by wire type); stops at
    /// the first malformed byte, which the protobuf decoder already rejected.
    static func unknownBodyField(in unknown: Data) -> UInt32? {
        var reader = WireReader(bytes: [UInt8](unknown))
        while let tag = reader.readVarint() {
            let fieldNumber = tag >> 3
            if bodyFieldNumbers.contains(Int(truncatingIfNeeded: fieldNumber)) {
                return UInt32(truncatingIfNeeded: fieldNumber)
            }
            guard reader.skipValue(wireType: UInt8(truncatingIfNeeded: tag & 7)) else { return nil }
        }
        return nil
    }
}

/// A bounds-checked reader over protobuf wire bytes, just enough to skip fields.
struct WireReader {
    let bytes: [UInt8]
    var offset = 0

    /// The next base-128 varint, or nil at the end or on a malformed one.
    mutating func readVarint() -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while offset < bytes.count, shift < 64 {
            let byte = bytes[offset]
            offset += 1
            value |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
        return nil
    }

    /// Skips one value of `wireType`; false if it runs past the end.
    mutating func skipValue(wireType: UInt8) -> Bool {
        switch wireType {
        case 0: return readVarint() != nil
        case 1: return advance(8)
        case 5: return advance(4)
        case 2:
            guard let length = readVarint(), length <= UInt64(bytes.count - offset) else { return false }
            return advance(Int(length))
        default: return false  // groups (3, 4) are not used by proto3
        }
    }

    private mutating func advance(_ count: Int) -> Bool {
        guard count <= bytes.count - offset else { return false }
        offset += count
        return true
    }
}
