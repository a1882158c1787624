import Foundation
import HubIPC
import SwiftProtobuf
import Testing

/// Protocols/README.md "What a receiver does", on encodings made by protoc from
/// messages of versions that do not exist yet (`Fixtures/future`).
@Suite struct VersioningTests {
    @Test func testMajorTwoIsRefused_whenItsFieldThreeWouldMisparseAsV1() throws {
        let bytes = try FixtureFiles.binary("future", "major2")
        // Proof that the check matters: read naively as v1, v2's payload (field 4)
        // would be taken for a v1 session id.
        let naive = try IPCv1Envelope(serializedBytes: Data(bytes))
        #expect(naive.sessionID == Data([0x0a, 0x04]) + Data("ping".utf8))
        guard case .unsupportedMajor(let major, let minor) = try EnvelopeCodec.decode(bytes) else {
            Issue.record("a v2 envelope was not refused")
            return
        }
        #expect(major == 2 && minor == 0)
        let refusal = IPCv1Envelope.unsupportedMajorReply(peerMajor: major, peerMinor: minor)
        guard case .error(let error) = refusal.body else {
            Issue.record("refusal is not an ErrorReply")
            return
        }
        #expect(error.code == .unsupportedMajorVersion)
        #expect(error.supportedMajors == [1])
        #expect(error.reason == "peer speaks ikehub.ipc v2.0, this process v1.\(IPCSchema.minor)")
    }

    /// The "newer minor" fixtures must stay newer than this build: when `IPCSchema.minor`
    /// reaches theirs, this fails until fixtures of a higher minor are added beside them.
    @Test(arguments: ["minor2_unknown_field", "minor2_unknown_body"])
    func testFutureFixtureMinorIsAboveOurs_soNewerMinorIsReallyTested(name: String) throws {
        let bytes = try FixtureFiles.binary("future", name)
        let head = try IPCv1EnvelopeVersion(serializedBytes: Data(bytes))
        #expect(head.schemaMajor == IPCSchema.major)
        #expect(head.schemaMinor > IPCSchema.minor,
                "fixture \(name) says minor \(head.schemaMinor), this build is minor \(IPCSchema.minor): add fixtures of a newer minor")
        #expect(try FixtureFiles.text("future", name).contains("schema_minor: \(head.schemaMinor)"))
    }

    @Test func testNewerMinorDecodesAndKeepsUnknownFields_whenBodyIsKnown() throws {
        let bytes = try FixtureFiles.binary("future", "minor2_unknown_field")
        guard case .envelope(let envelope) = try EnvelopeCodec.decode(bytes) else {
            Issue.record("a newer-minor envelope with a known body was not accepted")
            return
        }
        #expect(envelope.schemaMinor > IPCSchema.minor)
        #expect(envelope.correlationID == 77)
        guard case .echoRequest(let echo) = envelope.body else {
            Issue.record("body is not the echo request")
            return
        }
        #expect(echo.payload == Data("hello from minor 2".utf8))
        #expect(!echo.unknownFields.data.isEmpty, "the new field inside the body was dropped")
        #expect(!envelope.unknownFields.data.isEmpty, "the new header field was dropped")
        // Passing it on keeps the unknown fields byte for byte.
        #expect(EnvelopeCodec.encodeVerbatim(envelope) == bytes)
    }

    @Test func testUnknownBodyCaseIsReported_whenNewerMinorSendsNewRequest() throws {
        let bytes = try FixtureFiles.binary("future", "minor2_unknown_body")
        guard case .unknownBody(let envelope, let field) = try EnvelopeCodec.decode(bytes) else {
            Issue.record("an unknown body case was not reported")
            return
        }
        #expect(field == 150)
        let reply = envelope.unsupportedReply(fieldNumber: field)
        #expect(reply.correlationID == 78)
        guard case .unsupported(let unsupported) = reply.body else {
            Issue.record("reply is not UnsupportedReply")
            return
        }
        #expect(unsupported.bodyFieldNumber == 150 && unsupported.receiverMinor == IPCSchema.minor)
    }

    @Test(arguments: [
        [UInt8]([0x08]),                    // truncated varint of field 1
        [0x0a, 0x05, 0x01],                 // length past the end
        [0x08, 0x01, 0xa2, 0x06, 0x7f],     // body field 100 claims 127 bytes
        [0x0f],                             // wire type 7 does not exist
    ])
    func testMalformedBytesThrow_whenEnvelopeIsTruncatedOrInvalid(bytes: [UInt8]) {
        #expect(throws: IPCError.self) { try EnvelopeCodec.decode(bytes) }
    }

    @Test func testEveryStrictPrefixOfEveryFixtureNeverTraps_whenDecoded() throws {
        for name in FixtureFiles.names(in: "v1") {
            let bytes = try FixtureFiles.binary("v1", name)
            for length in 0..<bytes.count {
                // Any outcome but a trap is fine: prefixes may be valid messages.
                _ = try? EnvelopeCodec.decode(Array(bytes[0..<length]))
            }
        }
    }
}
