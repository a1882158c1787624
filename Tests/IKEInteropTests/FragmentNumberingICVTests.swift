import Testing
import HubVocabulary
import IKECrypto
import IKEWire

/// A lie in an SKF's Fragment Number or Total Fragments can leave a well-formed fragment
/// ("2 of 3" told "3 of 3"); what rejects it is integrity protection: both fields are in
/// the octets the ICV covers (RFC 7383 §3.1). Checked on every captured fragment with
/// the keys its peer logged (IKEWireTests' mutation tests point here).
@Suite struct FragmentNumberingICVTests {
    @Test(arguments: KnownKeys.all)
    func testFragmentNumberingThatLies_failsIntegrityCheck(capture: KnownKeys) throws {
        let associations = try CapturedExchangeTests.securityAssociations(capture)
        var checked = 0
        for message in capture.messages() {
            let parsed = try IKEMessage.parse(message.bytes)
            guard let fragment = parsed.encryptedFragment else { continue }
            let sa = try #require(associations.first {
                $0.spiI == parsed.header.initiatorSPI && $0.spiR == parsed.header.responderSPI
            })
            let cipher = try EncryptedPayloadCipher(
                transforms: sa.transforms, keys: sa.keys,
                sender: parsed.header.isFromOriginalInitiator ? .originalInitiator : .originalResponder)
            let kind = EncryptedPayloadKind.encryptedFragment
            let offset = try IKEMessage.associatedData(ofSerialized: message.bytes).count - kind.headerLength
            // The unmutated fragment opens: the lies below fail for their own reason.
            _ = try cipher.open(message: message.bytes, encryptedPayloadOffset: offset, kind: kind)
            let fields = [(offset + 4, Int(fragment.fragmentNumber)), (offset + 6, Int(fragment.totalFragments))]
            for (fieldOffset, value) in fields {
                for lie in [value + 1, value - 1, 0xffff] where lie >= 0 && lie != value {
                    var mutated = message.bytes
                    mutated[fieldOffset] = UInt8(truncatingIfNeeded: lie >> 8)
                    mutated[fieldOffset + 1] = UInt8(truncatingIfNeeded: lie)
                    #expect(throws: (any Error).self, "\(message.name): octets \(fieldOffset)… told \(lie)") {
                        try cipher.open(message: mutated, encryptedPayloadOffset: offset, kind: kind)
                    }
                }
            }
            checked += 1
        }
        #expect(checked > 0 || !capture.scenario.contains("frag"))
    }
}
