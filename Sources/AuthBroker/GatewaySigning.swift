import Foundation
public import FlexConfig
import HubIPC
import IKECrypto
public import PKI

/// The broker's signing oracle (DESIGN.md §1, STYLE lesson 13): the private keys and
/// certificate chains of the trustpoints, loaded at start, answering
/// `ComputeAuthRequest{key_reference = trustpoint}` with AUTH data and
/// `GatewayCertificatesRequest` with the chain for CERT payloads. Immutable, so it
/// signs on any thread.
public struct GatewaySigning: Sendable {
    public let credentials: GatewayCredentialSet
    /// CERTREQ hashes (SHA-1 of CA SubjectPublicKeyInfo) per trustpoint with a
    /// `ca-certificate-file`.
    public let certificateRequestAuthorities: [String: [[UInt8]]]

    public init(credentials: GatewayCredentialSet, certificateRequestAuthorities: [String: [[UInt8]]] = [:]) {
        self.credentials = credentials
        self.certificateRequestAuthorities = certificateRequestAuthorities
    }

    /// Loads every trustpoint of `configuration`: the key and chain of those with a
    /// `private-key-file`, the CA hashes of those with a `ca-certificate-file`. The error
    /// names the trustpoint and the file.
    public init(configuration: FlexConfiguration) throws(PKIError) {
        let trustpoints = configuration.pki.trustpoints
        credentials = try GatewayCredentialSet(trustpoints: trustpoints)
        var hashes: [String: [[UInt8]]] = [:]
        for trustpoint in trustpoints where trustpoint.caCertificateFile != nil {
            hashes[trustpoint.name] = try VerificationTrustpoint(loading: trustpoint).certificateRequestHashes()
        }
        certificateRequestAuthorities = hashes
    }

    /// AUTH data for `request` signed with the key of trustpoint `key_reference`.
    public func answer(_ request: IPCv1ComputeAuthRequest) -> IPCv1ComputeAuthReply {
        var reply = IPCv1ComputeAuthReply()
        guard let credential = credentials.credential(named: request.keyReference) else {
            reply.reason = "trustpoint \(request.keyReference) has no private key loaded in ikehub-authd"
            return reply
        }
        do throws(PKIError) {
            let hashes = request.peerSignatureHashes.compactMap { UInt16(exactly: $0).flatMap(SignatureHash.init(rawValue:)) }
            let method = try credential.signatureMethod(
                authMethod: UInt8(clamping: request.method.rawValue),
                algorithmIdentifier: request.signatureAlgorithm.isEmpty ? nil : [UInt8](request.signatureAlgorithm),
                peerHashes: hashes, rsaPSS: request.rsaPss)
            let data = try credential.authenticationData(signing: AuthenticationOctets(bytes: [UInt8](request.signedOctets)), method: method)
            reply.authValue = Data(data)
            reply.method = IPCv1AuthMethod(rawValue: Int(method.authMethod)) ?? .unspecified
        } catch {
            reply.reason = error.description
        }
        return reply
    }

    /// The chain answering the peer's CERTREQ, and the CA hashes for ours.
    public func answer(_ request: IPCv1GatewayCertificatesRequest) -> IPCv1GatewayCertificatesReply {
        var reply = IPCv1GatewayCertificatesReply()
        do throws(PKIError) {
            let credential = try credentials.select(trustpoints: request.trustpoints,
                                                    requestedAuthorities: request.requestedAuthorities.map { [UInt8]($0) })
            reply.trustpoint = credential.trustpoint
            reply.certificates = credential.chain.map { Data($0.der) }
            switch credential.privateKey.kind {
            case .rsa(let bits): reply.keyType = .signingKeyRsa; reply.keyBits = UInt32(bits)
            case .ecdsa(.p256): reply.keyType = .signingKeyEcdsaP256; reply.keyBits = 256
            case .ecdsa(.p384): reply.keyType = .signingKeyEcdsaP384; reply.keyBits = 384
            case .ecdsa(.p521): reply.keyType = .signingKeyEcdsaP521; reply.keyBits = 521
            case .ed25519: reply.keyType = .signingKeyEd25519; reply.keyBits = 256
            case .unsupported: reply.keyType = .unspecified
            }
        } catch {
            reply.reason = error.description
        }
        var missing: [String] = []
        for name in request.verifyTrustpoints {
            guard let hashes = certificateRequestAuthorities[name] else { missing.append(name); continue }
            reply.certificateRequestAuthorities += hashes.map { Data($0) }
        }
        if !missing.isEmpty {
            let note = "no ca-certificate-file loaded for trustpoint \(missing.joined(separator: ", "))"
            reply.reason = reply.reason.isEmpty ? note : reply.reason + "; " + note
        }
        return reply
    }
}

extension GatewaySigning {
    /// Reads the configuration file and loads its trustpoints; a configuration error or
    /// a trustpoint file that does not load stops the broker with the reason.
    public static func load(path: String) throws -> GatewaySigning {
        let loaded = FlexConfig.load(path: path)
        if let error = loaded.errors.first { throw GatewaySigningError(reason: "\(error)") }
        do throws(PKIError) {
            return try GatewaySigning(configuration: loaded.configuration)
        } catch {
            throw GatewaySigningError(reason: error.description)
        }
    }
}

/// Why the broker could not load its trustpoint keys (names the trustpoint and file).
public struct GatewaySigningError: Error, CustomStringConvertible {
    public let reason: String
    public var description: String { "ikehub-authd: \(reason)" }
}

extension GatewaySigning {
    /// The signing oracle and the broker's `auth.cert` service from one configuration file.
    public static func loadWithCertificateService(path: String) throws -> (GatewaySigning, CertificateAuthenticationService) {
        let loaded = FlexConfig.load(path: path)
        if let error = loaded.errors.first { throw GatewaySigningError(reason: "\(error)") }
        do throws(PKIError) {
            let signing = try GatewaySigning(configuration: loaded.configuration)
            return (signing, try CertificateAuthenticationService(configuration: loaded.configuration, signing: signing))
        } catch {
            throw GatewaySigningError(reason: error.description)
        }
    }
}
