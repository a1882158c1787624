/// One entry point that drives every parser of untrusted input in this module, for the
/// libFuzzer target `FuzzIKEWire` and the crasher regression test. It never traps; it
/// reports whether the invariants held, and the fuzz driver decides to abort.
public enum IKEWireFuzzing {
    /// Feeds `bytes` to the datagram classifier, the message parser, validation, the
    /// rules, the inner-payload parser (treating the SK body as plaintext), the EAP and
    /// RFC 7427 sub-parsers and the reassembler. Returns `false` only when a message
    /// that parsed does not re-encode to the same octets.
    public static func exercise(_ bytes: [UInt8]) -> Bool {
        _ = UDPDatagramClassifier.classify(natTraversalDatagram: bytes)
        // The same octets as a decrypted SK plaintext with each plausible first payload.
        for first in [PayloadType.notify, .identificationInitiator, .securityAssociation, .configuration, .eap] {
            if let inner = try? EncryptedPayload.innerPayloads(fromPlaintext: bytes, firstPayload: first) {
                _ = try? Payload.validateChain(inner)
                guard Payload.serializeChain(inner) == (try? EncryptedPayload.removingPadding(bytes)) else { return false }
            }
        }
        _ = try? EAPPayload(eapMessage: bytes)
        _ = try? DigitalSignatureAuthentication.parse(bytes)
        guard let message = try? IKEMessage.parse(bytes) else { return true }
        _ = try? message.validate()
        _ = try? MessageRules.verify(message)
        _ = try? IKEMessage.associatedData(ofSerialized: bytes)
        for payload in message.payloads {
            if case .notify(let notify) = payload { _ = try? notify.redirect() }
            if case .configuration(let cp) = payload {
                for attribute in cp.attributes { _ = try? attribute.decodedValue() }
            }
        }
        if let fragment = message.encryptedFragment {
            var reassembler = FragmentReassembler()
            _ = try? reassembler.add(fragment, content: fragment.body)
        }
        return message.serialize() == bytes
    }
}
