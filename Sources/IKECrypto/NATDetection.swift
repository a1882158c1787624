import HubVocabulary

/// The data of NAT_DETECTION_SOURCE_IP / NAT_DETECTION_DESTINATION_IP notifies
/// (RFC 7296 §2.23): SHA-1(SPIi | SPIr | IP address | port), address in network order
/// (4 or 16 octets), port as 2 octets. In an IKE_SA_INIT request SPIr is zero.
public enum NATDetection {
    /// The 20-octet notify data for `address`:`port` as seen in this exchange.
    public static func hash(
        initiatorSPI: IKESPI, responderSPI: IKESPI, address: IPAddress, port: UInt16
    ) throws(IKECryptoError) -> [UInt8] {
        try MessageDigest.sha1.hash(initiatorSPI.bytes, responderSPI.bytes, address.bytes,
                                    [UInt8(port >> 8), UInt8(port & 0xff)])
    }
}
