import Foundation
@testable import FlexConfig

/// Reads the fixtures shipped with the test target.
enum Fixture {
    static var directory: URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures")
    }

    static func text(_ name: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
    }

    static var allNames: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0.hasSuffix(".cfg") }.sorted()
    }

    static func load(_ name: String) throws -> FlexConfig.LoadResult {
        FlexConfig.load(text: try text(name), file: name)
    }
}

/// Loads one inline configuration; the file name in diagnostics is `t.cfg`.
func load(_ text: String) -> FlexConfig.LoadResult {
    FlexConfig.load(text: text, file: "t.cfg")
}
