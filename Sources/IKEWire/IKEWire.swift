/// IKEWire: pure parse and serialise of IKEv2 messages (RFC 7296, RFC 7383 fragments,
/// RFC 7427 signature AUTH, CP attributes incl. Cisco Unity and Microsoft). No I/O, no
/// Foundation; imports only HubVocabulary. Every error is a typed ``IKEParseError`` that
/// names the payload and octet offset and maps to the Notify to answer with.
///
/// # Receiving
/// ```swift
/// switch UDPDatagramClassifier.classify(natTraversalDatagram: datagram) {
/// case .ike(let offset):
///     let message = try IKEMessage.parse(Array(datagram[offset...]))   // 1. structure
///     try message.validate()                                           // 2. semantic bounds
///     try MessageRules.verifyUnencryptedPart(message, against: .ikeAuthInitialRequest) // before crypto
///     if let sk = message.encryptedPayload {
///         let aad = try IKEMessage.associatedData(ofSerialized: received) // header ‖ SK header
///         let parts = try sk.parts(ivLength: 8, icvLength: 16)           // IKECrypto decrypts
///         let inner = try EncryptedPayload.innerPayloads(fromPlaintext: plaintext,
///                                                        firstPayload: sk.innerFirstPayload)
///         try Payload.validateChain(inner)
///         try MessageRules.verify(message, innerPayloads: inner, against: .ikeAuthInitialRequest)
///     }
/// case .esp, .natKeepalive, .invalid: …
/// }
/// ```
/// On error, answer with `error.notifyToSend` and `error.notifyData`
/// (INVALID_SYNTAX, UNSUPPORTED_CRITICAL_PAYLOAD, INVALID_MAJOR_VERSION), or drop when it
/// is `nil`. SKF fragments go through a ``FragmentReassembler`` per Message ID.
///
/// # Sending
/// Build ``Payload`` values (``NotifyPayload/cookie(_:)``, ``SecurityAssociationPayload``,
/// ``ConfigurationPayload`` …), order them with ``MessageRules/ordered(_:by:)``, produce the
/// SK plaintext with ``EncryptedPayload/plaintext(for:blockSize:)``, and serialise an
/// ``IKEMessage`` (header Length and Next Payload are filled in by `serialize()`).
///
/// # Types
/// - Message: ``IKEMessage`` (`header`, `payloads`), ``IKEHeader``, ``ExchangeType``,
///   ``PayloadType``, ``GenericPayloadFlags``, ``Payload`` (one case per payload type).
/// - Payloads (`Payloads/`, one file each, with the RFC bit diagram):
///   ``SecurityAssociationPayload`` / ``Proposal`` / ``Transform`` / ``TransformAttribute``,
///   ``KeyExchangePayload``, ``IdentificationPayload`` (HubVocabulary `PeerIdentity`),
///   ``CertificatePayload``, ``CertificateRequestPayload``, ``AuthenticationPayload`` and
///   ``DigitalSignatureAuthentication`` / ``SignatureAlgorithmIdentifier``,
///   ``NoncePayload``, ``NotifyPayload`` (typed data readers/builders) with ``NotifyType``,
///   ``DeletePayload``, ``VendorIDPayload`` / ``KnownVendorID``, ``TrafficSelectorPayload``
///   (HubVocabulary `TrafficSelector`), ``EncryptedPayload``, ``EncryptedFragmentPayload``,
///   ``ConfigurationPayload`` / ``ConfigurationAttribute`` / ``ConfigurationAttributeType``,
///   ``EAPPayload``, ``UnknownPayload``.
/// - Rules: ``MessageRules`` (tables of ``PayloadRule`` per exchange and direction, one
///   `verify`), ``FragmentReassembler`` with ``FragmentReassemblyError``.
/// - Plumbing: ``ByteReader`` / ``ByteWriter`` (bounds-checked, big-endian),
///   ``UDPDatagramClassifier`` (IKE / ESP / NAT keepalive on port 4500),
///   ``IKEWireFuzzing/exercise(_:)`` (one entry for the libFuzzer target and the crasher tests).
///
/// Round trip: `IKEMessage.parse(bytes).serialize() == bytes` for every accepted
/// message; reserved fields and unknown payloads are kept as received.
public enum IKEWire {}
