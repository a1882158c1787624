import Foundation
import Testing
@testable import HubLauncher

/// The launcher reads from /proc whether a child has trapped SIGHUP yet.
struct SignalDispositionTests {
    static let status = """
        Name:\tikehub-addrd
        SigQ:\t0/95744
        SigPnd:\t0000000000000000
        ShdPnd:\t0000000000000000
        SigBlk:\t0000000000000000
        SigIgn:\t0000000000001000
        SigCgt:\t0000000100004001
        """

    @Test func testCatches_readsTheSigCgtBitOfTheSignal() {
        #expect(SignalDisposition.catches(SIGHUP, status: Self.status))   // bit 0
        #expect(SignalDisposition.catches(SIGTERM, status: Self.status))  // bit 14
        #expect(!SignalDisposition.catches(SIGINT, status: Self.status))
        #expect(!SignalDisposition.catches(SIGPIPE, status: Self.status))  // ignored, not caught
        #expect(SignalDisposition.catches(33, status: Self.status))
        #expect(!SignalDisposition.catches(0, status: Self.status))
        #expect(!SignalDisposition.catches(SIGHUP, status: "Name:\tx\n"))
    }

    @Test func testCatches_isFalseForAProcessWithTheDefaultAction_andForOneThatIsGone() throws {
        let sleeper = Process()
        sleeper.executableURL = URL(fileURLWithPath: "/bin/sleep")
        sleeper.arguments = ["5"]
        try sleeper.run()
        #expect(!SignalDisposition.catches(SIGHUP, pid: sleeper.processIdentifier))
        sleeper.terminate()
        sleeper.waitUntilExit()
        #expect(!SignalDisposition.catches(SIGHUP, pid: sleeper.processIdentifier))
    }
}
