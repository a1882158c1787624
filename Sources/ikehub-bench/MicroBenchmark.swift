import ArgumentParser
import HubVocabulary
import IKECrypto
import IKEWire

/// `ikehub-bench micro`: ns per operation of the hot spots of IKE SA setup, one thread.
/// Figures, not assertions: a benchmark never fails on its numbers.
struct MicroBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "micro",
        abstract: "ns/op: IKE_AUTH parse, SK decrypt+verify, X25519 and MODP-2048 agreement, prf+ of the IKE key set."
    )

    @Flag(help: "Few iterations (CI smoke run: checks that it runs, not its figures).")
    var quick = false

    /// A 252-octet IKE_AUTH request between two Cisco IOS peers, its payloads inside an
    /// SK payload (the IKEWire test vector cisco-ios-ike_auth-request.hex; source there).
    static let typicalIKEAuth: [UInt8] = Hex.decode(
        "864330ac30e6564d8329cc09a2c7d7e02e20230800000001000000fc2b0000e0475423ac61a80d26af7da2156cfe2299" +
        "ab62a7211f67d62a23ac239f537a4004770d4b1adb9ac33929d18fc134d07593cd57cfe7fb8cfb3485804e1d4bf71a5b" +
        "a0a88675606e4c6349f12419f4e4b1321a1b86576fd87c32ff868378bb3a40e2e0bdd0abcfe68e0d6eba223cafc2e743" +
        "1d37ce00a5dde230e2f10e33de81e6c41f33acfcc333dbda0fa26591a49fca0086507f8a562d99e8c98cadc9e62b02c0" +
        "8ed9059e0b949901ecd99714a2f65128ed28cd70e1cd8185cec1d48fc1402d96bc727487023aa237918728fcf1a6fc12" +
        "a88a2f362bcdbbdc9e1a7a3b"
    )!

    func run() throws {
        let scale = quick ? 20 : 1
        var rows: [(String, Double, Int)] = []
        func measure(_ name: String, iterations: Int, _ body: () throws -> Void) rethrows {
            let count = max(iterations / scale, 5)
            for _ in 0..<max(count / 10, 1) { try body() }  // warm-up
            let clock = ContinuousClock()
            let start = clock.now
            for _ in 0..<count { try body() }
            let elapsed = clock.now - start
            let nanoseconds = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
            rows.append((name, nanoseconds / Double(count), count))
        }

        let message = Self.typicalIKEAuth
        try measure("parse IKE_AUTH request (\(message.count) B) + validate", iterations: 200_000) {
            let parsed = try IKEMessage.parse(message)
            try parsed.validate()
        }

        let transforms = try NegotiatedIKETransforms(
            encryption: EncryptionTransform(.aesCBC, keyLengthBits: 256), prf: .hmacSHA256,
            integrity: .hmacSHA256_128, group: .curve25519)
        let skeyseed = SecretBytes([UInt8](repeating: 0x5a, count: 32))
        let nonceI = [UInt8](repeating: 1, count: 32)
        let nonceR = [UInt8](repeating: 2, count: 32)
        try measure("prf+ IKE key set (HMAC-SHA256, AES-CBC-256 + HMAC-SHA256-128)", iterations: 100_000) {
            _ = try IKEKeyMaterial.deriveKeys(transforms: transforms, skeyseed: skeyseed, initiatorNonce: nonceI,
                                              responderNonce: nonceR, initiatorSPI: IKESPI(1), responderSPI: IKESPI(2))
        }

        for (name, encryption, integrity) in [
            ("AES-CBC-256 + HMAC-SHA256-128", try EncryptionTransform(.aesCBC, keyLengthBits: 256), IntegrityAlgorithm?.some(.hmacSHA256_128)),
            ("AES-GCM-16-256", try EncryptionTransform(.aesGCM16, keyLengthBits: 256), nil),
        ] {
            let cipherTransforms = try NegotiatedIKETransforms(encryption: encryption, prf: .hmacSHA256,
                                                               integrity: integrity, group: .curve25519)
            let cipherKeys = try IKEKeyMaterial.deriveKeys(transforms: cipherTransforms, skeyseed: skeyseed, initiatorNonce: nonceI,
                                                           responderNonce: nonceR, initiatorSPI: IKESPI(1), responderSPI: IKESPI(2))
            let sealer = try EncryptedPayloadCipher(transforms: cipherTransforms, keys: cipherKeys, sender: .originalInitiator)
            let opener = try EncryptedPayloadCipher(transforms: cipherTransforms, keys: cipherKeys, sender: .originalInitiator)
            let inner = [UInt8](repeating: 0x42, count: 400)
            let dataLength = sealer.encryptedDataLength(innerPayloadsLength: inner.count)
            var prefix = Array(message[0..<28]) + [0x23, 0, 0, 0]
            let total = 32 + dataLength
            prefix[24] = UInt8(total >> 24); prefix[25] = UInt8((total >> 16) & 0xff)
            prefix[26] = UInt8((total >> 8) & 0xff); prefix[27] = UInt8(total & 0xff)
            prefix[30] = UInt8((4 + dataLength) >> 8); prefix[31] = UInt8((4 + dataLength) & 0xff)
            let sealed = try sealer.seal(authenticatedPrefix: prefix, innerPayloads: inner, random: SystemRandom())
            try measure("SK decrypt + verify, \(name), 400 B inner", iterations: 200_000) {
                _ = try opener.open(message: sealed, encryptedPayloadOffset: 28)
            }
        }

        for (name, group, iterations) in [("X25519", DiffieHellmanGroup.curve25519, 20_000),
                                          ("ECP-256", .ecp256, 5_000), ("MODP-2048", .modp2048, 1_000)] {
            let peer = try KeyExchange(group: group)
            try measure("\(name) keygen + agreement (responder's KE work)", iterations: iterations) {
                let ours = try KeyExchange(group: group)
                _ = try ours.sharedSecret(peer: peer.publicValue)
            }
        }

        print("operation".padding(to: 66) + "ns/op".leftPadded(to: 12) + "ops/s".leftPadded(to: 12) + "runs".leftPadded(to: 9))
        for (name, nanoseconds, runs) in rows {
            print(name.padding(to: 66) + String(Int(nanoseconds.rounded())).leftPadded(to: 12)
                  + String(Int((1e9 / nanoseconds).rounded())).leftPadded(to: 12) + String(runs).leftPadded(to: 9))
        }
        if quick { print("(--quick: few iterations, figures are indicative only)") }
    }
}

extension String {
    func padding(to width: Int) -> String { count >= width ? self + " " : self + String(repeating: " ", count: width - count) }
    func leftPadded(to width: Int) -> String { count >= width ? " " + self : String(repeating: " ", count: width - count) + self }
}
