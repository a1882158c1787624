/// Which payload carries the encrypted data, which fixes how long its header is.
public enum EncryptedPayloadKind: Hashable, Sendable {
    /// Encrypted and Authenticated payload, type 46 (RFC 7296 §3.14): 4-octet generic header.
    case encrypted
    /// Encrypted and Authenticated Fragment payload, type 53 (RFC 7383 §2.5): the generic
    /// header plus Fragment Number and Total Fragments, 8 octets.
    case encryptedFragment

    /// Octets from the payload's first octet to its IV.
    public var headerLength: Int { self == .encrypted ? 4 : 8 }
}

/// Which end of the IKE SA sends the messages a cipher protects; picks SK_ei/SK_ai or
/// SK_er/SK_ar. "Original" is the IKE SA's initiator, whoever starts a later exchange.
public enum IKEMessageSender: Hashable, Sendable {
    case originalInitiator
    case originalResponder
}
