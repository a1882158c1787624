import Testing
@testable import IKEWire
@Test func smoke() { #expect(true) }
