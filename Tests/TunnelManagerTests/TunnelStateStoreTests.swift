import Foundation
import Testing
import ESPDataPlane
import HubIPC
import HubVocabulary
@testable import TunnelManager

/// The tunnel manager's restart state: rows survive a reopen, sequence checkpoints land on
/// their SA, and restored outbound SAs continue above the checkpoint.
@Suite struct TunnelStateStoreTests {
    static func temporaryPath() throws -> (directory: String, path: String) {
        let directory = NSTemporaryDirectory() + "ikehub-tunnels-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return (directory, directory + "/tunnels.db")
    }

    @Test func testRowsSurviveAReopen_andSequencesLandOnTheirSA() throws {
        let (directory, path) = try Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let session = Data((0..<16).map { UInt8($0) })
        let inbound = Wire.childSA(spi: 0xc1, direction: .inbound, keyMaterial: [UInt8](repeating: 1, count: 20))
        let outbound = Wire.childSA(spi: 0xd2, direction: .outbound, keyMaterial: [UInt8](repeating: 2, count: 20))
        do {
            let store = try TunnelStateStore(path: path)
            try store.saveVirtualAccess(3, session: session, request: .with {
                $0.virtualTemplate = 1
                $0.clientAddresses = [Wire.address("198.18.50.7")]
            })
            try store.saveChildSA(inbound, number: 3, installedAtNanoseconds: 42)
            try store.saveChildSA(outbound, number: 3, installedAtNanoseconds: 42)
            try store.saveSequences([(0xd2, false, 1234), (0xc1, true, 99)])
        }
        var info = stat()
        #expect(stat(path, &info) == 0 && info.st_mode & 0o077 == 0)
        let store = try TunnelStateStore(path: path)
        let loaded = try store.loadAll()
        #expect(loaded.refused.isEmpty)
        #expect(loaded.virtualAccess.map(\.number) == [3] && loaded.virtualAccess.first?.session == session)
        #expect(loaded.virtualAccess.first?.request.clientAddresses == [Wire.address("198.18.50.7")])
        let bySPI = Dictionary(uniqueKeysWithValues: loaded.childSAs.map { ($0.message.spi, $0) })
        #expect(bySPI[0xd2]?.sequence == 1234 && bySPI[0xc1]?.sequence == 99)
        #expect(bySPI[0xd2]?.message == outbound && bySPI[0xc1]?.installedAtNanoseconds == 42)
        try store.removeVirtualAccess(3)
        let empty = try store.loadAll()
        #expect(empty.virtualAccess.isEmpty && empty.childSAs.isEmpty)
    }

    @Test func testRestoredOutboundSA_continuesAboveTheCheckpointByTheMargin() throws {
        let message = Wire.childSA(spi: 0xd2, direction: .outbound, keyMaterial: [UInt8](repeating: 2, count: 20))
        guard case .outbound(let sa) = try message.converted(field: "sa", now: WallTime(secondsSinceEpoch: 1), restoredSequence: 5000) else {
            Issue.record("not outbound")
            return
        }
        #expect(sa.lastSequenceNumber == 5000 + IPCv1ChildSA.restartMargin)
        // Near the end of the 32-bit space it stops at the limit (the SA then asks for a rekey).
        guard case .outbound(let late) = try message.converted(field: "sa", now: WallTime(secondsSinceEpoch: 1),
                                                               restoredSequence: UInt64(UInt32.max) - 10) else { return }
        #expect(late.lastSequenceNumber == UInt64(UInt32.max))
        var inboundMessage = message
        inboundMessage.direction = .inbound
        guard case .inbound(let inbound) = try inboundMessage.converted(field: "sa", now: WallTime(secondsSinceEpoch: 1),
                                                                       restoredSequence: 777) else { return }
        #expect(inbound.replayWindowTop == 777)
    }
}
