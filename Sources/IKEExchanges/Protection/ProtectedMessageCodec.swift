import HubVocabulary
import IKECrypto
import IKEWire

/// Opens and seals SK / SKF messages of one IKE SA (RFC 7296 §3.14, RFC 7383).
enum ProtectedMessageCodec {
    /// What opening a protected message gave.
    enum Opened {
        /// The inner payloads, validated (second parse step).
        case payloads([Payload])
        /// An SKF fragment was taken; more are needed.
        case incompleteFragments(received: Int, total: Int)
    }

    /// Decrypts `bytes` (parsed as `message`). SKF fragments go into `reassembler`, which
    /// the caller keeps per Message ID. Integrity failures are `.integrityCheckFailed`
    /// (drop, RFC 7296 §2.21.1).
    static func open(_ bytes: [UInt8], message: IKEMessage, keys: IKESAKeys, reassembler: inout FragmentReassembler,
                     place: ErrorPlace) throws(IKEProtocolError) -> Opened {
        let cipher = keys.inbound
        if let sk = message.encryptedPayload {
            let offset = bytes.count - 4 - sk.body.count
            let inner: [UInt8]
            do { inner = try cipher.open(message: bytes, encryptedPayloadOffset: offset) } catch {
                throw .crypto(error, place: place)
            }
            return .payloads(try parse(inner, firstPayload: sk.innerFirstPayload, place: place))
        }
        if let skf = message.encryptedFragment {
            let offset = bytes.count - 4 - EncryptedFragmentPayload.fragmentHeaderSize - skf.body.count
            let content: [UInt8]
            do { content = try cipher.open(message: bytes, encryptedPayloadOffset: offset, kind: .encryptedFragment) } catch {
                throw .crypto(error, place: place)
            }
            let outcome: FragmentReassembler.Outcome
            do { outcome = try reassembler.add(skf, content: content) } catch {
                throw IKEProtocolError(.malformedMessage, notify: nil, place: place, reason: error.description)
            }
            switch outcome {
            case .incomplete(let received, let total):
                return .incompleteFragments(received: received, total: total)
            case .complete(let firstPayload, let payloadBytes):
                return .payloads(try parse(payloadBytes, firstPayload: firstPayload, place: place))
            }
        }
        // Not authenticated, so not answered.
        throw IKEProtocolError(.malformedMessage, notify: nil, place: place, reason: "no SK or SKF payload")
    }

    private static func parse(_ inner: [UInt8], firstPayload: PayloadType, place: ErrorPlace) throws(IKEProtocolError) -> [Payload] {
        do {
            let payloads = try Payload.parseChain(inner, firstPayload: firstPayload)
            try Payload.validateChain(payloads)
            return payloads
        } catch {
            throw .malformed(error, place: place)
        }
    }

    /// The datagrams of one protected message: one SK message, or SKF fragments when
    /// `fragmentSize` is set and the SK message would be larger (RFC 7383 §2.5).
    static func seal(header: IKEHeader, payloads: [Payload], keys: IKESAKeys, fragmentSize: Int?,
                     random: any RandomSource) throws(IKECryptoError) -> [[UInt8]] {
        let cipher = keys.outbound
        let inner = Payload.serializeChain(payloads)
        let firstPayload = payloads.first?.type ?? .none
        let wholeLength = IKEHeader.size + 4 + cipher.encryptedDataLength(innerPayloadsLength: inner.count)
        guard let fragmentSize, wholeLength > fragmentSize else {
            let prefix = prefixBytes(header: header, outer: .encrypted, inner: firstPayload, dataLength:
                                     cipher.encryptedDataLength(innerPayloadsLength: inner.count), fragment: nil)
            return [try cipher.seal(authenticatedPrefix: prefix, innerPayloads: inner, random: random)]
        }
        // Room for content in one fragment: the size minus header, SKF header, IV, ICV,
        // the Pad Length octet and the worst-case padding of the cipher.
        let overhead = IKEHeader.size + 8 + cipher.ivLength + cipher.icvLength + 1 + (cipher.encryption.paddingAlignment - 1)
        let room = max(64, fragmentSize - overhead)
        let total = (inner.count + room - 1) / room
        var datagrams: [[UInt8]] = []
        for index in 0..<total {
            let chunk = Array(inner[(index * room)..<min(inner.count, (index + 1) * room)])
            let number = UInt16(index + 1)
            let prefix = prefixBytes(header: header, outer: .encryptedFragment, inner: index == 0 ? firstPayload : .none,
                                     dataLength: cipher.encryptedDataLength(innerPayloadsLength: chunk.count),
                                     fragment: (number, UInt16(total)))
            datagrams.append(try cipher.seal(authenticatedPrefix: prefix, innerPayloads: chunk, kind: .encryptedFragment,
                                             random: random))
        }
        return datagrams
    }

    /// IKE header ‖ SK or SKF header, with every length final.
    private static func prefixBytes(header: IKEHeader, outer: PayloadType, inner: PayloadType, dataLength: Int,
                                    fragment: (number: UInt16, total: UInt16)?) -> [UInt8] {
        let skHeaderLength = fragment == nil ? 4 : 8
        var header = header
        header.nextPayload = outer
        header.length = UInt32(IKEHeader.size + skHeaderLength + dataLength)
        var writer = ByteWriter(capacity: IKEHeader.size + skHeaderLength)
        header.serialize(into: &writer)
        writer.writeInteger(inner.rawValue)
        writer.writeInteger(UInt8(0))
        writer.writeInteger(UInt16(skHeaderLength + dataLength))
        if let fragment {
            writer.writeInteger(fragment.number)
            writer.writeInteger(fragment.total)
        }
        return writer.bytes
    }
}
