import Foundation
import HubVocabulary

/// One case of a vector file: `name = value` lines under a `[title]` line. Values are hex
/// (white space and continuation lines allowed) or a double-quoted ASCII string.
struct VectorCase: CustomTestStringConvertible, Sendable {
    let file: String
    let title: String
    let line: Int
    let fields: [String: String]

    var testDescription: String { "\(file) [\(title)]" }

    /// The octets of `name`; records a test issue naming the file and line when absent or bad.
    func bytes(_ name: String) -> [UInt8] {
        guard let value = fields[name] else {
            Issue.record("\(file):\(line) [\(title)] has no field \(name)")
            return []
        }
        if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 {
            return Array(value.dropFirst().dropLast().utf8)
        }
        guard let bytes = Hex.decode(value) else {
            Issue.record("\(file):\(line) [\(title)] field \(name) is not hex")
            return []
        }
        return bytes
    }

    func secret(_ name: String) -> SecretBytes { SecretBytes(bytes(name)) }

    func string(_ name: String) -> String { fields[name] ?? "" }

    func integer(_ name: String) -> Int { Int(fields[name] ?? "") ?? -1 }

    func has(_ name: String) -> Bool { fields[name] != nil }
}

import Testing

/// Loads `Tests/IKECryptoTests/Vectors/<name>` (copied into the test bundle).
enum VectorFile {
    static func cases(_ name: String) -> [VectorCase] {
        guard let url = Bundle.module.url(forResource: "Vectors/\(name)", withExtension: nil),
              let text = try? String(contentsOf: url, encoding: .utf8) else {
            return []
        }
        return parse(text, file: name)
    }

    static func parse(_ text: String, file: String) -> [VectorCase] {
        var cases: [VectorCase] = []
        var title: String?
        var titleLine = 0
        var fields: [String: String] = [:]
        var lastKey: String?
        func finish() {
            if let title { cases.append(VectorCase(file: file, title: title, line: titleLine, fields: fields)) }
            title = nil
            fields = [:]
            lastKey = nil
        }
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(rawLine)
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("#") { continue }
            if trimmed.isEmpty { finish(); continue }
            if trimmed.hasPrefix("["), trimmed.hasSuffix("]") {
                finish()
                title = String(trimmed.dropFirst().dropLast())
                titleLine = index + 1
                continue
            }
            if line.first == " ", let key = lastKey {
                fields[key, default: ""] += trimmed
                continue
            }
            guard let separator = line.range(of: " = ") else { continue }
            let key = String(line[..<separator.lowerBound]).trimmingCharacters(in: .whitespaces)
            fields[key] = String(line[separator.upperBound...]).trimmingCharacters(in: .whitespaces)
            lastKey = key
        }
        finish()
        return cases
    }
}
