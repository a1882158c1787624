import Testing
@testable import IKEWire

/// "Every length field that lies throws": every length and count field inside every
/// capture and every decrypted inner chain — payload lengths, proposal and transform
/// lengths, SPI sizes, counts, selector, CP attribute, EAP, RFC 7427 and REDIRECT
/// lengths, SKF numbering — told ±1 and its largest value. The fields are found by
/// ``LengthFieldWalker`` from the RFC layouts, not by the parser under test.
///
/// A lie must be caught by parsing (the structural step) or by `validate()` (the
/// semantic step every receiver runs next, see `IKEWire.swift`). SKF numbering is the
/// one place where a lie can leave a well-formed single message (fragment 2 of 3 told
/// it is 3 of 3 is a valid fragment in itself): there the fragment set of the capture
/// must fail to reassemble (RFC 7383 §2.6).
@Suite("Vectors: every length field that lies")
struct LengthFieldMutationTests {
    /// What became of a lie.
    enum Verdict {
        case rejectedByParse(IKEParseError)
        case rejectedByValidation(IKEParseError)
        case accepted
    }

    static func verdict(message bytes: [UInt8]) -> Verdict {
        let message: IKEMessage
        do { message = try IKEMessage.parse(bytes) } catch { return .rejectedByParse(error) }
        do { try message.validate() } catch { return .rejectedByValidation(error) }
        return .accepted
    }

    static func verdict(chain bytes: [UInt8], firstPayload: UInt8) -> Verdict {
        let payloads: [Payload]
        do { payloads = try Payload.parseChain(bytes, firstPayload: PayloadType(firstPayload)) } catch { return .rejectedByParse(error) }
        do { try Payload.validateChain(payloads) } catch { return .rejectedByValidation(error) }
        return .accepted
    }

    /// The Nonce Data of the REDIRECT in `mutated` is not the Ni of the IKE_SA_INIT
    /// request with the same initiator SPI among the vectors.
    static func redirectNonceDiffersFromNi(_ mutated: [UInt8], request response: VectorFile) throws -> Bool {
        let message = try IKEMessage.parse(mutated)
        let notify = try #require(message.payloads.compactMap { if case .notify(let n) = $0, n.notifyType == .redirect { n } else { nil } }.first)
        let redirect = try notify.redirect()
        let request = try #require(VectorFile.all.first {
            $0.messageBytes.count > 28 && Array($0.messageBytes[0..<8]) == Array(mutated[0..<8])
                && $0.messageBytes[18] == 34 && $0.messageBytes[19] & 0x20 == 0
        }, "no IKE_SA_INIT request for \(response.name)")
        let ni = try #require(try IKEMessage.parse(request.messageBytes).payloads.compactMap {
            if case .nonce(let nonce) = $0 { nonce.data } else { nil }
        }.first)
        return redirect.nonce != ni
    }

    /// The error names a place inside the buffer that was parsed.
    static func namesAPlace(_ error: IKEParseError, in count: Int) -> Bool {
        guard let offset = error.offset else { return true }
        return (0...count).contains(offset)
    }

    @Test(arguments: VectorFile.all)
    func testEveryLengthFieldThatLies_isRejected_whenInTheMessage(vector: VectorFile) throws {
        let bytes = vector.messageBytes
        #expect(Self.verdict(message: bytes).isAccepted, "the capture itself must be accepted")
        let fields = LengthFieldWalker.fields(ofMessage: bytes)
        #expect(!fields.isEmpty)
        for field in fields {
            for lie in field.lies {
                let mutated = field.writing(lie, into: bytes)
                switch Self.verdict(message: mutated) {
                case .rejectedByParse(let error), .rejectedByValidation(let error):
                    #expect(Self.namesAPlace(error, in: mutated.count), "\(field) told \(lie): \(error)")
                case .accepted:
                    if field.name.hasPrefix("SKF") {
                        // nil: a hand-built fragment set without plaintext completed (see below).
                        let caught = try FragmentSet.lieIsCaught(replacing: vector, with: mutated)
                        #expect(caught != false, "\(field) told \(lie): the fragments still reassemble")
                    } else if field.name.hasPrefix("N(REDIRECT)") {
                        // An FQDN one octet shorter or longer is still an FQDN, and the
                        // Nonce Data after it has no length of its own (RFC 5685 §8.2). What
                        // catches the lie is that Nonce Data must be the initiator's Ni, which
                        // the redirected initiator compares: check it no longer is.
                        #expect(try Self.redirectNonceDiffersFromNi(mutated, request: vector),
                                "\(field) told \(lie): REDIRECT still carries the initiator's Ni")
                    } else {
                        Issue.record("\(field) told \(lie) was accepted as a different message")
                    }
                }
            }
        }
    }

    @Test(arguments: InnerChainVector.all)
    func testEveryLengthFieldThatLies_isRejected_whenInTheDecryptedChain(vector: InnerChainVector) {
        #expect(Self.verdict(chain: vector.chain, firstPayload: vector.firstPayload).isAccepted, "the chain itself must be accepted")
        let fields = LengthFieldWalker.fields(ofChain: vector.chain, firstPayload: vector.firstPayload)
        #expect(!fields.isEmpty)
        for field in fields {
            for lie in field.lies {
                let mutated = field.writing(lie, into: vector.chain)
                switch Self.verdict(chain: mutated, firstPayload: vector.firstPayload) {
                case .rejectedByParse(let error), .rejectedByValidation(let error):
                    #expect(Self.namesAPlace(error, in: mutated.count), "\(field) told \(lie): \(error)")
                case .accepted:
                    Issue.record("\(field) told \(lie) was accepted as a different chain")
                }
            }
        }
    }

    /// The walk reaches every kind of field the captures contain, so the two tests above
    /// are not vacuous; the inner chains (strongSwan, libreswan, Wireshark, AOSP) carry
    /// the CP, TS, EAP, AUTH and Delete fields the outer messages lack.
    @Test func testTheWalk_findsEveryKindOfLengthField() {
        var names = Set<String>()
        for vector in VectorFile.all {
            for field in LengthFieldWalker.fields(ofMessage: vector.messageBytes) { names.insert(Self.kind(field.name)) }
        }
        for vector in InnerChainVector.all {
            for field in LengthFieldWalker.fields(ofChain: vector.chain, firstPayload: vector.firstPayload) {
                names.insert(Self.kind(field.name))
            }
        }
        let expected: Set<String> = [
            "payload length", "SA proposal length", "SA proposal SPI size", "SA proposal Num Transforms",
            "SA transform length", "N SPI size", "N(REDIRECT) GW Ident Len", "D SPI size", "D Num of SPIs",
            "Number of TSs", "Selector Length", "CP attribute length", "EAP length",
            "SKF Fragment Number", "SKF Total Fragments", "AUTH RFC 7427 AlgorithmIdentifier length",
        ]
        #expect(expected.subtracting(names).isEmpty, "never reached: \(expected.subtracting(names).sorted())")
        // The captures carry no TLV transform attribute: RFC 7296 §3.3.5 defines only Key
        // Length, which is TV (AF = 1), and TV has no length to lie in. The next test
        // covers the TLV length with a hand-built attribute.
        #expect(InnerChainVector.all.count >= 40)
    }

    /// RFC 7296 §3.3.5 TLV form (AF = 0), which no capture has: an SA whose transform
    /// carries a 3-octet TLV attribute of type 0x0123 before Key Length 256, laid out by hand.
    @Test func testTLVTransformAttributeLengthThatLies_isRejected() throws {
        let transform = bytes("00 00 0017 01 00 0014 0123 0003 aabbcc 800e 0100 8007 0001")
        let sa = bytes("00 00 0023 01 03 04 01 11223344") + transform
        let message = handBuiltMessage(firstPayload: 33, body: handBuiltPayload(next: 0, body: sa))
        #expect(Self.verdict(message: message).isAccepted)
        let fields = LengthFieldWalker.fields(ofMessage: message)
        let tlv = try #require(fields.first { $0.name == "SA transform attribute length (TLV)" })
        #expect(tlv.offset == 28 + 4 + 12 + 8 + 2 && tlv.value == 3)
        for field in fields {
            for lie in field.lies {
                #expect(!Self.verdict(message: field.writing(lie, into: message)).isAccepted, "\(field) told \(lie)")
            }
        }
    }

    private static func kind(_ name: String) -> String {
        if name.hasSuffix("payload length") { return "payload length" }
        for suffix in ["Number of TSs", "Selector Length"] where name.hasSuffix(suffix) { return suffix }
        return name
    }
}

extension LengthFieldMutationTests.Verdict {
    var isAccepted: Bool { if case .accepted = self { true } else { false } }
}

/// The SKF fragments of one captured message: the vectors with the same SPIs, Message ID
/// and flags, in Fragment Number order.
enum FragmentSet {
    private static func key(_ bytes: [UInt8]) -> [UInt8] { Array(bytes[0..<16]) + Array(bytes[19..<24]) }

    /// Feeds the capture's fragments to a ``FragmentReassembler`` with `vector` replaced by
    /// `mutated`, each with the decrypted content its peer logged; true when reassembly
    /// throws, never completes, or completes with a chain that does not parse and validate;
    /// `nil` when a set without plaintext completes.
    ///
    /// The hand-built fragments have no plaintext (their ciphertext is opaque): for them a
    /// lie that leaves "fragment 1 of 1" is a complete fragmented message by RFC 7383 §2.5,
    /// and only the ICV catches it — Fragment Number and Total Fragments are inside the
    /// authenticated octets (RFC 7383 §3.1), which IKEInteropTests checks on the captures
    /// with keys. There the fragment's ciphertext stands in and completion is undecided.
    static func lieIsCaught(replacing vector: VectorFile, with mutated: [UInt8]) throws -> Bool? {
        let hasContent = InnerChainVector.loggedContent[vector.name] != nil
        let original = vector.messageBytes
        let siblings = VectorFile.all.filter { $0.messageBytes.count >= 28 && key($0.messageBytes) == key(original) }
        var messages: [IKEMessage] = []
        for sibling in siblings {
            messages.append(try IKEMessage.parse(sibling.name == vector.name ? mutated : sibling.messageBytes))
        }
        let originals = try siblings.map { try IKEMessage.parse($0.messageBytes).encryptedFragment?.fragmentNumber ?? 0 }
        let ordered = zip(originals, zip(siblings, messages)).sorted { $0.0 < $1.0 }.map(\.1)
        var reassembler = FragmentReassembler()
        for (sibling, message) in ordered {
            guard let fragment = message.encryptedFragment else { return true }
            let content = InnerChainVector.loggedContent[sibling.name] ?? fragment.body
            do {
                if case .complete(let first, let chain) = try reassembler.add(fragment, content: content) {
                    guard hasContent else { return nil }
                    return LengthFieldMutationTests.verdict(chain: chain, firstPayload: first.rawValue).isAccepted == false
                }
            } catch {
                return true
            }
        }
        return true
    }
}

extension IKEParseError {
    /// The octet offset the error names, if it names one.
    var offset: Int? {
        switch self {
        case .truncated(_, let offset, _), .lengthMismatch(_, let offset, _, _), .unsupportedCriticalPayload(_, let offset),
             .invalidSyntax(_, let offset, _):
            offset
        case .invalidMajorVersion, .payloadCount, .payloadEncryption, .unsupportedExchange:
            nil
        }
    }
}
