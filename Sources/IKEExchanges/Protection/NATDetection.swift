import HubVocabulary
import IKECrypto
import IKEWire

/// NAT_DETECTION_SOURCE_IP / _DESTINATION_IP (RFC 7296 §2.23):
/// SHA-1(SPIi ‖ SPIr ‖ IP address ‖ port), SPIr zero in the request.
enum NATDetection {
    static func hash(spis: IKESAIdentifier, endpoint: Endpoint) throws(IKECryptoError) -> [UInt8] {
        try MessageDigest.sha1.hash(parts: [spis.initiatorSPI.bytes, spis.responderSPI.bytes, endpoint.address.bytes, endpoint.portBytes])
    }

    /// What the request's NAT detection notifies say.
    struct Finding: Hashable, Sendable {
        /// The peer's source address was rewritten: the peer is behind a NAT.
        var peerBehindNAT: Bool
        /// The address the peer sent to is not ours: we are behind a NAT.
        var localBehindNAT: Bool
        /// The peer sent NAT detection notifies at all (then we answer with ours).
        var peerSupportsNATT: Bool

        var natDetected: Bool { peerBehindNAT || localBehindNAT }
    }

    /// Compares the received hashes with the datagram's real addresses. "If none of the
    /// NAT_DETECTION_SOURCE_IP hashes match, the peer is behind a NAT" (RFC 7296 §2.23).
    static func evaluate(_ notifies: [NotifyPayload], initiatorSPI: IKESPI, remote: Endpoint,
                         local: Endpoint) throws(IKECryptoError) -> Finding {
        let spis = IKESAIdentifier(initiatorSPI: initiatorSPI, responderSPI: .zero)
        let sources = notifies.filter { $0.notifyType == .natDetectionSourceIP }.map(\.data)
        let destinations = notifies.filter { $0.notifyType == .natDetectionDestinationIP }.map(\.data)
        guard !sources.isEmpty || !destinations.isEmpty else {
            return Finding(peerBehindNAT: false, localBehindNAT: false, peerSupportsNATT: false)
        }
        let remoteHash = try hash(spis: spis, endpoint: remote)
        let localHash = try hash(spis: spis, endpoint: local)
        return Finding(peerBehindNAT: !sources.contains { constantTimeEquals($0, remoteHash) },
                       localBehindNAT: !destinations.isEmpty && !destinations.contains { constantTimeEquals($0, localHash) },
                       peerSupportsNATT: true)
    }

    /// Our two notifies for the IKE_SA_INIT response.
    static func responseNotifies(spis: IKESAIdentifier, remote: Endpoint, local: Endpoint) throws(IKECryptoError) -> [NotifyPayload] {
        [.natDetectionSourceIP(hash: try hash(spis: spis, endpoint: local)),
         .natDetectionDestinationIP(hash: try hash(spis: spis, endpoint: remote))]
    }
}
