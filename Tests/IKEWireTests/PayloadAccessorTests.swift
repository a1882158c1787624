import HubVocabulary
import Testing
@testable import IKEWire

@Suite("Payload look-ups and message summary")
struct PayloadAccessorTests {
    @Test func testAccessors_findThePayloadsOfACapturedIKESAInit() throws {
        let message = try IKEMessage.parse(VectorFile.named("cisco-ios-ike_sa_init-request").messageBytes)
        let payloads = message.payloads
        #expect(payloads.securityAssociation?.proposals.count == 1)
        #expect(payloads.keyExchange?.group == 2)
        #expect(payloads.nonce?.data.count == 64)
        #expect(payloads.vendorIDs.count == 4)
        #expect(payloads.notify(.natDetectionDestinationIP) != nil)
        #expect(payloads.notify(.cookie) == nil)
        #expect(payloads.identificationInitiator == nil)
        #expect(message.description == "IKE_SA_INIT request 0 [ SA KE Nonce V V V N(NAT_DETECTION_SOURCE_IP) N(NAT_DETECTION_DESTINATION_IP) V ]")
    }

    @Test func testAccessors_findTheInnerPayloadsOfAnIKEAuthRequest() throws {
        let vector = try #require(VectorFile.plaintexts.first { $0.name == "android-ike_auth-request-decrypted" })
        let inner = try EncryptedPayload.innerPayloads(fromPlaintext: vector.bytes, firstPayload: vector.firstPayload)
        #expect(inner.identificationInitiator?.identity == .address(IPAddress("10.80.80.13")!))
        #expect(inner.identificationResponder?.identity == .address(IPAddress("10.80.80.80")!))
        #expect(inner.authentication?.method == .sharedKeyMessageIntegrityCode)
        #expect(inner.trafficSelectorInitiator?.addressRanges == [.allIPv4])
        #expect(inner.trafficSelectorResponder?.addressRanges == [.allIPv4])
        #expect(inner.notifies.map(\.notifyType) == [.initialContact, .setWindowSize])
        #expect(inner.configuration == nil)
        let message = try IKEMessage.parse(VectorFile.named("android-ike_auth-request").messageBytes)
        #expect(message.description == "IKE_AUTH request 1 [ SK{IDi…} ]")
    }
}
