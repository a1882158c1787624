import Foundation
import Testing
import HubVocabulary

/// A decrypted inner payload chain of a published or captured message (padding removed):
/// the `-decrypted` plaintext vectors here, and the `plain_NN` values of the `.keys` files
/// in `Tests/IKECryptoTests/Vectors` (the plaintexts the peers logged, checked against
/// our decryption by IKEInteropTests), SKF fragments joined in Fragment Number order.
///
/// Everything is located with the test's own walk of the RFC 7296 §3 layouts, not with
/// IKEWire, so that mutation tests over these chains do not trust the parser.
struct InnerChainVector: CustomTestStringConvertible, Sendable {
    let name: String
    let firstPayload: UInt8
    let chain: [UInt8]

    var testDescription: String { name }

    /// Every non-empty inner chain available to the tests.
    static let all: [InnerChainVector] = fromPlaintextVectors() + fromLoggedPlaintexts()

    /// `-decrypted` vectors: payloads ‖ padding ‖ Pad Length (RFC 7296 §3.14).
    private static func fromPlaintextVectors() -> [InnerChainVector] {
        VectorFile.plaintexts.compactMap { vector in
            guard let padLength = vector.bytes.last.map(Int.init), padLength + 1 <= vector.bytes.count else { return nil }
            let chain = Array(vector.bytes[0..<(vector.bytes.count - padLength - 1)])
            return chain.isEmpty ? nil : InnerChainVector(name: vector.name, firstPayload: vector.firstPayload.rawValue, chain: chain)
        }
    }

    private static let keysDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("IKECryptoTests/Vectors")

    /// `plain_NN = hex` lines of every `.keys` file, keyed by scenario then NN.
    private static func loggedPlaintexts() -> [(scenario: String, plain: [String: [UInt8]])] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: keysDirectory.path)) ?? []
        return names.filter { $0.hasSuffix(".keys") }.sorted().compactMap { name in
            guard let text = try? String(contentsOf: keysDirectory.appendingPathComponent(name), encoding: .utf8) else { return nil }
            var plain: [String: [UInt8]] = [:]
            for line in text.split(separator: "\n") where line.hasPrefix("plain_") {
                let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2, let bytes = Hex.decode(parts[1]) else { continue }
                plain[String(parts[0].dropFirst("plain_".count))] = bytes
            }
            return plain.isEmpty ? nil : (String(name.dropLast(".keys".count)), plain)
        }
    }

    /// The SK or SKF of a message found by walking the generic headers from octet 28.
    private struct EncryptedPart {
        let isFragment: Bool
        let nextPayload: UInt8
        let fragmentNumber: Int
        let totalFragments: Int
    }

    private static func encryptedPart(of message: [UInt8]) -> EncryptedPart? {
        guard message.count >= 28 else { return nil }
        var type = message[16]
        var offset = 28
        while type != 0, offset + 4 <= message.count {
            let length = Int(message[offset + 2]) << 8 | Int(message[offset + 3])
            if type == 46 { return EncryptedPart(isFragment: false, nextPayload: message[offset], fragmentNumber: 1, totalFragments: 1) }
            if type == 53, offset + 8 <= message.count {
                let number = Int(message[offset + 4]) << 8 | Int(message[offset + 5])
                let total = Int(message[offset + 6]) << 8 | Int(message[offset + 7])
                return EncryptedPart(isFragment: true, nextPayload: message[offset], fragmentNumber: number, totalFragments: total)
            }
            guard length >= 4 else { return nil }
            type = message[offset]
            offset += length
        }
        return nil
    }

    /// The decrypted SK/SKF content (a whole chain, or one fragment's part) the peer
    /// logged for the message vector `name`, if its scenario has a `.keys` file.
    static let loggedContent: [String: [UInt8]] = {
        var result: [String: [UInt8]] = [:]
        for (scenario, plain) in loggedPlaintexts() {
            for vector in VectorFile.all where vector.name.hasPrefix(scenario + "-") {
                let number = String(vector.name.dropFirst(scenario.count + 1).prefix(2))
                if let content = plain[number] { result[vector.name] = content }
            }
        }
        return result
    }()

    private static func fromLoggedPlaintexts() -> [InnerChainVector] {
        var result: [InnerChainVector] = []
        for (scenario, plain) in loggedPlaintexts() {
            // Fragments of one message: same SPIs, Message ID and flags (octets 0–15, 19–23).
            var fragments: [[UInt8]: [(number: Int, total: Int, next: UInt8, content: [UInt8], name: String)]] = [:]
            for vector in VectorFile.all where vector.name.hasPrefix(scenario + "-") {
                let number = String(vector.name.dropFirst(scenario.count + 1).prefix(2))
                let message = vector.messageBytes
                guard let content = plain[number], !content.isEmpty, let part = encryptedPart(of: message) else { continue }
                if part.isFragment {
                    let key = Array(message[0..<16]) + Array(message[19..<24])
                    fragments[key, default: []].append((part.fragmentNumber, part.totalFragments, part.nextPayload, content, vector.name))
                } else {
                    result.append(InnerChainVector(name: vector.name + " (decrypted)", firstPayload: part.nextPayload, chain: content))
                }
            }
            for (_, parts) in fragments.sorted(by: { $0.value[0].name < $1.value[0].name }) {
                let ordered = parts.sorted { $0.number < $1.number }
                guard let first = ordered.first, first.number == 1, ordered.count == first.total,
                      ordered.map(\.number) == Array(1...first.total) else { continue }
                result.append(InnerChainVector(name: "\(first.name)…\(ordered.count) fragments (reassembled)",
                                               firstPayload: first.next, chain: ordered.flatMap(\.content)))
            }
        }
        return result
    }
}
