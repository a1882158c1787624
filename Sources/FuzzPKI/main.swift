// Fuzz target for certificate and CRL decoding: CERT payload data (RFC 7296 §3.6) and
// CRLs fetched over http are untrusted input. Top-level code on purpose: SwiftPM links
// executables with --defsym main=<Module>_main, and -parse-as-library breaks that.
// Without -DIKEHUB_FUZZING it replays the files named on the command line through the
// same function: a decoding error is a normal outcome (exit 0), only a crash fails.
import CFuzzerDriver
import HubVocabulary
import PKI
#if canImport(Glibc)
import Glibc
#endif

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    if let certificate = try? Certificate(der: bytes) {
        // Everything a peer's certificate is put through before its chain is checked.
        _ = certificate.subject.rfc4514
        _ = certificate.subjectAlternativeNames.map(\.text)
        _ = try? IdentityBinding.check(.fqdn("fuzz.example.com"), boundTo: certificate)
        _ = try? IdentityBinding.check(PeerIdentity(kind: .derASN1DN, data: certificate.subject.der), boundTo: certificate)
        _ = try? IKECertificatePolicy.check(certificate)
        _ = try? certificate.publicKey()
    }
    _ = try? CertificateRevocationList(encoded: bytes, source: "fuzz")
    _ = try? DistinguishedName(der: bytes)
    return 0
}

#if IKEHUB_FUZZING
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, { fuzzOne($0, $1) }))
#else
var replayed = 0
for path in CommandLine.arguments.dropFirst() {
    let descriptor = open(path, O_RDONLY)
    guard descriptor >= 0 else {
        print("cannot open \(path)")
        exit(2)
    }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count <= 0 { break }
        bytes.append(contentsOf: chunk[0..<count])
    }
    close(descriptor)
    _ = bytes.withUnsafeBufferPointer { fuzzOne($0.baseAddress, $0.count) }
    replayed += 1
}
print("replayed \(replayed) input\(replayed == 1 ? "" : "s") without a crash")
#endif
