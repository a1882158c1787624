import HubVocabulary
import Testing
@testable import FlexConfig

/// Lines, words, quotes and columns.
struct LexerTests {
    @Test func testColumnsCountCharacters_whenALineHoldsNonASCIIText() {
        let result = load("crypto ikev2 profile p\n match identity remote fqdn é x")
        #expect(result.errors.map(\.description) == ["t.cfg:2:31: error: invalid input 'x'; expected the end of the command"])
    }

    @Test func testCarriageReturnsAreIgnored_whenTheFileHasWindowsLineEnds() {
        let result = load("aaa new-model\r\nip local pool p 10.0.0.1 10.0.0.2\r\n")
        #expect(result.diagnostics.isEmpty)
        #expect(result.configuration.aaa.newModel)
        #expect(result.configuration.ipv4Pools.first?.ranges.first?.count == 2)
    }

    @Test func testAQuotedWordIsNeverAKeyword_whenAKeywordIsExpected() {
        let result = load("aaa \"new-model\"")
        #expect(result.errors.map(\.description) == [
            "t.cfg:1:5: error: invalid input '\"new-model\"'; expected one of 'accounting', 'attribute', 'authentication', 'authorization', 'group', 'new-model', 'server'",
        ])
    }

    @Test func testQuotesGroupWordsAndTabsSeparate_whenMixed() {
        var log = DiagnosticLog()
        let lines = ConfigLexer.lines(of: "\tattribute\ttype interface-config \"ip  mtu 1100\" tail", file: "t.cfg", log: &log)
        #expect(lines.count == 1)
        #expect(lines[0].words.map(\.text) == ["attribute", "type", "interface-config", "ip  mtu 1100", "tail"])
        #expect(lines[0].words.map(\.column) == [2, 12, 17, 34, 49])
        #expect(lines[0].words.map(\.quoted) == [false, false, false, true, false])
        #expect(log.entries.isEmpty)
    }

    @Test func testBangLinesAndBlankLinesAreRecognised_whenIndented() {
        var log = DiagnosticLog()
        let kinds = ConfigLexer.lines(of: "  ! comment\n\n   \nend", file: "t.cfg", log: &log).map(\.kind)
        #expect(kinds == [.bang, .blank, .blank, .command])
    }
}

/// The seed's initiator-side syntax is understood and named.
struct InitiatorSyntaxTests {
    @Test func testLocalEAPIsAnInitiatorOnlyWarning_whenWrittenInAProfile() {
        let result = load("crypto ikev2 profile p\n match identity remote any\n authentication local eap md5 username u password 0 pw\n authentication local pre-share key k\n authentication remote pre-share key k")
        #expect(result.errors.isEmpty)
        #expect(result.warnings.first?.description == "t.cfg:3:2: warning: 'authentication local eap' configures an IKEv2 initiator, and IKEHub is a responder only; ignored")
        #expect(result.configuration.ikev2.profiles.first?.localAuthentication == .preShared(SecretBytes(Array("k".utf8))))
    }
}

/// Type 7 keys, with the two encodings of "cisco" that IOS documentation and many
/// published examples show (`0822455D0A16`, `070C285F4D06`).
struct TypeSevenTests {
    @Test(arguments: ["0822455D0A16", "070C285F4D06"])
    func testTypeSevenKeysAreDecoded_whenPastedFromIOS(_ encoded: String) {
        #expect(CiscoType7.decode(encoded) == Array("cisco".utf8))
        let result = load("radius server r\n address ipv4 192.0.2.1\n key 7 \(encoded)\nusername u password 7 \(encoded)")
        #expect(result.diagnostics.isEmpty)
        #expect(result.configuration.radiusServer(named: "r")?.key == SecretBytes(Array("cisco".utf8)))
        #expect(result.configuration.users.first?.credential == .password(type: 0, SecretBytes(Array("cisco".utf8))))
    }
}
