// Fuzz target for the untrusted-input path: UDP datagram → IKE header → payload chain →
// SK decryption with a fixed key → RFC 7383 fragment reassembly → inner payload chain.
// Top-level code on purpose: SwiftPM links executables with --defsym main=<Module>_main,
// and -parse-as-library breaks that (reference/swift-on-linux.md §4).
//
// Input layout: octet 0 selects the path (bit 0: the datagram arrived on port 4500;
// bits 1–2: the SK cipher), the rest is one or more datagrams, each prefixed by a 2-octet
// length when bit 3 is set (so fragments of one message can meet one reassembler).
import CFuzzerDriver
import HubVocabulary
import IKECrypto
import IKEWire
#if canImport(Glibc)
import Glibc
#endif

/// Fixed keys: the point is to reach the decrypt-and-parse code, not to keep secrets.
nonisolated(unsafe) let fixedCiphers: [EncryptedPayloadCipher] = {
    func cipher(_ encryption: EncryptionTransform, _ integrity: IntegrityAlgorithm?) -> EncryptedPayloadCipher {
        let key = SecretBytes((0..<encryption.keyMaterialLength).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        let integrityKey = SecretBytes((0..<(integrity?.keyLength ?? 0)).map { UInt8(truncatingIfNeeded: $0 &* 13) })
        return try! EncryptedPayloadCipher(encryption: encryption, integrity: integrity,
                                           encryptionKey: key, integrityKey: integrityKey)
    }
    return [
        cipher(try! EncryptionTransform(.aesGCM16, keyLengthBits: 256), nil),
        cipher(try! EncryptionTransform(.aesCBC, keyLengthBits: 256), .hmacSHA256_128),
        cipher(try! EncryptionTransform(.chacha20Poly1305), nil),
        cipher(try! EncryptionTransform(.aesCBC, keyLengthBits: 128), .hmacSHA1_96),
    ]
}()

/// A deterministic IV source, so a crasher replays exactly.
struct FixedRandom: RandomSource {
    func fill(_ buffer: UnsafeMutableRawBufferPointer) throws(IKECryptoError) {
        for index in buffer.indices { buffer[index] = UInt8(truncatingIfNeeded: index) }
    }
}

func exercise(_ input: [UInt8]) {
    guard let selector = input.first else { return }
    let cipher = fixedCiphers[Int(selector >> 1) & 3]
    var datagrams: [[UInt8]] = []
    var rest = input.dropFirst()
    if selector & 8 != 0 {
        while rest.count >= 2, datagrams.count < 64 {
            let length = Int(rest[rest.startIndex]) << 8 | Int(rest[rest.startIndex + 1])
            rest = rest.dropFirst(2)
            let take = min(length, rest.count)
            datagrams.append(Array(rest.prefix(take)))
            rest = rest.dropFirst(take)
        }
    } else {
        datagrams = [Array(rest)]
    }
    var reassemblers: [UInt32: FragmentReassembler] = [:]
    for datagram in datagrams {
        var message = datagram
        if selector & 1 != 0 {
            guard case .ike = UDPDatagramClassifier.classify(natTraversalDatagram: datagram),
                  let inner = UDPDatagramClassifier.ikeMessage(inNATTraversalDatagram: datagram) else { continue }
            message = Array(inner)
        } else {
            _ = UDPDatagramClassifier.classify(ikePortDatagram: datagram)
        }
        // IKEWire's own sweep: sub-parsers (EAP, RFC 7427, CP values, REDIRECT) and the
        // bytes read as an SK plaintext.
        if !IKEWireFuzzing.exercise(message) {
            fatalError("IKEWireFuzzing invariant broken")
        }
        guard let parsed = try? IKEMessage.parse(message) else { continue }
        _ = try? parsed.validate()
        // Re-encoding a parsed message must give the same octets back.
        if parsed.serialize() != message {
            fatalError("round trip changed the message")
        }
        for rules in MessageRules.allTables { _ = try? MessageRules.verify(parsed, innerPayloads: [], against: rules) }
        guard let prefix = try? IKEMessage.associatedData(ofSerialized: message) else { continue }
        if let sk = parsed.encryptedPayload {
            let offset = prefix.count - EncryptedPayloadKind.encrypted.headerLength
            _ = try? cipher.open(message: message, encryptedPayloadOffset: offset)
            // The fuzzer cannot forge an ICV: seal the body as plaintext and open it, so the
            // inner payload parser sees attacker-chosen bytes behind a valid ICV.
            if let sealed = try? sealAndOpen(cipher, prefix: Array(prefix), inner: sk.body, kind: .encrypted),
               let payloads = try? EncryptedPayload.innerPayloads(fromPlaintext: sealed, firstPayload: sk.innerFirstPayload) {
                _ = try? Payload.validateChain(payloads)
            }
        }
        if let skf = parsed.encryptedFragment {
            let offset = prefix.count - EncryptedPayloadKind.encryptedFragment.headerLength
            _ = try? cipher.open(message: message, encryptedPayloadOffset: offset, kind: .encryptedFragment)
            var reassembler = reassemblers[parsed.header.messageID.rawValue] ?? FragmentReassembler(fragmentLimit: 8, sizeLimit: 4096)
            if let outcome = try? reassembler.add(skf, content: skf.body),
               case .complete(let first, let bytes) = outcome,
               let payloads = try? EncryptedPayload.innerPayloads(fromPlaintext: bytes + [0], firstPayload: first) {
                _ = try? Payload.validateChain(payloads)
            }
            reassemblers[parsed.header.messageID.rawValue] = reassembler
        }
    }
}

/// Seals `inner` behind `prefix` (fixing its length fields) and opens it again.
func sealAndOpen(_ cipher: EncryptedPayloadCipher, prefix: [UInt8], inner: [UInt8], kind: EncryptedPayloadKind) throws -> [UInt8] {
    let dataLength = cipher.encryptedDataLength(innerPayloadsLength: inner.count)
    var header = prefix
    let payloadStart = header.count - kind.headerLength
    let payloadLength = kind.headerLength + dataLength
    let total = header.count + dataLength
    guard payloadLength <= 0xffff, total <= 0xffff_ffff, payloadStart >= 28 else { return [] }
    header[payloadStart + 2] = UInt8(payloadLength >> 8)
    header[payloadStart + 3] = UInt8(payloadLength & 0xff)
    for index in 0..<4 { header[24 + index] = UInt8(truncatingIfNeeded: total >> (24 - 8 * index)) }
    let sealed = try cipher.seal(authenticatedPrefix: header, innerPayloads: inner, kind: kind, random: FixedRandom())
    return try cipher.open(message: sealed, encryptedPayloadOffset: payloadStart, kind: kind)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    exercise(bytes)
    return 0
}

#if IKEHUB_FUZZING
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, { fuzzOne($0, $1) }))
#else
// Replay mode: run every file named on the command line once (crasher regression).
for path in CommandLine.arguments.dropFirst() {
    guard let file = fopen(path, "rb") else {
        print("cannot open \(path)")
        exit(2)
    }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = fread(&buffer, 1, buffer.count, file)
        if count <= 0 { break }
        bytes += buffer[0..<count]
    }
    fclose(file)
    exercise(bytes)
}
print("replayed \(CommandLine.arguments.count - 1) inputs")
#endif
