import Foundation
import HubVocabulary
@testable import IKEWire

/// One `Vectors/*.hex` file: hex octets with `#` comment lines; `# key: value` comment
/// lines are expectations (`expect-payloads`, `expect-exchange`, …) checked by the runner.
struct VectorFile: CustomTestStringConvertible, Sendable {
    let name: String
    /// The octets as stored (a NAT-T datagram keeps its non-ESP marker).
    let bytes: [UInt8]
    let directives: [String: String]
    /// Every comment line, for the heuristics below.
    let comments: [String]

    var testDescription: String { name }

    /// True when the octets (marker removed) have the shape of an IKEv2 message: version
    /// 2 and a Length field equal to the size.
    var looksLikeIKEMessage: Bool {
        let message = messageBytes
        guard message.count >= IKEHeader.size, message[17] >> 4 == 2 else { return false }
        let length = message[24..<28].reduce(0) { $0 << 8 | Int($1) }
        return length == message.count
    }

    /// An ESP-in-UDP datagram stored beside the IKE messages (the capture helper's
    /// `*-esp-*` files): not IKE-shaped, and its comments say ESP.
    var isESPDatagram: Bool {
        if let kind = directives["expect-kind"] { return kind.hasPrefix("esp") }
        return !looksLikeIKEMessage && comments.contains { $0.contains("ESP") }
    }

    /// True for a decrypted SK plaintext (`# content: sk-plaintext`) rather than a message.
    var isPlaintext: Bool { directives["content"] == "sk-plaintext" }

    /// True when the file is a UDP 4500 datagram starting with the non-ESP marker: said by
    /// `# udp-port: 4500`, or recognised (four zero octets, then a version 2 header), so
    /// captures added without the directive work too.
    var hasNonESPMarker: Bool {
        if directives["udp-port"]?.hasPrefix("4500") ?? false { return true }
        return bytes.count >= 32 && bytes[0..<4].allSatisfy { $0 == 0 } && bytes[21] >> 4 == 2
    }

    /// The first inner payload type of a plaintext vector (`# first-payload: IDi` or a number).
    var firstPayload: PayloadType {
        let text = directives["first-payload"] ?? "none"
        if let number = UInt8(text) { return PayloadType(number) }
        return (0...255).map { PayloadType(UInt8($0)) }.first { $0.abbreviation == text } ?? .none
    }

    /// The IKE message octets (marker removed through the classifier under test).
    var messageBytes: [UInt8] {
        guard hasNonESPMarker else { return bytes }
        guard let slice = UDPDatagramClassifier.ikeMessage(inNATTraversalDatagram: bytes) else { return [] }
        return Array(slice)
    }

    init(name: String, text: String) {
        self.name = name
        var hex = ""
        var directives: [String: String] = [:]
        var comments: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("#") {
                let body = trimmed.dropFirst().trimmingCharacters(in: .whitespaces)
                comments.append(body)
                if let colon = body.firstIndex(of: ":"), !body[..<colon].contains(" ") {
                    directives[String(body[..<colon])] = body[body.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                }
            } else {
                hex += trimmed
            }
        }
        self.bytes = Hex.decode(hex) ?? []
        self.directives = directives
        self.comments = comments
    }

    static func directory(_ subdirectory: String) -> URL? {
        Bundle.module.url(forResource: subdirectory, withExtension: nil)
    }

    /// Every `*.hex` file directly in `Vectors/` (or a subdirectory), sorted by name.
    static func load(_ subdirectory: String = "Vectors") -> [VectorFile] {
        guard let directory = directory(subdirectory),
              let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return [] }
        return names.filter { $0.hasSuffix(".hex") }.sorted().compactMap { name in
            guard let text = try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8) else { return nil }
            return VectorFile(name: String(name.dropLast(4)), text: text)
        }
    }

    /// All IKE message vectors.
    static let all: [VectorFile] = load().filter { !$0.isPlaintext && !$0.isESPDatagram }
    /// Decrypted SK plaintexts (payloads ‖ padding ‖ Pad Length).
    static let plaintexts: [VectorFile] = load().filter(\.isPlaintext)
    /// UDP datagram vectors (ESP, keepalive) for the classifier: `Vectors/udp/` plus ESP
    /// datagrams stored in `Vectors/`.
    static let datagrams: [VectorFile] = load("Vectors/udp") + load().filter(\.isESPDatagram)

    /// The vector called `name`; fails the test when it is missing.
    static func named(_ name: String) throws -> VectorFile {
        try #require(all.first { $0.name == name }, "vector \(name) missing")
    }
}

import Testing

/// Offsets of the generic payload headers of a message, found by walking the Next
/// Payload / Payload Length fields directly (independent of the parser under test).
func payloadHeaderOffsets(of message: [UInt8]) -> [Int] {
    var offsets: [Int] = []
    var next = message.count > 16 ? message[16] : 0
    var offset = IKEHeader.size
    while next != 0, offset + 4 <= message.count {
        offsets.append(offset)
        let type = next
        next = message[offset]
        let length = Int(message[offset + 2]) << 8 | Int(message[offset + 3])
        if type == 46 || type == 53 || length < 4 { break }
        offset += length
    }
    return offsets
}

extension IKEParseError {
    /// True for the two length errors (`truncated`, `lengthMismatch`).
    var isLengthError: Bool {
        switch self {
        case .truncated, .lengthMismatch: true
        default: false
        }
    }

    var isTruncated: Bool {
        if case .truncated = self { true } else { false }
    }
}

/// Parses and returns the error, or `nil` when parsing succeeded.
func parseError(_ bytes: [UInt8]) -> IKEParseError? {
    do {
        _ = try IKEMessage.parse(bytes)
        return nil
    } catch {
        return error
    }
}

// MARK: - Hand-built messages (RFC 7296 §3.1 layout, written out in the test)

/// Hex to octets for hand-written layouts; spaces allowed.
func bytes(_ hex: String) -> [UInt8] {
    Hex.decode(hex) ?? []
}

/// An IKE header (SPIi 0x0102030405060708, SPIr 0) followed by `body`, with Length set.
func handBuiltMessage(firstPayload: UInt8, exchange: UInt8 = 34, flags: UInt8 = 0x08, messageID: UInt32 = 0,
                      version: UInt8 = 0x20, body: [UInt8]) -> [UInt8] {
    let length = 28 + body.count
    var header: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0, 0, 0, 0, firstPayload, version, exchange, flags]
    header += (0..<4).map { UInt8(truncatingIfNeeded: messageID >> (24 - 8 * UInt32($0))) }
    header += (0..<4).map { UInt8(truncatingIfNeeded: length >> (24 - 8 * $0)) }
    return header + body
}

/// One generic payload: Next Payload, flags octet, Length, body.
func handBuiltPayload(next: UInt8, flags: UInt8 = 0, body: [UInt8]) -> [UInt8] {
    let length = 4 + body.count
    return [next, flags, UInt8(truncatingIfNeeded: length >> 8), UInt8(truncatingIfNeeded: length)] + body
}

/// Parses a single payload of `type` from its body via a one-payload message.
func parseSinglePayload(type: UInt8, flags: UInt8 = 0, body: [UInt8]) throws(IKEParseError) -> Payload {
    let message = try IKEMessage.parse(handBuiltMessage(firstPayload: type, body: handBuiltPayload(next: 0, flags: flags, body: body)))
    guard let payload = message.payloads.first else { throw .invalidSyntax(payload: nil, offset: 0, reason: "no payload") }
    return payload
}

/// The error thrown by `body`, if any.
func thrownError<T>(_ body: () throws(IKEParseError) -> T) -> IKEParseError? {
    do {
        _ = try body()
        return nil
    } catch {
        return error
    }
}
