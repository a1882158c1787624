@testable import HubDaemon
import Logging
import Testing

@Suite struct JournalLogHandlerTests {
    static func event(_ level: Logger.Level, _ message: Logger.Message, _ metadata: Logger.Metadata? = nil) -> LogEvent {
        LogEvent(level: level, message: message, metadata: metadata, source: "test", file: #fileID, function: #function, line: #line)
    }

    @Test(arguments: [(Logger.Level.debug, 7), (.info, 6), (.notice, 5), (.warning, 4), (.error, 3), (.critical, 2)])
    func testPriorityPrefixMatchesSdDaemon_whenJournalStreamIsSet(level: Logger.Level, priority: Int) {
        let handler = JournalLogHandler(label: "ikehub-test", level: .trace, environment: ["JOURNAL_STREAM": "8:1"])
        #expect(handler.format(event: Self.event(level, "hello")) == "<\(priority)>hello")
    }

    @Test func testSensitiveValueIsRedacted_unlessTheOperatorAllowsIt() {
        let metadata: Logger.Metadata = ["user.name": .sensitive("alice@example.com"), "session.id": "5a10"]
        let strict = JournalLogHandler(label: "t", environment: ["JOURNAL_STREAM": "8:1"])
        #expect(strict.format(event: Self.event(.info, "auth ok", metadata)) == "<6>auth ok session.id=5a10 user.name=<redacted>")
        let lab = JournalLogHandler(label: "t", environment: ["JOURNAL_STREAM": "8:1", "IKEHUB_LOG_SENSITIVE": "1"])
        #expect(lab.format(event: Self.event(.info, "auth ok", metadata)) == "<6>auth ok session.id=5a10 user.name=alice@example.com")
    }

    @Test func testLineCarriesTimeProcessAndLevel_whenNotUnderTheJournal() {
        let handler = JournalLogHandler(label: "ikehub-test", environment: [:])
        let line = handler.format(event: Self.event(.warning, "careful"))
        #expect(line.hasSuffix(" warning: careful"))
        #expect(line.contains(" ikehub-test["))
        #expect(line.first?.isNumber == true, "no timestamp: \(line)")
    }

    @Test(arguments: [(0, "1970-01-01T00:00:00Z"), (1_000_000_000, "2001-09-09T01:46:40Z"), (1_709_210_096, "2024-02-29T12:34:56Z")])
    func testTimestampIsISO8601InUTC(seconds: Int, text: String) {
        #expect(JournalLogHandler.timestamp(seconds) == text)
    }

    @Test func testValuesWithBlanksOrQuotesAreQuotedAndEscaped() {
        let handler = JournalLogHandler(label: "t", environment: ["JOURNAL_STREAM": "8:1"])
        let line = handler.format(event: Self.event(.info, "m", ["reason": "said \"no\" twice", "plain": "x"]))
        #expect(line == #"<6>m plain=x reason="said \"no\" twice""#)
    }
}
