import Foundation
import Testing
import HubVocabulary

/// A `.keys` file from Tests/IKECryptoTests/Vectors: `name = value` lines written from a
/// real peer's logs (see Tools/capture/README.md for how each value was obtained).
struct KnownKeys: CustomTestStringConvertible, Sendable {
    let scenario: String
    let values: [String: String]

    var testDescription: String { scenario }

    func hex(_ name: String) -> [UInt8]? { values[name].flatMap { Hex.decode($0) } }
    func integer(_ name: String) -> UInt16? { values[name].flatMap { UInt16($0) } }

    static let vectorsDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()

    /// Every strongSwan/libreswan capture with keys.
    static let all: [KnownKeys] = {
        let directory = vectorsDirectory.appendingPathComponent("IKECryptoTests/Vectors")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".keys") && ($0.hasPrefix("strongswan-") || $0.hasPrefix("libreswan-")) }
            .sorted()
            .compactMap { name in
                guard let text = try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8) else { return nil }
                var values: [String: String] = [:]
                for line in text.split(separator: "\n") where !line.hasPrefix("#") {
                    guard let equals = line.range(of: " = ") else {
                        if line.hasSuffix(" =") { values[String(line.dropLast(2))] = "" }
                        continue
                    }
                    values[String(line[..<equals.lowerBound])] = String(line[equals.upperBound...])
                }
                return KnownKeys(scenario: String(name.dropLast(5)), values: values)
            }
    }()

    /// The captured messages of this scenario, by message number (NN in the file name).
    func messages() -> [(number: String, name: String, bytes: [UInt8])] {
        let directory = Self.vectorsDirectory.appendingPathComponent("IKEWireTests/Vectors")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasPrefix(scenario + "-") && $0.hasSuffix(".hex") }.sorted().compactMap { name in
            let rest = name.dropFirst(scenario.count + 1)
            let number = String(rest.prefix(2))
            guard number.allSatisfy(\.isNumber),
                  let text = try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8) else { return nil }
            let hex = text.split(separator: "\n").filter { !$0.hasPrefix("#") }.joined()
            guard let bytes = Hex.decode(hex) else { return nil }
            return (number, name, bytes)
        }
    }
}
