import Foundation
import HubVocabulary
import IKECrypto
import IKEExchanges
import IKEWire
import Testing
@testable import IKEFrontend

/// The checkpoint record: every field survives encode → decode, and no damaged record
/// decodes.
@Suite struct CheckpointCodecTests {
    static func secret(_ byte: UInt8, _ count: Int) -> SecretBytes { SecretBytes([UInt8](repeating: byte, count: count)) }

    static func checkpoint() throws -> IKESACheckpoint {
        let transforms = try NegotiatedIKETransforms(encryption: try EncryptionTransform(.aesCBC, keyLengthBits: 256), prf: .hmacSHA256,
                                                     integrity: .hmacSHA256_128, group: .curve25519)
        let keys = IKEKeys(skD: secret(1, 32), skAi: secret(2, 32), skAr: secret(3, 32), skEi: secret(4, 32),
                           skEr: secret(5, 32), skPi: secret(6, 32), skPr: secret(7, 32))
        let child = IKESACheckpoint.Child(
            inboundSPI: 0xc1c1_0001, outboundSPI: 0xc2c2_0002, proposalNumber: 2,
            transforms: try ChildSATransforms(encryption: try EncryptionTransform(.aesGCM16, keyLengthBits: 128), integrity: nil),
            extendedSequenceNumbers: true, pfsGroup: .ecp256, proposalName: "ts",
            localSelectors: [TrafficSelector(startAddress: .v4(IPv4Address(0x0a01_0000)), endAddress: .v4(IPv4Address(0x0a01_ffff)))],
            remoteSelectors: [.host(.v4(IPv4Address(0x0a0a_0005))), .allIPv6], lifetimeSeconds: 3600, ageSeconds: 120)
        var checkpoint = IKESACheckpoint(
            session: SessionID(high: 0x1122_3344_5566_7788, low: 0x99aa_bbcc_ddee_ff00),
            identifier: IKESAIdentifier(initiatorSPI: IKESPI(0xa1), responderSPI: IKESPI(0xb2)), localSPI: IKESPI(0xb2),
            role: .originalResponder,
            remote: Endpoint(address: .v4(IPv4Address(0xcb00_7107)), port: 4500),
            local: Endpoint(address: .v6(IPv6Address(high: 0x2001_0db8 << 32, low: 1)), port: 4500),
            peerBehindNAT: true, localBehindNAT: false, transforms: transforms, proposalName: "prop", keys: keys,
            nextInboundMessageID: MessageID(7), nextOutboundMessageID: MessageID(3), lastResponseMessageID: MessageID(6),
            lastResponse: [[1, 2, 3], [4, 5]], peerSupportsFragmentation: true, profile: "users",
            identity: .email("alice@example.com"), username: "alice",
            address: AddressAssignment(lease: LeaseID(42), ipv4Address: IPv4Address(0x0a0a_0005), ipv4Netmask: IPv4Address(0xffff_ffff),
                                       ipv6Address: IPv6Address(high: 0xfd00 << 48, low: 5), ipv6PrefixLength: 64,
                                       attributes: [ConfigurationAttribute(type: .internalIP4DNS, value: [10, 1, 0, 53])]),
            virtualAccess: VirtualAccessInterface(index: 9),
            authorization: SessionAuthorization(pushedAttributes: [ConfigurationAttribute(type: .internalDNSDomain, value: Array("example.com".utf8))],
                                                framedIPv4Address: IPv4Address(0x0a0a_0005), poolName: "pool", virtualTemplate: 2,
                                                accountingClass: [[0xca, 0xfe]]),
            accountingStarted: true, lifetimeSeconds: 86_400, ageSeconds: 300, children: [child])
        checkpoint.authorization?.sessionTimeoutSeconds = 3600
        return checkpoint
    }

    @Test func testEveryFieldSurvives_encodeDecode() throws {
        let original = try Self.checkpoint()
        let bytes = CheckpointCodec.encode(original)
        let decoded = try CheckpointCodec.decode(bytes)
        #expect(CheckpointCodec.encode(decoded) == bytes)
        #expect(decoded.session == original.session && decoded.identifier == original.identifier)
        #expect(decoded.transforms == original.transforms)
        #expect(decoded.keys.skPr == original.keys.skPr && decoded.keys.skD == original.keys.skD)
        #expect(decoded.remote == original.remote && decoded.local == original.local)
        #expect(decoded.lastResponse == original.lastResponse && decoded.lastResponseMessageID == MessageID(6))
        #expect(decoded.profile == "users" && decoded.identity == original.identity && decoded.username == "alice")
        #expect(decoded.address == original.address && decoded.authorization == original.authorization)
        #expect(decoded.virtualAccess == VirtualAccessInterface(index: 9))
        #expect(decoded.children == original.children)
    }

    @Test func testEveryStrictPrefix_isRefused() throws {
        let bytes = CheckpointCodec.encode(try Self.checkpoint())
        for length in 0..<bytes.count {
            #expect(throws: CheckpointCodec.DecodingError.self) { _ = try CheckpointCodec.decode(Array(bytes.prefix(length))) }
        }
        #expect(throws: CheckpointCodec.DecodingError.self) { _ = try CheckpointCodec.decode(bytes + [0]) }
    }

    @Test func testOtherVersion_isRefusedByName() throws {
        var bytes = CheckpointCodec.encode(try Self.checkpoint())
        bytes[0] = 2
        #expect(throws: CheckpointCodec.DecodingError(field: "version", offset: 0)) { _ = try CheckpointCodec.decode(bytes) }
    }

    @Test func testStore_keepsTheLatestPerSession_andIsPrivate() throws {
        let directory = NSTemporaryDirectory() + "ikehub-checkpoints-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/ike-checkpoints.db"
        var checkpoint = try Self.checkpoint()
        do {
            let store = try CheckpointStore(path: path)
            try store.save(checkpoint)
            checkpoint.nextInboundMessageID = MessageID(8)
            try store.save(checkpoint)
        }
        var info = stat()
        #expect(stat(path, &info) == 0 && info.st_mode & 0o077 == 0)
        let reopened = try CheckpointStore(path: path)
        let loaded = try reopened.loadAll()
        #expect(loaded.checkpoints.count == 1 && loaded.refused.isEmpty)
        #expect(loaded.checkpoints.first?.nextInboundMessageID == MessageID(8))
        try reopened.remove(checkpoint.session)
        #expect(try reopened.loadAll().checkpoints.isEmpty)
    }
}
