import Foundation

/// The committed golden encodings (`Fixtures/`), read from the test bundle.
enum FixtureFiles {
    static var root: URL {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
    }

    /// Names (without extension) of every `.binpb` in `Fixtures/<folder>`.
    static func names(in folder: String) -> [String] {
        let directory = root.appendingPathComponent(folder)
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".binpb") }.map { String($0.dropLast(6)) }.sorted()
    }

    static func binary(_ folder: String, _ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: root.appendingPathComponent("\(folder)/\(name).binpb")))
    }

    /// The text-format source of a fixture, without its `# proto-message` line.
    static func text(_ folder: String, _ name: String) throws -> String {
        let text = try String(contentsOf: root.appendingPathComponent("\(folder)/\(name).txtpb"), encoding: .utf8)
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.joined(separator: "\n")
    }

    /// The body field numbers declared in `common.proto`'s `oneof body`, read
    /// from the schema source so a new case without a fixture fails the test.
    static func declaredBodyFieldNumbers() throws -> Set<Int> {
        let schema = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Protocols/ikehub/ipc/v1/common.proto")
        let text = try String(contentsOf: schema, encoding: .utf8)
        guard let start = text.range(of: "oneof body {"),
              let end = text.range(of: "\n  }", range: start.upperBound..<text.endIndex) else { return [] }
        var numbers = Set<Int>()
        for line in text[start.upperBound..<end.lowerBound].split(separator: "\n") {
            let code = line.split(separator: "//").first ?? ""
            if let equals = code.lastIndex(of: "="), let semicolon = code.lastIndex(of: ";"),
               let number = Int(code[code.index(after: equals)..<semicolon].trimmingCharacters(in: .whitespaces)) {
                numbers.insert(number)
            }
        }
        return numbers
    }
}
