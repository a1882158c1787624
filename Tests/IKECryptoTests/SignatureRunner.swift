import Foundation
import HubVocabulary
@testable import IKECrypto
import Testing

/// Signature AUTH (methods 1, 9–11, 14) against the openssl command-line tool: keys made
/// with `openssl genpkey`, signatures made with `openssl dgst -sign` verified by us, and
/// ours verified by `openssl dgst -verify`; plus negative cases.
@Suite(.serialized) struct SignatureRunner {
    /// Keys generated once per run by the CLI, with their public halves and certificates.
    final class KeyMaterial: @unchecked Sendable {
        let directory: URL
        init() throws {
            directory = try OpenSSLCommandLine.scratchDirectory()
            let generate: [(String, [String])] = [
                ("rsa", ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"]),
                ("p256", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]),
                ("p384", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"]),
                ("p521", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-521"]),
            ]
            for (name, options) in generate {
                try OpenSSLCommandLine.run(["genpkey"] + options + ["-out", "\(name).pem"], in: directory)
                try OpenSSLCommandLine.run(["pkey", "-in", "\(name).pem", "-pubout", "-out", "\(name).pub"], in: directory)
                try OpenSSLCommandLine.run(["req", "-new", "-x509", "-key", "\(name).pem", "-subj", "/CN=\(name).test",
                                            "-days", "1", "-outform", "DER", "-out", "\(name).der"], in: directory)
            }
        }
        func privateKey(_ name: String) throws -> PrivateKey {
            try PrivateKey(pemFile: directory.appendingPathComponent("\(name).pem").path)
        }
        func publicKey(_ name: String) throws -> PublicKey {
            try PublicKey(pemEncoded: OpenSSLCommandLine.read("\(name).pub", in: directory))
        }
        func certificateKey(_ name: String) throws -> PublicKey {
            try PublicKey(certificateDER: OpenSSLCommandLine.read("\(name).der", in: directory))
        }
        deinit { try? FileManager.default.removeItem(at: directory) }
    }

    static let keys = Result { try KeyMaterial() }

    static let octets = AuthenticationOctets(bytes: Array("IKE_SA_INIT bytes | Nr | prf(SK_pi, IDi)".utf8)
                                              + (0..<200).map { UInt8($0) })

    /// (key name, method, openssl dgst digest, extra -sigopt options, signature is raw r‖s)
    static let methods: [(String, SignatureAuthenticationMethod, String, [String])] = [
        ("rsa", .rsaDigitalSignature, "sha1", []),
        ("rsa", .digitalSignature(.rsaPKCS1v15(.sha256)), "sha256", []),
        ("rsa", .digitalSignature(.rsaPKCS1v15(.sha384)), "sha384", []),
        ("rsa", .digitalSignature(.rsaPKCS1v15(.sha512)), "sha512", []),
        ("rsa", .digitalSignature(.rsaPSS(.sha256)), "sha256",
         ["rsa_padding_mode:pss", "rsa_pss_saltlen:32", "rsa_mgf1_md:sha256"]),
        ("rsa", .digitalSignature(.rsaPSS(.sha384)), "sha384",
         ["rsa_padding_mode:pss", "rsa_pss_saltlen:48", "rsa_mgf1_md:sha384"]),
        ("rsa", .digitalSignature(.rsaPSS(.sha512)), "sha512",
         ["rsa_padding_mode:pss", "rsa_pss_saltlen:64", "rsa_mgf1_md:sha512"]),
        ("p256", .ecdsaSHA256P256, "sha256", []),
        ("p384", .ecdsaSHA384P384, "sha384", []),
        ("p521", .ecdsaSHA512P521, "sha512", []),
        ("p256", .digitalSignature(.ecdsa(.sha256)), "sha256", []),
        ("p384", .digitalSignature(.ecdsa(.sha384)), "sha384", []),
        ("p521", .digitalSignature(.ecdsa(.sha512)), "sha512", []),
        ("p256", .digitalSignature(.ecdsa(.sha384)), "sha384", []),
    ]

    /// The signature value inside our AUTH data, as `openssl dgst` would write it.
    static func cliSignature(fromAuthData data: [UInt8], method: SignatureAuthenticationMethod) throws -> [UInt8] {
        switch method {
        case .rsaDigitalSignature: return data
        case .digitalSignature: return Array(data[(1 + Int(data[0]))...])
        default:
            let width = try #require(method.requiredCurve).coordinateLength
            return try ECDSASignatureEncoding.der(fromRaw: data, coordinateLength: width)
        }
    }

    /// Our AUTH data around a signature `openssl dgst -sign` wrote.
    static func authData(fromCLISignature signature: [UInt8], method: SignatureAuthenticationMethod) throws -> [UInt8] {
        switch method {
        case .rsaDigitalSignature: return signature
        case .digitalSignature(let algorithm):
            let identifier = try #require(algorithm.algorithmIdentifier)
            return [UInt8(identifier.count)] + identifier + signature
        default:
            let width = try #require(method.requiredCurve).coordinateLength
            return try ECDSASignatureEncoding.raw(fromDER: signature, coordinateLength: width)
        }
    }

    @Test(arguments: 0..<methods.count)
    func testOurSignature_verifiesWithUsAndWithOpenSSLCommandLine(_ index: Int) throws {
        let (name, method, digest, options) = SignatureRunner.methods[index]
        let keys = try SignatureRunner.keys.get()
        let data = try SignatureAuthentication.authenticationData(
            signing: SignatureRunner.octets, with: keys.privateKey(name), method: method)
        if let curve = method.requiredCurve { #expect(data.count == 2 * curve.coordinateLength) }
        #expect(try SignatureAuthentication.verify(authenticationData: data, authMethod: method.authMethod,
                                                   octets: SignatureRunner.octets,
                                                   publicKey: keys.certificateKey(name)) == method)
        let directory = keys.directory
        try OpenSSLCommandLine.write(SignatureRunner.octets.bytes, to: "octets-\(index)", in: directory)
        try OpenSSLCommandLine.write(try SignatureRunner.cliSignature(fromAuthData: data, method: method),
                                     to: "ours-\(index).sig", in: directory)
        let output = try OpenSSLCommandLine.run(
            ["dgst", "-\(digest)", "-verify", "\(name).pub", "-signature", "ours-\(index).sig"]
                + options.flatMap { ["-sigopt", $0] } + ["octets-\(index)"], in: directory)
        #expect(String(decoding: output, as: UTF8.self).contains("Verified OK"))
    }

    @Test(arguments: 0..<methods.count)
    func testOpenSSLCommandLineSignature_verifiesWithUs(_ index: Int) throws {
        let (name, method, digest, options) = SignatureRunner.methods[index]
        let keys = try SignatureRunner.keys.get()
        let directory = keys.directory
        try OpenSSLCommandLine.write(SignatureRunner.octets.bytes, to: "cli-octets-\(index)", in: directory)
        try OpenSSLCommandLine.run(
            ["dgst", "-\(digest)", "-sign", "\(name).pem"] + options.flatMap { ["-sigopt", $0] }
                + ["-out", "cli-\(index).sig", "cli-octets-\(index)"], in: directory)
        let signature = try OpenSSLCommandLine.read("cli-\(index).sig", in: directory)
        let data = try SignatureRunner.authData(fromCLISignature: signature, method: method)
        #expect(try SignatureAuthentication.verify(authenticationData: data, authMethod: method.authMethod,
                                                   octets: SignatureRunner.octets,
                                                   publicKey: keys.publicKey(name)) == method)
        // Negative: other octets, another key of the same kind, a flipped signature bit.
        let otherOctets = AuthenticationOctets(bytes: SignatureRunner.octets.bytes + [0])
        #expect(throws: IKECryptoError.signatureVerificationFailed) {
            try SignatureAuthentication.verify(authenticationData: data, authMethod: method.authMethod,
                                               octets: otherOctets, publicKey: keys.publicKey(name))
        }
        var flipped = data
        flipped[flipped.count - 3] ^= 0x20
        #expect(throws: IKECryptoError.self) {
            try SignatureAuthentication.verify(authenticationData: flipped, authMethod: method.authMethod,
                                               octets: SignatureRunner.octets, publicKey: keys.publicKey(name))
        }
        let stranger = try PrivateKey(pemEncoded: Array(OpenSSLCommandLine.run(
            ["genpkey"] + (name == "rsa" ? ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"]
                           : ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:\(name == "p256" ? "P-256" : name == "p384" ? "P-384" : "P-521")"]),
            in: directory)))
        #expect(throws: IKECryptoError.signatureVerificationFailed) {
            try SignatureAuthentication.verify(authenticationData: data, authMethod: method.authMethod,
                                               octets: SignatureRunner.octets, publicKey: stranger.publicKey)
        }
    }

    @Test func testKeyKinds_areRecognised() throws {
        let keys = try SignatureRunner.keys.get()
        #expect(try keys.privateKey("rsa").kind == .rsa(bits: 2048))
        #expect(try keys.publicKey("p256").kind == .ecdsa(.p256))
        #expect(try keys.certificateKey("p384").kind == .ecdsa(.p384))
        #expect(try keys.privateKey("p521").publicKey.kind == .ecdsa(.p521))
    }

    @Test func testMismatchedKeyOrMethod_isRejected() throws {
        let keys = try SignatureRunner.keys.get()
        #expect(throws: IKECryptoError.self) {
            _ = try SignatureAuthentication.authenticationData(signing: SignatureRunner.octets,
                                                               with: keys.privateKey("p384"), method: .ecdsaSHA256P256)
        }
        #expect(throws: IKECryptoError.self) {
            _ = try SignatureAuthentication.authenticationData(signing: SignatureRunner.octets,
                                                               with: keys.privateKey("rsa"), method: .ecdsaSHA256P256)
        }
        let rsaData = try SignatureAuthentication.authenticationData(
            signing: SignatureRunner.octets, with: keys.privateKey("rsa"), method: .digitalSignature(.rsaPKCS1v15(.sha256)))
        #expect(throws: IKECryptoError.self) {
            try SignatureAuthentication.verify(authenticationData: rsaData, authMethod: 14,
                                               octets: SignatureRunner.octets, publicKey: keys.publicKey("p256"))
        }
        // Method 14 with an AlgorithmIdentifier we do not know, and with a truncated one.
        var unknown = rsaData
        unknown[unknown.startIndex + 13] = 0x7f
        #expect(throws: IKECryptoError.unknownSignatureAlgorithm(identifier: Array(unknown[1...15]))) {
            try SignatureAuthentication.verify(authenticationData: unknown, authMethod: 14,
                                               octets: SignatureRunner.octets, publicKey: keys.publicKey("rsa"))
        }
        for truncated in [[], [15], Array(rsaData.prefix(16))] {
            let caught = #expect(throws: IKECryptoError.self) {
                try SignatureAuthentication.verify(authenticationData: truncated, authMethod: 14,
                                                   octets: SignatureRunner.octets, publicKey: keys.publicKey("rsa"))
            }
            guard case .malformedAuthenticationData = caught else {
                Issue.record("expected malformedAuthenticationData, got \(String(describing: caught))")
                continue
            }
        }
        // Methods 9–11 with the wrong r ‖ s width; method 2 is not a signature method.
        #expect(throws: IKECryptoError.self) {
            try SignatureAuthentication.verify(authenticationData: [UInt8](repeating: 1, count: 63), authMethod: 9,
                                               octets: SignatureRunner.octets, publicKey: keys.publicKey("p256"))
        }
        #expect(throws: IKECryptoError.self) {
            try SignatureAuthentication.verify(authenticationData: rsaData, authMethod: 2,
                                               octets: SignatureRunner.octets, publicKey: keys.publicKey("rsa"))
        }
    }

    @Test func testAlgorithmIdentifiers_matchRFC7427AppendixA() {
        // ikev2-numbers.md §6.2 (RFC 7427 Appendix A).
        let published: [(SignatureAlgorithm, String)] = [
            (.rsaPKCS1v15(.sha1), "300d06092a864886f70d0101050500"),
            (.rsaPKCS1v15(.sha256), "300d06092a864886f70d01010b0500"),
            (.rsaPKCS1v15(.sha384), "300d06092a864886f70d01010c0500"),
            (.rsaPKCS1v15(.sha512), "300d06092a864886f70d01010d0500"),
            (.ecdsa(.sha1), "300906072a8648ce3d0401"),
            (.ecdsa(.sha256), "300a06082a8648ce3d040302"),
            (.ecdsa(.sha384), "300a06082a8648ce3d040303"),
            (.ecdsa(.sha512), "300a06082a8648ce3d040304"),
            (.rsaPSS(.sha256), "304106092a864886f70d01010a3034a00f300d06096086480165030402010500a11c301a06092a864886f70d010108300d06096086480165030402010500a203020120"),
        ]
        for (algorithm, hex) in published {
            #expect(algorithm.algorithmIdentifier.map(Hex.encode) == hex, "\(algorithm)")
            #expect(SignatureAlgorithm(algorithmIdentifier: Hex.decode(hex) ?? []) == algorithm)
        }
    }

    @Test func testECDSAEncoding_rejectsNonCanonicalDER() throws {
        let bad: [[UInt8]] = [
            [0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01],                    // truncated
            [0x30, 0x06, 0x02, 0x01, 0x81, 0x02, 0x01, 0x01],              // negative r
            [0x30, 0x07, 0x02, 0x02, 0x00, 0x01, 0x02, 0x01, 0x01],        // non-minimal r
            [0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01, 0x00],        // trailing octet
            [0x30, 0x81, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01],        // non-minimal length
        ]
        for der in bad {
            #expect(throws: IKECryptoError.self) { _ = try ECDSASignatureEncoding.raw(fromDER: der, coordinateLength: 32) }
        }
        #expect(try ECDSASignatureEncoding.raw(fromDER: [0x30, 0x07, 0x02, 0x02, 0x00, 0x81, 0x02, 0x01, 0x01],
                                               coordinateLength: 2) == [0x00, 0x81, 0x00, 0x01])
    }

    @Test func testPrivateKeyDecoding_failsCleanlyOnGarbage() {
        #expect(throws: IKECryptoError.self) { _ = try PrivateKey(pemEncoded: Array("-----BEGIN PRIVATE KEY-----\nAAAA\n".utf8)) }
        #expect(throws: IKECryptoError.self) { _ = try PrivateKey(pemFile: "/nonexistent/key.pem") }
        #expect(throws: IKECryptoError.self) { _ = try PublicKey(certificateDER: [0x30, 0x03, 0x02, 0x01, 0x01]) }
    }
}
