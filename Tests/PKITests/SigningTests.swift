import FlexConfig
import Foundation
import HubVocabulary
import IKECrypto
import PKI
import Testing

@Suite("Gateway credentials: signing oracle, CERT chains, CERTREQ selection")
struct SigningTests {
    static let octets = AuthenticationOctets(bytes: Array("RealMessage2 | NonceIData | MACedIDForR".utf8) + (0..<200).map { UInt8($0) })

    static func gateway(_ type: TestPKI.KeyType, issuer: TestPKI.Issued? = nil, name: String = "gw") throws -> (GatewayCredential, TestPKI.Issued) {
        let issued = try fixture.issue("gw-\(type.rawValue)", key: type, subject: "/O=IKEHub Test/CN=vpn.example.com",
                                       issuer: issuer, extensions: [
                                           "basicConstraints=CA:FALSE", "keyUsage=digitalSignature",
                                           "extendedKeyUsage=serverAuth", "subjectAltName=DNS:vpn.example.com",
                                       ])
        var model = Trustpoint(name: name)
        model.privateKeyFile = issued.keyPath
        // certificate-file: ours, then the chain.
        let chainFile = fixture.path("\(issued.name)-chain.pem")
        var pem = issued.certificatePEM
        if let issuer, issuer.name == fixture.intermediateA.name { pem += fixture.intermediateA.certificatePEM }
        FileManagerShim.write(pem, to: chainFile)
        model.certificateFile = chainFile
        model.caCertificateFile = fixture.rootA.certificatePath
        if issuer?.name == fixture.rootB.name { model.caCertificateFile = fixture.rootB.certificatePath }
        return (try GatewayCredential(loading: model), issued)
    }

    static let cases: [(TestPKI.KeyType, UInt8, SignatureAlgorithm?)] = [
        (.rsa2048, 1, nil), (.rsa2048, 14, .rsaPKCS1v15(.sha256)), (.rsa2048, 14, .rsaPSS(.sha256)),
        (.rsa3072, 14, .rsaPSS(.sha384)), (.rsa3072, 14, .rsaPKCS1v15(.sha512)),
        (.p256, 9, nil), (.p256, 14, .ecdsa(.sha256)), (.p384, 10, nil), (.p384, 14, .ecdsa(.sha384)),
    ]

    @Test(arguments: cases)
    func testSignature_verifiesWithTheCertificateKey(_ type: TestPKI.KeyType, _ authMethod: UInt8, _ algorithm: SignatureAlgorithm?) throws {
        let (credential, issued) = try Self.gateway(type)
        let method = try credential.signatureMethod(authMethod: authMethod, algorithmIdentifier: algorithm?.algorithmIdentifier,
                                                    peerHashes: [], rsaPSS: false)
        let data = try credential.authenticationData(signing: Self.octets, method: method)
        let publicKey = try Certificate(der: issued.der).publicKey()
        #expect(try SignatureAuthentication.verify(authenticationData: data, authMethod: authMethod, octets: Self.octets, publicKey: publicKey) == method)
        // The whole peer path: our certificate as a peer's, with its AUTH.
        let peer = try verifier([trustpoint("tpA", ca: [fixture.rootA])]).verify(
            certificates: [issued.der], identity: .fqdn("vpn.example.com"),
            signature: PeerSignature(authMethod: authMethod, authenticationData: data, signedOctets: Self.octets), clock: now)
        #expect(peer.authenticationMethod == method)
        // A flipped octet fails with the AUTH signature rule.
        var forged = data
        forged[forged.count - 5] ^= 0x40
        let rejection = rejectionRule {
            _ = try verifier([try trustpoint("tpA", ca: [fixture.rootA])]).verify(
                certificates: [issued.der], identity: .fqdn("vpn.example.com"),
                signature: PeerSignature(authMethod: authMethod, authenticationData: forged, signedOctets: Self.octets), clock: now)
        }
        #expect(rejection?.rule == .authenticationSignature)
    }

    @Test(arguments: [
        (TestPKI.KeyType.rsa2048, SignatureAlgorithm.rsaPKCS1v15(.sha256), ["-sha256"]),
        (.rsa3072, .rsaPSS(.sha256), ["-sha256", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:32"]),
        (.p256, .ecdsa(.sha256), ["-sha256"]),
        (.p384, .ecdsa(.sha384), ["-sha384"]),
    ])
    func testOpenSSLCLI_verifiesOurSignature(_ type: TestPKI.KeyType, _ algorithm: SignatureAlgorithm, _ options: [String]) throws {
        let (credential, issued) = try Self.gateway(type)
        let data = try credential.authenticationData(signing: Self.octets, method: .digitalSignature(algorithm))
        // Method 14: length ‖ AlgorithmIdentifier ‖ signature (RFC 7427 §3).
        let identifier = try #require(algorithm.algorithmIdentifier)
        #expect(Int(data[0]) == identifier.count && Array(data[1...identifier.count]) == identifier)
        let signature = Array(data[(1 + identifier.count)...])
        let signaturePath = fixture.path("\(issued.name).sig"), messagePath = fixture.path("\(issued.name).msg")
        let publicKeyPath = fixture.path("\(issued.name).pub")
        FileManagerShim.write(signature, to: signaturePath)
        FileManagerShim.write(Self.octets.bytes, to: messagePath)
        _ = try TestPKI.run("/usr/bin/openssl", ["x509", "-in", issued.certificatePath, "-noout", "-pubkey", "-out", publicKeyPath])
        let (output, _) = try TestPKI.run("/usr/bin/openssl", ["dgst"] + options + ["-verify", publicKeyPath, "-signature", signaturePath, messagePath])
        #expect(String(decoding: output, as: UTF8.self).contains("Verified OK"))
    }

    @Test func testSignatureByOpenSSLCLI_isAcceptedByTheVerifier() throws {
        let (_, issued) = try Self.gateway(.rsa2048)
        let messagePath = fixture.path("\(issued.name).cli-msg"), signaturePath = fixture.path("\(issued.name).cli-sig")
        FileManagerShim.write(Self.octets.bytes, to: messagePath)
        _ = try TestPKI.run("/usr/bin/openssl", ["dgst", "-sha384", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:48",
                                             "-sign", issued.keyPath, "-out", signaturePath, messagePath])
        let signature = Array(FileManager.default.contents(atPath: signaturePath) ?? Data())
        let identifier = try #require(SignatureAlgorithm.rsaPSS(.sha384).algorithmIdentifier)
        let data = [UInt8(identifier.count)] + identifier + signature
        let peer = try verifier([trustpoint("tpA", ca: [fixture.rootA])]).verify(
            certificates: [issued.der], identity: .fqdn("vpn.example.com"),
            signature: PeerSignature(authMethod: 14, authenticationData: data, signedOctets: Self.octets), clock: now)
        #expect(peer.authenticationMethod == .digitalSignature(.rsaPSS(.sha384)))
    }

    @Test func testMethodChoice_followsPeerHashesAndKey() throws {
        let (ecdsa, _) = try Self.gateway(.p384)
        #expect(try ecdsa.signatureMethod(authMethod: 0, algorithmIdentifier: nil, peerHashes: [], rsaPSS: false) == .ecdsaSHA384P384)
        #expect(try ecdsa.signatureMethod(authMethod: 0, algorithmIdentifier: nil, peerHashes: [.sha256, .sha384], rsaPSS: false)
            == .digitalSignature(.ecdsa(.sha384)))
        let (rsa, _) = try Self.gateway(.rsa2048)
        #expect(try rsa.signatureMethod(authMethod: 14, algorithmIdentifier: nil, peerHashes: [.sha512], rsaPSS: true)
            == .digitalSignature(.rsaPSS(.sha512)))
        #expect(try rsa.signatureMethod(authMethod: 0, algorithmIdentifier: nil, peerHashes: [], rsaPSS: false) == .rsaDigitalSignature)
        // An RSA key cannot make an ECDSA method-9 signature.
        #expect(throws: PKIError.self) { try rsa.authenticationData(signing: Self.octets, method: .ecdsaSHA256P256) }
    }

    @Test func testChainAndCERTREQSelection() throws {
        let (underA, _) = try Self.gateway(.p256, issuer: fixture.intermediateA, name: "gwA")
        let (underB, _) = try Self.gateway(.p256, issuer: fixture.rootB, name: "gwB")
        // Our certificate and the intermediate go into CERT payloads, the root does not.
        #expect(underA.chain.map(\.subject.rfc4514) == ["CN=vpn.example.com,O=IKEHub Test", "CN=Intermediate A1,OU=Sub,O=IKEHub Test,C=CH"])
        #expect(underB.chain.count == 1)
        let rootA = try Certificate(der: fixture.rootA.der), rootB = try Certificate(der: fixture.rootB.der)
        let intermediate = try Certificate(der: fixture.intermediateA.der)
        #expect(underA.authorityHashes == [try intermediate.subjectPublicKeyInfoSHA1(), try rootA.subjectPublicKeyInfoSHA1()])
        let set = GatewayCredentialSet(credentials: [underA, underB])
        #expect(try set.select(trustpoints: [], requestedAuthorities: [try rootB.subjectPublicKeyInfoSHA1()]).trustpoint == "gwB")
        #expect(try set.select(trustpoints: [], requestedAuthorities: [try rootA.subjectPublicKeyInfoSHA1()]).trustpoint == "gwA")
        #expect(try set.select(trustpoints: ["gwB", "gwA"], requestedAuthorities: [[UInt8](repeating: 7, count: 20)]).trustpoint == "gwB")
        #expect(try set.select(trustpoints: ["gwB", "gwA"], requestedAuthorities: []).trustpoint == "gwB")
        #expect(throws: PKIError.self) { try set.select(trustpoints: ["nope"], requestedAuthorities: []) }
    }

    @Test func testLoadingFailures_nameTheTrustpointAndTheFile() throws {
        let (_, ours) = try Self.gateway(.p256)
        let other = try fixture.issue("other-key")
        var model = Trustpoint(name: "tp-mismatch")
        model.certificateFile = ours.certificatePath
        model.privateKeyFile = other.keyPath
        #expect {
            try GatewayCredential(loading: model)
        } throws: { error in
            guard case .trustpoint(let name, let file, let reason) = error as? PKIError else { return false }
            return name == "tp-mismatch" && file == other.keyPath && reason.contains("does not belong")
        }
        model.privateKeyFile = fixture.path("missing.key")
        #expect {
            try GatewayCredentialSet(trustpoints: [model])
        } throws: { error in
            guard case .trustpoint(let name, let file, _) = error as? PKIError else { return false }
            return name == "tp-mismatch" && file.hasSuffix("missing.key")
        }
        model.privateKeyFile = ours.keyPath
        model.certificateFile = other.keyPath  // a key is not a certificate
        #expect {
            try GatewayCredential(loading: model)
        } throws: { error in
            guard case .trustpoint(_, let file, _) = error as? PKIError else { return false }
            return file == other.keyPath
        }
    }
}
