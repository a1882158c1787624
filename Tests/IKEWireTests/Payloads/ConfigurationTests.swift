import HubVocabulary
import Testing
@testable import IKEWire

/// RFC 7296 §3.15 CP payload and the attribute length rules of §3.15.1.
@Suite("Configuration payload")
struct ConfigurationTests {
    private func parse(_ body: [UInt8]) throws(IKEParseError) -> ConfigurationPayload {
        guard case .configuration(let cp) = try parseSinglePayload(type: 47, body: body) else {
            throw .invalidSyntax(payload: nil, offset: 0, reason: "not CP")
        }
        return cp
    }

    @Test func testCFGRequest_withEmptyAttributes_decodes() throws {
        // CFG_REQUEST for INTERNAL_IP4_ADDRESS, INTERNAL_IP4_DNS, INTERNAL_IP6_ADDRESS, APPLICATION_VERSION.
        let body = bytes("01 000000 0001 0000 0003 0000 0008 0000 0007 0000")
        let cp = try parse(body)
        #expect(cp.configurationType == .request)
        #expect(cp.attributes.map(\.type) == [.internalIP4Address, .internalIP4DNS, .internalIP6Address, .applicationVersion])
        #expect(cp.attributes.allSatisfy { $0.value.isEmpty })
        #expect(try cp.attributes.map { try $0.decodedValue() } == [.empty, .empty, .empty, .empty])
        try cp.validate()
        #expect(Payload.configuration(cp).bodyBytes == body)
    }

    @Test func testCFGReply_decodesTypedValues() throws {
        let reply = ConfigurationPayload(configurationType: .reply, attributes: [
            .ipv4(.internalIP4Address, IPv4Address("10.1.2.3")!),
            .ipv4(.internalIP4Netmask, IPv4Address("255.255.255.0")!),
            .ipv4Subnet(address: IPv4Address("192.168.0.0")!, netmask: IPv4Address("255.255.0.0")!),
            .ipv6Prefix(.internalIP6Address, IPv6Address("2001:db8::5")!, prefixLength: 64),
            .ipv6(.internalIP6DNS, IPv6Address("2001:db8::53")!),
            .text(.applicationVersion, "IKEHub 1.0"),
            .text(.internalDNSDomain, "corp.example"),
            ConfigurationAttribute(type: .supportedAttributes, value: bytes("0001 0003 7000")),
        ])
        let parsed = try parse(Payload.configuration(reply).bodyBytes)
        #expect(parsed == reply)
        let values = try parsed.attributes.map { try $0.decodedValue() }
        #expect(values == [
            .ipv4(IPv4Address("10.1.2.3")!),
            .ipv4(IPv4Address("255.255.255.0")!),
            .ipv4Subnet(address: IPv4Address("192.168.0.0")!, netmask: IPv4Address("255.255.0.0")!),
            .ipv6Prefix(address: IPv6Address("2001:db8::5")!, prefixLength: 64),
            .ipv6(IPv6Address("2001:db8::53")!),
            .text("IKEHub 1.0"),
            .text("corp.example"),
            .attributeTypes([.internalIP4Address, .internalIP4DNS, .unityBanner]),
        ])
        try parsed.validate()
    }

    /// (type, value length, allowed) from the RFC 7296 §3.15.1 table / ikev2-numbers.md §11.2.
    static let lengthRules: [(UInt16, Int, Bool)] = [
        (1, 0, true), (1, 4, true), (1, 3, false), (1, 8, false),
        (2, 4, true), (2, 5, false), (3, 4, true), (3, 16, false), (4, 4, true), (6, 4, true), (6, 2, false),
        (7, 0, true), (7, 200, true),
        (8, 0, true), (8, 17, true), (8, 16, false),
        (10, 16, true), (10, 17, false), (12, 16, true), (12, 4, false),
        (13, 8, true), (13, 4, false),
        (14, 0, true), (14, 6, true), (14, 3, false),
        (15, 17, true), (15, 16, false), (17, 8, true), (17, 12, true), (17, 7, false),
        (18, 17, true), (18, 8, false), (20, 4, true), (20, 16, false), (21, 16, true), (21, 17, true), (21, 4, false),
        (25, 11, true), (26, 3, true), (26, 2, false),
        (23456, 4, true), (23456, 16, false), (23457, 16, true), (23457, 4, false),
        (28672, 37, true), (28675, 100, true), (28676, 14, true), (16520, 9, true), (9999, 3, true),
    ]

    @Test(arguments: lengthRules)
    func testAttributeLengthRule(type: UInt16, length: Int, allowed: Bool) throws {
        let attribute = ConfigurationAttribute(type: ConfigurationAttributeType(type), value: Array(repeating: 1, count: length))
        #expect((attribute.lengthViolation == nil) == allowed)
        let cp = ConfigurationPayload(configurationType: .reply, attributes: [attribute])
        let error = thrownError { () throws(IKEParseError) in try cp.validate() }
        #expect((error == nil) == allowed)
        if !allowed { #expect(error?.notifyToSend == .invalidSyntax) }
    }

    @Test func testAttributeLengthPastThePayload_throwsLengthMismatch() {
        #expect(thrownError { () throws(IKEParseError) in try parse(bytes("02 000000 0001 0004 0a00")) }
                == .lengthMismatch(payload: .configuration, offset: 38, declared: 4, available: 2))
    }

    @Test func testReservedBitAndUnknownAttributes_areKept() throws {
        let body = bytes("02 000001 8001 0004 0a000001 4321 0002 abcd")
        let cp = try parse(body)
        #expect(cp.reserved == 1)
        #expect(cp.attributes[0].reservedBit)
        #expect(cp.attributes[0].type == .internalIP4Address)
        #expect(cp.attributes[1].type.rawValue == 0x4321)
        #expect(try cp.attributes[1].decodedValue() == .opaque([0xab, 0xcd]))
        #expect(Payload.configuration(cp).bodyBytes == body)
    }

    @Test func testCiscoUnityAttributes_areNamedAndSplitListsDecode() throws {
        #expect(ConfigurationAttributeType.unityBanner.rawValue == 28672)
        #expect(ConfigurationAttributeType.unitySplitInclude.description == "UNITY_SPLIT_INCLUDE")
        #expect(ConfigurationAttributeType.ciscoUnknownSeenOnIPhone.rawValue == 28683)
        #expect(ConfigurationAttributeType.microsoftInternalIP4Server.description == "INTERNAL_IP4_SERVER")
        let split = ConfigurationAttribute.unityNetworks(.unitySplitInclude, [
            (IPv4Address("10.0.0.0")!, IPv4Address("255.0.0.0")!),
            (IPv4Address("172.16.0.0")!, IPv4Address("255.240.0.0")!),
        ])
        // cisco-attributes.md §2: address(4) + mask(4) + 6 zero octets per network.
        #expect(split.value == bytes("0a000000 ff000000 000000000000 ac100000 fff00000 000000000000"))
        guard case .unityNetworks(let networks) = try split.decodedValue() else {
            Issue.record("not a network list")
            return
        }
        #expect(networks.map(\.address) == [IPv4Address("10.0.0.0")!, IPv4Address("172.16.0.0")!])
        let broken = ConfigurationAttribute(type: .unityLocalLAN, value: Array(repeating: 0, count: 13))
        #expect(thrownError { () throws(IKEParseError) in try broken.decodedValue() } != nil)
        #expect(try ConfigurationAttribute.text(.unityBanner, "Welcome").decodedValue() == .text("Welcome"))
    }
}
