import HubVocabulary
import IKECrypto
@testable import IKEExchanges
import IKEWire
import Testing

/// Unit tests of the pure helpers the exchanges use: proposal selection (RFC 7296 §2.7,
/// §3.3.6), traffic selector narrowing (§2.9) and cookies (§2.6).
@Suite struct SelectionAndPolicyTests {
    static let gcm256 = try! EncryptionTransform(.aesGCM16, keyLengthBits: 256)
    static let cbc128 = try! EncryptionTransform(.aesCBC, keyLengthBits: 128)

    @Test func testFirstConfiguredProposalWins_notThePeersFirst() throws {
        let configured = [
            IKEProposalConfiguration(name: "first", encryptions: [Self.gcm256], prfs: [.hmacSHA256], groups: [.ecp256]),
            IKEProposalConfiguration(name: "second", encryptions: [Self.cbc128], integrities: [.hmacSHA256_128],
                                     prfs: [.hmacSHA256], groups: [.ecp256]),
        ]
        let cbcOffer = Proposal(number: 1, protocolID: .ike, transforms: [
            encryptionTransform(Self.cbc128), Transform(type: .pseudorandomFunction, id: 5), Transform(type: .integrity, id: 12),
            Transform(type: .keyExchangeMethod, id: 19)])
        let gcmOffer = Proposal(number: 2, protocolID: .ike, transforms: [
            encryptionTransform(Self.gcm256), Transform(type: .pseudorandomFunction, id: 5), Transform(type: .keyExchangeMethod, id: 19)])
        guard case .selected(let chosen) = ProposalSelection.selectIKE(offered: [cbcOffer, gcmOffer], configured: configured,
                                                                       keyExchangeGroup: 19) else {
            Issue.record("nothing selected")
            return
        }
        #expect(chosen.number == 2 && chosen.configurationName == "first")
        #expect(chosen.responseProposal().transforms.map(\.type) == [.encryption, .pseudorandomFunction, .keyExchangeMethod])
    }

    @Test func testProposalWithUnknownTransformTypeIsUnacceptable() {
        let configured = [IKEProposalConfiguration(name: "p", encryptions: [Self.gcm256], prfs: [.hmacSHA256], groups: [.ecp256])]
        // RFC 7296 §3.3.6: a Transform Type we do not understand (ADDKE1 = 6) makes it unacceptable.
        let offer = Proposal(number: 1, protocolID: .ike, transforms: [
            encryptionTransform(Self.gcm256), Transform(type: .pseudorandomFunction, id: 5), Transform(type: .keyExchangeMethod, id: 19),
            Transform(type: .additionalKeyExchange(1), id: 35)])
        guard case .noProposal = ProposalSelection.selectIKE(offered: [offer], configured: configured, keyExchangeGroup: 19) else {
            Issue.record("accepted an unknown transform type")
            return
        }
    }

    @Test func testAEADWithIntegrityIsNotChosen_andKeyLengthMustMatch() {
        let configured = [IKEProposalConfiguration(name: "p", encryptions: [Self.gcm256], prfs: [.hmacSHA256], groups: [.ecp256])]
        let withInteg = Proposal(number: 1, protocolID: .ike, transforms: [
            encryptionTransform(Self.gcm256), Transform(type: .pseudorandomFunction, id: 5), Transform(type: .integrity, id: 12),
            Transform(type: .keyExchangeMethod, id: 19)])
        let shortKey = Proposal(number: 1, protocolID: .ike, transforms: [
            Transform(type: .encryption, id: 20, keyLength: 128), Transform(type: .pseudorandomFunction, id: 5),
            Transform(type: .keyExchangeMethod, id: 19)])
        for offer in [withInteg, shortKey] {
            guard case .noProposal = ProposalSelection.selectIKE(offered: [offer], configured: configured, keyExchangeGroup: 19) else {
                Issue.record("accepted \(offer)")
                continue
            }
        }
    }

    @Test(arguments: [([UInt16(1)], true), ([0], false), ([0, 1], false)])
    func testExtendedSequenceNumbersFollowOurPreference(offered: [UInt16], expected: Bool) {
        let configured = [ChildProposalConfiguration(name: "esp", encryptions: [Self.gcm256], extendedSequenceNumbers: [false, true])]
        let offer = espProposal(spi: 0x1000, encryption: Self.gcm256, esn: offered)
        guard case .selected(let chosen) = ProposalSelection.selectChild(offered: [offer], configured: configured,
                                                                         keyExchangeGroup: nil, inIKEAuth: true) else {
            Issue.record("nothing selected")
            return
        }
        #expect(chosen.extendedSequenceNumbers == expected)
        #expect(chosen.peerSPI == 0x1000)
    }

    @Test func testESPWithCBCNeedsIntegrity() {
        let configured = [ChildProposalConfiguration(name: "esp", encryptions: [Self.cbc128], integrities: [.hmacSHA256_128])]
        let without = espProposal(spi: 0x1000, encryption: Self.cbc128)
        let with = espProposal(spi: 0x1001, encryption: Self.cbc128, integrity: .hmacSHA256_128)
        guard case .noProposal = ProposalSelection.selectChild(offered: [without], configured: configured, keyExchangeGroup: nil,
                                                               inIKEAuth: true) else {
            Issue.record("CBC without integrity accepted")
            return
        }
        guard case .selected(let chosen) = ProposalSelection.selectChild(offered: [without, with], configured: configured,
                                                                         keyExchangeGroup: nil, inIKEAuth: true) else {
            Issue.record("CBC with integrity refused")
            return
        }
        #expect(chosen.transforms.integrity == .hmacSHA256_128 && chosen.peerSPI == 0x1001)
    }

    // MARK: - Traffic selectors

    static func range(_ start: UInt32, _ end: UInt32, proto: UInt8 = 0, ports: ClosedRange<UInt16> = 0...65535) -> TrafficSelector {
        TrafficSelector(ipProtocol: proto, startPort: ports.lowerBound, endPort: ports.upperBound,
                        startAddress: .v4(IPv4Address(start)), endAddress: .v4(IPv4Address(end)))
    }

    @Test func testIntersectionNarrowsAddressesPortsAndProtocol() {
        let offered = Self.range(0x0a00_0000, 0x0aff_ffff, proto: 6, ports: 1000...2000)
        let allowed = Self.range(0x0a01_0000, 0x0a01_ffff, proto: 0, ports: 1500...65535)
        #expect(TrafficSelectorNarrowing.intersection(offered, allowed) == Self.range(0x0a01_0000, 0x0a01_ffff, proto: 6, ports: 1500...2000))
        #expect(TrafficSelectorNarrowing.intersection(offered, Self.range(0x0b00_0000, 0x0b00_00ff)) == nil)
        #expect(TrafficSelectorNarrowing.intersection(offered, Self.range(0x0a00_0000, 0x0aff_ffff, proto: 17)) == nil)
        #expect(TrafficSelectorNarrowing.intersection(.allIPv4, .allIPv6) == nil)
    }

    @Test func testInitiatorSelectorBecomesTheAssignedHost_onlyWhenItCoversIt() {
        let assigned = IPAddress.v4(IPv4Address(0x0a0a_0005))
        #expect(TrafficSelectorNarrowing.narrowToAssigned([.allIPv4], assigned: [assigned]) == [.host(assigned)])
        #expect(TrafficSelectorNarrowing.narrowToAssigned([.host(assigned)], assigned: [assigned]) == [.host(assigned)])
        #expect(TrafficSelectorNarrowing.narrowToAssigned([Self.range(0xc000_0200, 0xc000_02ff)], assigned: [assigned]).isEmpty)
    }

    // MARK: - Cookies

    @Test func testCookieOfThePreviousSecretStaysValid_forOnePeriod() throws {
        var jar = CookieJar(lifetimeSeconds: 10)
        let random = SystemRandom()
        let nonce = try random.nonce(), address = IPAddress.v4(IPv4Address(0xcb00_7107)), spi = IKESPI(42)
        let start = MonotonicTime(seconds: 0)
        let cookie = try jar.cookie(nonce: nonce, address: address, spi: spi, now: start, random: random)
        #expect(try jar.isValid(cookie, nonce: nonce, address: address, spi: spi, now: start.adding(seconds: 5), random: random))
        // Another initiator cannot reuse it.
        #expect(try !jar.isValid(cookie, nonce: nonce, address: .v4(IPv4Address(1)), spi: spi, now: start, random: random))
        // One rotation later it is still accepted, two rotations later it is not.
        #expect(try jar.isValid(cookie, nonce: nonce, address: address, spi: spi, now: start.adding(seconds: 11), random: random))
        #expect(try !jar.isValid(cookie, nonce: nonce, address: address, spi: spi, now: start.adding(seconds: 22), random: random))
    }

    // MARK: - Late answers

    @Test func testLateLeaseIsReleased_whenTheSessionIsGone() {
        var table = IKESATable(configuration: Harness.configuration())
        let gone = SessionID(high: 9, low: 9)
        let effects = table.handle(addressResult: .assigned(Harness.assignment), session: gone, at: MonotonicTime(seconds: 1))
        guard case .releaseAddress(let release)? = effects.first else {
            Issue.record("lease kept: \(effects)")
            return
        }
        #expect(release.lease == Harness.assignment.lease)
    }
}
