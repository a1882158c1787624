import FlexConfig
import HubVocabulary
import PKI
import Testing

let fixture = TestPKI.shared

/// A little after the fixture was made: every generated certificate is valid.
var now: FixedWallClock { FixedWallClock(fixture.madeAt.adding(seconds: 60)) }

func trustpoint(_ name: String, ca: [TestPKI.Issued], revocation: [Trustpoint.RevocationCheck] = [.none],
                crlFile: String? = nil) throws(PKIError) -> VerificationTrustpoint {
    var model = Trustpoint(name: name)
    model.revocationCheck = revocation
    let bundle = fixture.path("\(name)-\(ca.map(\.name).joined(separator: "+"))-bundle.pem")
    let pem = ca.flatMap(\.certificatePEM)
    FileManagerShim.write(pem, to: bundle)
    model.caCertificateFile = bundle
    model.crlFile = crlFile
    return try VerificationTrustpoint(loading: model)
}

func verifier(_ trustpoints: [VerificationTrustpoint], source: any RevocationListSource = RevocationListStore()) -> PeerCertificateVerifier {
    PeerCertificateVerifier(trustpoints: trustpoints, revocationSource: source)
}

let clientFQDN = PeerIdentity.fqdn("client1.example.com")

/// The rule of the rejection `body` throws; fails the test when it throws something else
/// or nothing.
func rejectionRule(_ body: () throws -> Void, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> CertificateRejection? {
    do {
        try body()
        Issue.record("expected a rejection, got success", sourceLocation: sourceLocation)
        return nil
    } catch {
        guard let rejection = (error as? PKIError)?.rejection else {
            Issue.record("expected a rejection, got \(error)", sourceLocation: sourceLocation)
            return nil
        }
        return rejection
    }
}
